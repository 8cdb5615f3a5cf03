package memory

import (
	"container/heap"
	"math"

	"github.com/citebot/citebot/internal/parallel"
)

// quantBlock is how many rows share a scale in a quantTable: the scores
// of a block (8 KB) stay in the first-level cache while the question's
// dimensions are added into them, and each dimension's entries of the
// block are read front to back, 2 KB at a time, which the hardware
// prefetches. (Blocks of 64 rows laid out block by block, one cache line
// per dimension, were slower than the float32 columns: their scattered
// lines defeat the prefetcher.)
const quantBlock = 2048

// quantTable is the exact vector search of a stored index for sparse
// questions. It scans an int8 copy of the vectors and rescores the rows
// that could be among the best with their float32 vectors, so that it
// returns exactly what flatVectors would, reading a quarter of the bytes.
//
// The float32 table was bound by memory: a question of 70 non-zero
// dimensions read 27 MB of columns at 96,745 chunks, and the table was
// 146 MB of the server's memory. The int8 columns are 37 MB.
//
// Rows are quantised in blocks of quantBlock rows: entry x of dimension d
// in block b is stored as round(x/scale[b][d]), scale being the block's
// largest |x| in that dimension over 127. Each stored entry is then
// within scale/2 of x, so an approximate score is within
// bound = Σ|q[d]|·scale[b][d]/2 of the exact one, and a row whose
// approximate score plus bound is below the n-th best lower bound
// (approximate score minus bound) cannot be among the n best. Only the
// others are rescored exactly.
type quantTable struct {
	dim, rows int
	ids       []string
	// cols holds the quantised entries dimension-major, as flatVectors
	// holds its floats: entry d of row i is cols[d*rows+i]. It is off the
	// Go heap: the collector lets the heap grow to twice what was live
	// after a cycle, and this table, which never changes and holds no
	// pointers, would otherwise count twice in peak RSS.
	cols    []int8
	scales  []float32 // scales[b*dim+d]
	release func()
	// readRow copies row i's float32 vector into dst, for the rescoring.
	readRow func(i int, dst []float32) error
}

// quantFromRows quantises n rows of dim entries, row(i) being row i with
// id ids[i]. readRow must give the same rows while the table is used: the
// table rescores with it. done, if not nil, is called after each stretch
// of rows is read, maybe from several goroutines at once.
func quantFromRows(dim int, ids []string, row func(i int) []float32, readRow func(i int, dst []float32) error, done func(from, to int)) *quantTable {
	n := len(ids)
	nb := (n + quantBlock - 1) / quantBlock
	t := &quantTable{dim: dim, rows: n, ids: ids, scales: make([]float32, nb*dim), readRow: readRow}
	t.cols, t.release = offHeapInt8(n * dim)
	// In tiles of 64 rows (96 KB at 384 dimensions, which stay in cache)
	// on every core: first each tile's largest |x| per dimension, then,
	// with the scales of its block, its entries, a dimension at a time,
	// so that each write is a run of 64 bytes.
	const tile = 64
	tiles := (n + tile - 1) / tile
	tileMax := make([]float32, tiles*dim)
	parallel.For(tiles, func(k int) {
		lo, hi := k*tile, min((k+1)*tile, n)
		m := tileMax[k*dim : (k+1)*dim]
		for i := lo; i < hi; i++ {
			for d, x := range row(i)[:dim] {
				m[d] = max(m[d], x, -x)
			}
		}
		if done != nil {
			done(lo, hi)
		}
	})
	for k := range tiles {
		scales := t.scales[k*tile/quantBlock*dim:][:dim]
		for d, x := range tileMax[k*dim : (k+1)*dim] {
			scales[d] = max(scales[d], x)
		}
	}
	for i := range t.scales {
		t.scales[i] /= 127
	}
	parallel.For(tiles, func(k int) {
		lo, hi := k*tile, min((k+1)*tile, n)
		scales := t.scales[lo/quantBlock*dim:][:dim]
		var rows [tile][]float32
		for i := lo; i < hi; i++ {
			rows[i-lo] = row(i)[:dim]
		}
		for d, s := range scales {
			if s == 0 {
				continue
			}
			inv := 1 / s
			col := t.cols[d*n+lo : d*n+hi]
			for i := range col {
				// Round to nearest without a branch on the sign: |x·inv|
				// is at most 127 and a hair, so x·inv + 127.5 is positive
				// and truncation is the floor.
				q := int32(rows[i][d]*inv + 127.5)
				col[i] = int8(min(max(q, 0), 254) - 127)
			}
		}
		if done != nil {
			done(lo, hi)
		}
	})
	return t
}

// free releases the int8 entries. The table must not be used afterwards.
func (t *quantTable) free() {
	if t.release != nil {
		t.release()
		t.release = nil
	}
	t.cols = nil
}

// quantCandidate is a row that may be among the best, with the upper
// bound of its exact score.
type quantCandidate struct {
	row   int
	upper float32
}

// search returns the ids of the n rows most similar to q (unit length,
// t.dim entries), best first, equal scores by id, leaving out rows with
// no positive similarity: the same as flatVectors.search. It fails only
// when a row cannot be read for the rescoring.
func (t *quantTable) search(q []float32, n int) ([]string, error) {
	if t.rows == 0 || t.dim == 0 || n <= 0 || len(q) != t.dim {
		return nil, nil
	}
	var dims []int32
	for d, x := range q {
		if x != 0 {
			dims = append(dims, int32(d))
		}
	}
	out := make([]float32, quantBlock)
	// lowers keeps the n best lower bounds seen; floor is the n-th once
	// there are n. A row whose upper bound is below it cannot be among
	// the n best, so only the others are kept, and filtered again at the
	// end against the final floor.
	lowers := &floatMinHeap{}
	floor := float32(math.Inf(-1))
	var cands []quantCandidate
	nb := len(t.scales) / t.dim
	for b := 0; b < nb; b++ {
		lo, hi := b*quantBlock, min((b+1)*quantBlock, t.rows)
		scales := t.scales[b*t.dim : (b+1)*t.dim]
		out := out[:hi-lo]
		clear(out)
		var bound float32
		var xs [4][]int8
		var ws [4]float32
		for k, d := range dims {
			w := q[d] * scales[d]
			xs[k%4], ws[k%4] = t.cols[int(d)*t.rows+lo:int(d)*t.rows+hi], w
			if k%4 == 3 {
				axpy4Int8(out, &xs, &ws)
			}
			bound += float32(math.Abs(float64(w)))
		}
		for k := len(dims) &^ 3; k < len(dims); k++ {
			axpyInt8(out, xs[k%4], ws[k%4])
		}
		// Half a step of quantisation per dimension, widened for the
		// float32 roundings of both sums (a few 1e-7 each, on scores of
		// at most 1).
		bound = bound*0.5*(1+1e-4) + 1e-5
		// One comparison a row, which is mostly false: upper must be
		// positive and at least floor.
		cut := max(floor, math.SmallestNonzeroFloat32)
		for j, a := range out {
			upper := a + bound
			if upper < cut {
				continue
			}
			cands = append(cands, quantCandidate{lo + j, upper})
			if lower := a - bound; lowers.Len() < n {
				heap.Push(lowers, lower)
				if lowers.Len() == n {
					floor = (*lowers)[0]
					cut = max(floor, math.SmallestNonzeroFloat32)
				}
			} else if lower > floor {
				(*lowers)[0] = lower
				heap.Fix(lowers, 0)
				floor = (*lowers)[0]
				cut = max(floor, math.SmallestNonzeroFloat32)
			}
		}
	}
	top := idTop{k: n}
	v := make([]float32, t.dim)
	for _, c := range cands {
		if c.upper < floor {
			continue
		}
		// The exact score, summed as flatVectors sums it: dimension by
		// dimension, each product rounded before it is added (the
		// conversion keeps the compiler from fusing them), so that
		// equal vectors tie here as they do there.
		if err := t.readRow(c.row, v); err != nil {
			return nil, err
		}
		var s float32
		for _, d := range dims {
			s += float32(q[d] * v[d])
		}
		if s > 0 {
			top.offer(s, c.row, t.ids)
		}
	}
	res := make([]string, len(top.rows))
	for i := len(res) - 1; i >= 0; i-- {
		res[i] = t.ids[heap.Pop(&top).(int)]
	}
	return res, nil
}

// axpy4Int8 adds a[k]×x[k] to y for k = 0 to 3, in that order, as four
// calls of axpyInt8 would: it reads and writes y once for four columns.
var axpy4Int8 = axpy4Int8Generic

// axpy4Int8Generic is axpy4Int8 as four calls of axpyInt8.
func axpy4Int8Generic(y []float32, x *[4][]int8, a *[4]float32) {
	for k := range x {
		axpyInt8(y, x[k], a[k])
	}
}

// axpyInt8Generic is axpyInt8 in Go, for machines without AVX2 and FMA.
func axpyInt8Generic(y []float32, x []int8, a float32) {
	x = x[:len(y)]
	for i, v := range x {
		y[i] += a * float32(v)
	}
}

// floatMinHeap is a min-heap of float32s.
type floatMinHeap []float32

func (h floatMinHeap) Len() int           { return len(h) }
func (h floatMinHeap) Less(i, j int) bool { return h[i] < h[j] }
func (h floatMinHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *floatMinHeap) Push(x any)        { *h = append(*h, x.(float32)) }
func (h *floatMinHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}
