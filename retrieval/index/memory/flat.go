package memory

import (
	"container/heap"
	"math"
	"sync"

	"gonum.org/v1/gonum/blas/blas32"
)

// flatVectors is an exact vector search for corpora above the exact-search
// limit, where chromem-go's per-document channel send and locks make a
// query cost about 100 ms. Vectors are stored dimension-major: cols[d]
// holds dimension d of every row. A query then adds q[d]×cols[d] into one
// score per row for each of its non-zero dimensions, reading each column
// front to back. The local embedder's questions have about 70 non-zero
// dimensions of 384, so a query reads a fifth of the vectors, in long
// runs, and the scores stay in cache; a row-major scan must touch every
// row's cache lines instead. See docs/benchmarks.md, "Stored embedded
// index (issue 13)", for the measurement that chose this layout.
type flatVectors struct {
	dim  int
	ids  []string
	cols [][]float32
	row  map[string]int // the row of each id
	// scores recycles the per-query score buffers, one float per row.
	scores sync.Pool
}

func newFlatVectors(dim int) *flatVectors {
	return &flatVectors{dim: dim, cols: make([][]float32, dim), row: map[string]int{}}
}

// len is the number of rows.
func (f *flatVectors) len() int { return len(f.ids) }

// upsert adds or replaces the vector of id; vec must have f.dim entries.
func (f *flatVectors) upsert(id string, vec []float32) {
	if r, ok := f.row[id]; ok {
		for d, x := range vec {
			f.cols[d][r] = x
		}
		return
	}
	f.row[id] = len(f.ids)
	f.ids = append(f.ids, id)
	for d, x := range vec {
		f.cols[d] = append(f.cols[d], x)
	}
}

// delete removes id's row, moving the last row into its place.
func (f *flatVectors) delete(id string) {
	r, ok := f.row[id]
	if !ok {
		return
	}
	last := len(f.ids) - 1
	f.ids[r] = f.ids[last]
	f.row[f.ids[r]] = r
	f.ids = f.ids[:last]
	for d, col := range f.cols {
		col[r] = col[last]
		f.cols[d] = col[:last]
	}
	delete(f.row, id)
}

// vector returns a copy of id's vector.
func (f *flatVectors) vector(id string) ([]float32, bool) {
	r, ok := f.row[id]
	if !ok {
		return nil, false
	}
	v := make([]float32, f.dim)
	for d, col := range f.cols {
		v[d] = col[r]
	}
	return v, true
}

// search returns the ids of the n rows most similar to q (unit length,
// f.dim entries), best first, equal scores by id, leaving out rows with
// no positive similarity as the chromem path does.
func (f *flatVectors) search(q []float32, n int) []string {
	rows := len(f.ids)
	if rows == 0 || n <= 0 {
		return nil
	}
	buf, _ := f.scores.Get().(*[]float32)
	if buf == nil || cap(*buf) < rows {
		b := make([]float32, rows)
		buf = &b
	}
	scores := (*buf)[:rows]
	clear(scores)
	// gonum's axpy is SSE assembly on amd64: 1.7 times faster than a Go
	// loop over the same columns, with the same roundings (a multiply,
	// then an add), so the scores are identical.
	sv := blas32.Vector{N: rows, Data: scores, Inc: 1}
	for d, x := range q {
		if x != 0 {
			blas32.Axpy(x, blas32.Vector{N: rows, Data: f.cols[d][:rows], Inc: 1}, sv)
		}
	}
	top := idTop{k: n}
	// A row must score above zero and, once the heap is full, at least
	// its worst: one comparison, inline, skips the call for most rows.
	cut := float32(math.SmallestNonzeroFloat32)
	for r, s := range scores {
		if s < cut {
			continue
		}
		top.offer(s, r, f.ids)
		if len(top.rows) == top.k {
			cut = max(top.scores[0], math.SmallestNonzeroFloat32)
		}
	}
	f.scores.Put(buf)
	out := make([]string, len(top.rows))
	for i := len(out) - 1; i >= 0; i-- {
		out[i] = f.ids[heap.Pop(&top).(int)]
	}
	return out
}

// idTop keeps the k best rows seen, as a min-heap with the worst on top.
// Equal scores prefer the lower id, as the chromem path's sort does, so
// that a question always gets the same passages whatever the row order.
type idTop struct {
	k      int
	rows   []int
	scores []float32
	ids    []string // every row's id
}

// offer keeps row r with score s if it is among the k best so far.
func (t *idTop) offer(s float32, r int, ids []string) {
	t.ids = ids
	switch {
	case len(t.rows) < t.k:
		heap.Push(t, scoredRow{r, s})
	case worse(t.scores[0], t.ids[t.rows[0]], s, ids[r]):
		t.rows[0], t.scores[0] = r, s
		heap.Fix(t, 0)
	}
}

// worse reports whether score a of id ida ranks below score b of id idb.
func worse(a float32, ida string, b float32, idb string) bool {
	if a != b {
		return a < b
	}
	return ida > idb
}

type scoredRow struct {
	row   int
	score float32
}

func (t *idTop) Len() int { return len(t.rows) }
func (t *idTop) Less(i, j int) bool {
	return worse(t.scores[i], t.ids[t.rows[i]], t.scores[j], t.ids[t.rows[j]])
}
func (t *idTop) Swap(i, j int) {
	t.rows[i], t.rows[j] = t.rows[j], t.rows[i]
	t.scores[i], t.scores[j] = t.scores[j], t.scores[i]
}
func (t *idTop) Push(x any) {
	s := x.(scoredRow)
	t.rows = append(t.rows, s.row)
	t.scores = append(t.scores, s.score)
}
func (t *idTop) Pop() any {
	n := len(t.rows) - 1
	r := t.rows[n]
	t.rows, t.scores = t.rows[:n], t.scores[:n]
	return r
}
