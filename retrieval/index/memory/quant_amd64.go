package memory

import "golang.org/x/sys/cpu"

// axpyInt8 adds a×x to y, x being int8 entries; len(x) must be at least
// len(y).
var axpyInt8 = axpyInt8Generic

func init() {
	if cpu.X86.HasAVX2 && cpu.X86.HasFMA {
		axpyInt8 = axpyInt8Checked
	}
}

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
