package vecfile

import (
	"container/heap"
	"fmt"
	"math"
	"sort"
)

// Index is a partitioned set of vectors: rows grouped by partition, each
// partition's rows contiguous in Vectors. Scores are dot products, which
// are cosine similarities when the vectors are unit length, as the
// retrieval embedders' are.
type Index struct {
	// Embedder identifies the embedder and its parameters, such as
	// "local-hash-v3/384".
	Embedder string
	// Dim is the vector size.
	Dim int
	// Centroids holds one unit vector per partition, row-major.
	Centroids []float32
	// Offsets[p] is the first row of partition p; Offsets[Partitions()]
	// is the number of rows.
	Offsets []int
	// IDs holds the chunk id of each row.
	IDs []string
	// Vectors holds the rows, row-major: row i is
	// Vectors[i*Dim:(i+1)*Dim].
	Vectors []float32
}

// Len is the number of rows.
func (ix *Index) Len() int { return len(ix.IDs) }

// Partitions is the number of partitions.
func (ix *Index) Partitions() int { return max(len(ix.Offsets)-1, 0) }

// Row returns row i's vector, which aliases the index's memory.
func (ix *Index) Row(i int) []float32 { return ix.Vectors[i*ix.Dim : (i+1)*ix.Dim : (i+1)*ix.Dim] }

// validate checks that ix's parts agree, so that Write never stores a
// file that Open would refuse.
func (ix *Index) validate() error {
	if len(ix.Vectors) != len(ix.IDs)*ix.Dim {
		return fmt.Errorf("%w: %d floats for %d rows of %d", ErrCorrupt, len(ix.Vectors), len(ix.IDs), ix.Dim)
	}
	return ix.validateTables()
}

// validateTables checks everything validate does but the vectors.
func (ix *Index) validateTables() error {
	n, p := len(ix.IDs), ix.Partitions()
	switch {
	case ix.Dim <= 0 || ix.Dim > maxDim:
		return fmt.Errorf("%w: dimension %d", ErrCorrupt, ix.Dim)
	case len(ix.Embedder) > maxEmbedderLen:
		return fmt.Errorf("%w: embedder id of %d bytes", ErrCorrupt, len(ix.Embedder))
	case p == 0:
		return fmt.Errorf("%w: no partitions", ErrCorrupt)
	case len(ix.Centroids) != p*ix.Dim:
		return fmt.Errorf("%w: %d centroid floats for %d partitions of %d", ErrCorrupt, len(ix.Centroids), p, ix.Dim)
	case ix.Offsets[0] != 0 || ix.Offsets[p] != n:
		return fmt.Errorf("%w: partitions cover rows %d to %d of %d", ErrCorrupt, ix.Offsets[0], ix.Offsets[p], n)
	}
	for q := 1; q <= p; q++ {
		if ix.Offsets[q] < ix.Offsets[q-1] {
			return fmt.Errorf("%w: partition %d starts before partition %d", ErrCorrupt, q, q-1)
		}
	}
	var idBytes int
	for _, id := range ix.IDs {
		idBytes += len(id)
	}
	if uint64(idBytes) > math.MaxUint32 {
		return fmt.Errorf("%w: %d bytes of ids", ErrCorrupt, idBytes)
	}
	return nil
}

// Hit is one search result.
type Hit struct {
	Row   int     // row in the index
	ID    string  // the row's chunk id
	Score float32 // dot product with the query
}

// Search returns the k rows most similar to q among the probes partitions
// whose centroids are most similar to q, best first. probes ≤ 0 means
// DefaultProbes(ix.Partitions()); probes ≥ Partitions() is an exact
// search. It runs on the calling goroutine: a server answers many
// questions at once, and splitting one query across cores would only
// make them queue for each other.
func (ix *Index) Search(q []float32, k, probes int) ([]Hit, error) {
	if len(q) != ix.Dim {
		return nil, fmt.Errorf("search: query has %d dimensions, index %d", len(q), ix.Dim)
	}
	if k <= 0 || ix.Len() == 0 {
		return nil, nil
	}
	p := ix.Partitions()
	if probes <= 0 {
		probes = DefaultProbes(p)
	}
	var top topK
	top.k = k
	sq := sparseOf(q)
	if probes >= p {
		ix.scan(q, sq, 0, ix.Len(), &top)
	} else {
		for _, part := range ix.nearestPartitions(q, probes) {
			ix.scan(q, sq, ix.Offsets[part], ix.Offsets[part+1], &top)
		}
	}
	sort.Sort(sort.Reverse(&top))
	out := make([]Hit, len(top.hits))
	for i, h := range top.hits {
		out[i] = Hit{Row: h.row, ID: ix.IDs[h.row], Score: h.score}
	}
	return out, nil
}

// scan scores rows [from, to) against q into top. The rows are one run of
// memory, read once, front to back. A sparse query (sq not nil) is
// multiplied by its non-zero entries only.
func (ix *Index) scan(q []float32, sq *sparse, from, to int, top *topK) {
	d := ix.Dim
	vecs := ix.Vectors[from*d : to*d]
	for i := 0; i < to-from; i++ {
		row := vecs[i*d : (i+1)*d : (i+1)*d]
		var s float32
		if sq != nil {
			s = sq.dot(row)
		} else {
			s = dot(q, row)
		}
		top.offer(scored{from + i, s})
	}
}

// sparse is a query's non-zero entries. The local embedder hashes a
// question's few words into about 70 of 384 dimensions, so multiplying
// only those does a fifth of the work of a dense dot product, with the
// same result up to rounding.
type sparse struct {
	idx []int32
	val []float32
}

// sparseOf returns q's non-zero entries when they are at most half of
// it, and nil when a dense product is as cheap.
func sparseOf(q []float32) *sparse {
	nz := 0
	for _, x := range q {
		if x != 0 {
			nz++
		}
	}
	if nz*2 > len(q) {
		return nil
	}
	s := &sparse{idx: make([]int32, 0, nz), val: make([]float32, 0, nz)}
	for i, x := range q {
		if x != 0 {
			s.idx = append(s.idx, int32(i))
			s.val = append(s.val, x)
		}
	}
	return s
}

// dot is the inner product of the sparse query with row, which must be
// longer than every index.
func (s *sparse) dot(row []float32) float32 {
	idx, val := s.idx, s.val[:len(s.idx)]
	var s0, s1, s2, s3 float32
	j := 0
	for ; j+4 <= len(idx); j += 4 {
		s0 += val[j] * row[idx[j]]
		s1 += val[j+1] * row[idx[j+1]]
		s2 += val[j+2] * row[idx[j+2]]
		s3 += val[j+3] * row[idx[j+3]]
	}
	for ; j < len(idx); j++ {
		s0 += val[j] * row[idx[j]]
	}
	return (s0 + s1) + (s2 + s3)
}

// nearestPartitions returns the n partitions whose centroids are most
// similar to q.
func (ix *Index) nearestPartitions(q []float32, n int) []int {
	p := ix.Partitions()
	var top topK
	top.k = n
	for c := 0; c < p; c++ {
		top.offer(scored{c, dot(q, ix.Centroids[c*ix.Dim:(c+1)*ix.Dim])})
	}
	out := make([]int, len(top.hits))
	for i, h := range top.hits {
		out[i] = h.row
	}
	return out
}

// DefaultProbes is the number of partitions Search reads when asked for
// none: 70% of them, the least that gave recall@30 ≥ 0.95 against exact
// search with the local embedder on both squad-train and the 50 MB
// generated corpus (0.963 and 0.964; 60% gave 0.936). Hashed word
// features cluster weakly, so a short question's nearest chunks are
// spread over most partitions; see docs/benchmarks.md, "Issue 13
// groundwork".
func DefaultProbes(partitions int) int {
	return min(max(int(math.Ceil(float64(partitions)*defaultProbeShare)), minProbes), partitions)
}

// The measured probe share, and a floor for small indexes; see
// DefaultProbes.
const (
	defaultProbeShare = 0.7
	minProbes         = 8
)

// dot is the inner product of two vectors of a's length. Eight
// independent accumulators keep the floating-point adds from waiting on
// each other, so the loop runs at the speed memory delivers rows.
func dot(a, b []float32) float32 {
	b = b[:len(a)]
	var s0, s1, s2, s3, s4, s5, s6, s7 float32
	i := 0
	for ; i+8 <= len(a); i += 8 {
		aa, bb := a[i:i+8:i+8], b[i:i+8:i+8]
		s0 += aa[0] * bb[0]
		s1 += aa[1] * bb[1]
		s2 += aa[2] * bb[2]
		s3 += aa[3] * bb[3]
		s4 += aa[4] * bb[4]
		s5 += aa[5] * bb[5]
		s6 += aa[6] * bb[6]
		s7 += aa[7] * bb[7]
	}
	for ; i < len(a); i++ {
		s0 += a[i] * b[i]
	}
	return (s0 + s1) + (s2 + s3) + (s4 + s5) + (s6 + s7)
}

// scored is a row (or partition) and its score.
type scored struct {
	row   int
	score float32
}

// topK is a min-heap of the k best scores seen, the worst on top. Ties
// keep the lower row, so results do not depend on scan order.
type topK struct {
	k    int
	hits []scored
}

// offer keeps s if it is among the k best so far.
func (t *topK) offer(s scored) {
	switch {
	case len(t.hits) < t.k:
		heap.Push(t, s)
	case worse(t.hits[0], s):
		t.hits[0] = s
		heap.Fix(t, 0)
	}
}

// worse orders by score, then prefers the lower row.
func worse(a, b scored) bool {
	if a.score != b.score {
		return a.score < b.score
	}
	return a.row > b.row
}

func (t *topK) Len() int           { return len(t.hits) }
func (t *topK) Less(i, j int) bool { return worse(t.hits[i], t.hits[j]) }
func (t *topK) Swap(i, j int)      { t.hits[i], t.hits[j] = t.hits[j], t.hits[i] }
func (t *topK) Push(x any)         { t.hits = append(t.hits, x.(scored)) }
func (t *topK) Pop() any {
	x := t.hits[len(t.hits)-1]
	t.hits = t.hits[:len(t.hits)-1]
	return x
}
