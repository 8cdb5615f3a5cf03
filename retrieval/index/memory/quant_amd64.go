package memory

import "golang.org/x/sys/cpu"

// axpyInt8 adds a×x to y, x being int8 entries; len(x) must be at least
// len(y).
var axpyInt8 = axpyInt8Generic

func init() {
	if cpu.X86.HasAVX2 && cpu.X86.HasFMA {
		axpyInt8 = axpyInt8Checked
		axpy4Int8 = axpy4Int8Checked
	}
}

// axpy4Int8Checked checks the lengths axpy4Int8AVX2 relies on.
func axpy4Int8Checked(y []float32, x *[4][]int8, a *[4]float32) {
	x0, x1, x2, x3 := x[0][:len(y)], x[1][:len(y)], x[2][:len(y)], x[3][:len(y)]
	n := len(y) &^ 31
	if n > 0 {
		axpy4Int8AVX2(y[:n], x0[:n], x1[:n], x2[:n], x3[:n], a[0], a[1], a[2], a[3])
	}
	for k, xk := range [4][]int8{x0, x1, x2, x3} {
		axpyInt8Checked(y[n:], xk[n:], a[k])
	}
}

// axpy4Int8AVX2 is axpy4Int8 in AVX2 assembly (quant_amd64.s); len(y)
// must be a multiple of 32 and each len(xk) at least len(y).
//
//go:noescape
func axpy4Int8AVX2(y []float32, x0, x1, x2, x3 []int8, a0, a1, a2, a3 float32)

// axpyInt8Checked checks the lengths the assembly relies on.
func axpyInt8Checked(y []float32, x []int8, a float32) {
	x = x[:len(y)]
	n := len(y) &^ 31
	if n > 0 {
		axpyInt8AVX2(y[:n], x[:n], a)
	}
	axpyInt8Generic(y[n:], x[n:], a)
}

// axpyInt8AVX2 is axpyInt8 in AVX2 assembly (quant_amd64.s), 32 entries
// a step; len(y) must be a multiple of 32 and len(x) at least len(y).
//
//go:noescape
func axpyInt8AVX2(y []float32, x []int8, a float32)
