package memory

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/citebot/citebot/retrieval/embed"
)

// TestAxpyInt8 checks the kernel in use (AVX2 assembly on most amd64
// machines) against the Go one, for lengths around its 32-entry step and
// every int8 value, including -128, which quantisation never writes.
func TestAxpyInt8(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{0, 1, 31, 32, 33, 95, 2048, 2077} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			x := make([]int8, n+5) // longer than y, as a column is
			for i := range x {
				x[i] = int8(r.IntN(256) - 128)
			}
			got, want := make([]float32, n), make([]float32, n)
			for i := range got {
				got[i] = float32(r.NormFloat64())
				want[i] = got[i]
			}
			a := float32(r.NormFloat64()) / 100
			axpyInt8(got, x, a)
			axpyInt8Generic(want, x, a)
			for i := range got {
				// Fused and unfused multiply-adds differ in the last bits.
				if d := math.Abs(float64(got[i] - want[i])); d > 1e-5*(1+math.Abs(float64(want[i]))) {
					t.Errorf("entry %d: got %v, want %v", i, got[i], want[i])
				}
			}
		})
	}
}

// TestAxpy4Int8 checks that the four-column kernel adds exactly what four
// calls of the one-column kernel add, bit for bit: the same products,
// rounded once each, in the same order.
func TestAxpy4Int8(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{0, 1, 31, 32, 33, 95, 2048, 2077} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			var x [4][]int8
			var a [4]float32
			for k := range x {
				x[k] = make([]int8, n+5) // longer than y, as a column is
				for i := range x[k] {
					x[k][i] = int8(r.IntN(256) - 128)
				}
				a[k] = float32(r.NormFloat64()) / 100
			}
			got, want := make([]float32, n), make([]float32, n)
			for i := range got {
				got[i] = float32(r.NormFloat64())
				want[i] = got[i]
			}
			axpy4Int8(got, &x, &a)
			for k := range x {
				axpyInt8(want, x[k], a[k])
			}
			for i := range got {
				if got[i] != want[i] {
					t.Fatalf("entry %d: got %v, want %v", i, got[i], want[i])
				}
			}
		})
	}
}

// quantTestRows returns n unit rows of dim entries: a mix of dense
// Gaussian rows and sparse ones like the local embedder's, with runs of
// equal rows (ties go by id) and of rows a hair apart (the bound must
// still tell them in the right order).
func quantTestRows(r *rand.Rand, n, dim int) [][]float32 {
	rows := make([][]float32, n)
	for i := range rows {
		v := make([]float32, dim)
		switch {
		case i%3 == 0:
			for d := range v {
				v[d] = float32(r.NormFloat64())
			}
		case i%50 < 5 && i >= 50:
			copy(v, rows[i-50])
			if i%2 == 0 {
				v[r.IntN(dim)] += 1e-6
			}
		default:
			for _, d := range r.Perm(dim)[:dim/4] {
				v[d] = float32(r.NormFloat64())
			}
		}
		rows[i] = embed.Normalize(v)
	}
	return rows
}

// TestQuantMatchesFlat checks that the int8 table returns exactly what
// the float32 table does: the same rows in the same order, ties by id,
// rows with no positive similarity left out, for any n, including rows
// in a last, partial block.
func TestQuantMatchesFlat(t *testing.T) {
	inUse, inUse4 := axpyInt8, axpy4Int8
	defer func() { axpyInt8, axpy4Int8 = inUse, inUse4 }()
	for _, kernel := range []struct {
		name string
		f    func([]float32, []int8, float32)
		f4   func([]float32, *[4][]int8, *[4]float32)
	}{{"kernel in use", inUse, inUse4}, {"Go kernel", axpyInt8Generic, axpy4Int8Generic}} {
		axpyInt8, axpy4Int8 = kernel.f, kernel.f4
		t.Run(kernel.name, testQuantMatchesFlat)
	}
}

func testQuantMatchesFlat(t *testing.T) {
	for _, tc := range []struct{ rows, dim int }{{1, 8}, {63, 16}, {2048, 16}, {1000, 48}, {5001, 96}} {
		t.Run(fmt.Sprintf("%d rows of %d", tc.rows, tc.dim), func(t *testing.T) {
			r := rand.New(rand.NewPCG(uint64(tc.rows), uint64(tc.dim)))
			rows := quantTestRows(r, tc.rows, tc.dim)
			ids := make([]string, tc.rows)
			flat := newFlatVectors(tc.dim)
			for i := range ids {
				ids[i] = fmt.Sprintf("d%05d#%d", r.IntN(tc.rows), i) // not in row order
				flat.upsert(ids[i], rows[i])
			}
			row := func(i int) []float32 { return rows[i] }
			readRow := func(i int, dst []float32) error { copy(dst, rows[i]); return nil }
			quant := quantFromRows(tc.dim, ids, row, readRow, nil)
			defer quant.free()
			for i := range 60 {
				q := make([]float32, tc.dim)
				switch i % 3 {
				case 0: // a row itself, and its ties
					copy(q, rows[r.IntN(tc.rows)])
				case 1:
					for _, d := range r.Perm(tc.dim)[:max(1, tc.dim/5)] {
						q[d] = float32(r.NormFloat64())
					}
				default:
					for d := range q {
						q[d] = float32(r.NormFloat64())
					}
				}
				embed.Normalize(q)
				for _, n := range []int{1, 5, 30, tc.rows + 1} {
					got, err := quant.search(q, n)
					if err != nil {
						t.Fatal(err)
					}
					if want := flat.search(q, n); !slices.Equal(got, want) {
						t.Fatalf("query %d, n %d: got %v,\nwant %v", i, n, got, want)
					}
				}
			}
		})
	}
}

// TestQuantSearchReadError checks that a row the rescoring cannot read
// (a vector file gone bad under a running server) fails the search with
// the cause, rather than ranking without it.
func TestQuantSearchReadError(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	rows := quantTestRows(r, 300, 16)
	ids := make([]string, len(rows))
	for i := range ids {
		ids[i] = fmt.Sprint(i)
	}
	bad := errors.New("read failed")
	quant := quantFromRows(16, ids, func(i int) []float32 { return rows[i] }, func(int, []float32) error { return bad }, nil)
	defer quant.free()
	if got, err := quant.search(rows[0], 5); !errors.Is(err, bad) {
		t.Errorf("search = %v, %v; want error %v", got, err, bad)
	}
}

// BenchmarkQuantSearch measures the int8 table's search at 50,000 rows
// like the local embedder's (70 of 384 dimensions), with the four-column
// kernel and with four calls of the one-column kernel.
func BenchmarkQuantSearch(b *testing.B) {
	const rows, dim, k = 50000, 384, 48
	r := rand.New(rand.NewPCG(5, 6))
	vecs := make([][]float32, rows)
	ids := make([]string, rows)
	for i := range vecs {
		v := make([]float32, dim)
		for _, d := range r.Perm(dim)[:70] {
			v[d] = float32(r.NormFloat64())
		}
		vecs[i] = embed.Normalize(v)
		ids[i] = fmt.Sprintf("doc%06d.txt#0", i)
	}
	quant := quantFromRows(dim, ids, func(i int) []float32 { return vecs[i] },
		func(i int, dst []float32) error { copy(dst, vecs[i]); return nil }, nil)
	defer quant.free()
	qs := make([][]float32, 256)
	for i := range qs {
		q := make([]float32, dim)
		for _, d := range r.Perm(dim)[:70] {
			q[d] = float32(r.NormFloat64())
		}
		qs[i] = embed.Normalize(q)
	}
	inUse := axpy4Int8
	defer func() { axpy4Int8 = inUse }()
	for _, kernel := range []struct {
		name string
		f4   func([]float32, *[4][]int8, *[4]float32)
	}{{"four-column", inUse}, {"one-column", axpy4Int8Generic}} {
		axpy4Int8 = kernel.f4
		b.Run(kernel.name, func(b *testing.B) {
			i := 0
			for b.Loop() {
				if _, err := quant.search(qs[i%len(qs)], k); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}
