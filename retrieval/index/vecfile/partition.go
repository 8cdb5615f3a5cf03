package vecfile

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/citebot/citebot/internal/parallel"
	"github.com/citebot/citebot/retrieval/embed"
)

// BuildOptions tunes Build. The zero value is ready to use.
type BuildOptions struct {
	// Partitions is the number of partitions; zero means
	// DefaultPartitions(n). It is capped at the number of rows.
	Partitions int
	// Seed picks the initial centroids; the same seed and input give the
	// same index.
	Seed uint64
	// MaxFill caps a partition at MaxFill times the mean size; zero means
	// 2. It must be at least 1.
	MaxFill float64
	// MinFill dissolves partitions smaller than MinFill times the mean
	// size into their neighbours; zero means 0.5, negative means keep
	// every partition.
	MinFill float64
	// Rounds is the number of k-means rounds on the training sample; zero
	// means 8.
	Rounds int
}

// DefaultPartitions is about one partition per 800 rows, at least one
// and at most 1,024. Fewer, larger partitions than the square root of n
// read more rows a probe but need fewer probes for the same recall; see
// docs/benchmarks.md, "Issue 13 groundwork", for the measurement.
func DefaultPartitions(n int) int {
	return min(max(n/800, 1), 1024)
}

// candidates is how many nearest centroids balanced assignment considers
// for each vector before it scans them all.
const candidates = 8

// Build partitions vecs (one per id, all of one dimension, unit length
// for cosine scores) with balanced spherical k-means and returns them as
// an Index, rows grouped by partition in input order within each.
//
// Plain k-means on text embeddings makes a few huge partitions and many
// tiny ones, and a probe that lands in a huge one reads much of the
// index. Build instead assigns vectors under a capacity (MaxFill), the
// surest vectors first so that only ambiguous ones move to their second
// choice, and then dissolves partitions below MinFill into their
// neighbours. Centroids are trained on a sample of at most 64 vectors per
// partition, then set to the mean of each partition's final members,
// which is what a probe should be routed by.
func Build(embedder string, ids []string, vecs [][]float32, opts BuildOptions) (*Index, error) {
	if len(ids) != len(vecs) {
		return nil, fmt.Errorf("build vector index: %d ids for %d vectors", len(ids), len(vecs))
	}
	if len(vecs) == 0 {
		return nil, fmt.Errorf("build vector index: no vectors")
	}
	dim := len(vecs[0])
	if dim == 0 || dim > maxDim {
		return nil, fmt.Errorf("build vector index: dimension %d", dim)
	}
	for i, v := range vecs {
		if len(v) != dim {
			return nil, fmt.Errorf("build vector index: vector %d (%s) has %d dimensions, want %d", i, ids[i], len(v), dim)
		}
		for _, x := range v {
			if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
				return nil, fmt.Errorf("build vector index: vector %d (%s) is not finite", i, ids[i])
			}
		}
	}
	maxFill, minFill, rounds := opts.MaxFill, opts.MinFill, opts.Rounds
	if maxFill == 0 {
		maxFill = 2
	}
	if !(maxFill >= 1) {
		return nil, fmt.Errorf("build vector index: MaxFill %v is below 1", opts.MaxFill)
	}
	if minFill == 0 {
		minFill = 0.5
	}
	if rounds <= 0 {
		rounds = 8
	}
	n := len(vecs)
	k := opts.Partitions
	if k <= 0 {
		k = DefaultPartitions(n)
	}
	k = min(k, n)

	r := rand.New(rand.NewPCG(opts.Seed, 0x5eed))
	perm := r.Perm(n)
	sample := perm[:min(n, 64*k)]
	centroids := make([][]float32, k)
	for c := range centroids {
		centroids[c] = embed.Normalize(slices.Clone(vecs[sample[c]]))
	}
	for range rounds {
		assign := assignBalanced(vecs, sample, centroids, capacity(len(sample), k, maxFill))
		centroids = means(vecs, sample, assign, centroids, r)
	}
	all := make([]int, n)
	for i := range all {
		all[i] = i
	}
	assign := assignBalanced(vecs, all, centroids, capacity(n, k, maxFill))
	if minFill > 0 {
		assign, centroids = dissolveSmall(vecs, assign, centroids, minFill, maxFill)
	}
	centroids = means(vecs, all, assign, centroids, r)
	return layOut(embedder, dim, ids, vecs, assign, centroids), nil
}

// capacity is the most vectors one of k partitions may hold.
func capacity(n, k int, maxFill float64) int {
	return max(int(math.Ceil(maxFill*float64(n)/float64(k))), 1)
}

// assignBalanced assigns each of the vectors vecs[idx[i]] to a centroid,
// the nearest one with room: vectors whose nearest centroid beats their
// second by the widest margin go first. It returns the centroid of each
// idx entry.
func assignBalanced(vecs [][]float32, idx []int, centroids [][]float32, limit int) []int {
	t := min(candidates, len(centroids))
	cand := make([]scored, len(idx)*t) // per vector, its t nearest, best first
	parallel.For(len(idx), func(i int) {
		top := topK{k: t, hits: make([]scored, 0, t)}
		v := vecs[idx[i]]
		for c, cv := range centroids {
			top.offer(scored{c, dot(v, cv)})
		}
		slices.SortFunc(top.hits, func(a, b scored) int { return cmpScored(b, a) })
		copy(cand[i*t:], top.hits)
	})
	order := make([]int, len(idx))
	margin := make([]float32, len(idx))
	for i := range order {
		order[i] = i
		if t > 1 {
			margin[i] = cand[i*t].score - cand[i*t+1].score
		}
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(margin[b], margin[a]) })
	size := make([]int, len(centroids))
	assign := make([]int, len(idx))
	for _, i := range order {
		c := -1
		for _, s := range cand[i*t : (i+1)*t] {
			if size[s.row] < limit {
				c = s.row
				break
			}
		}
		if c < 0 {
			c = nearestWithRoom(vecs[idx[i]], centroids, size, limit)
		}
		size[c]++
		assign[i] = c
	}
	return assign
}

// nearestWithRoom is the most similar centroid whose partition holds
// fewer than limit vectors; there is one whenever limit×centroids ≥ n.
func nearestWithRoom(v []float32, centroids [][]float32, size []int, limit int) int {
	best, bestScore := -1, float32(math.Inf(-1))
	for c, cv := range centroids {
		if size[c] >= limit {
			continue
		}
		if s := dot(v, cv); best < 0 || s > bestScore {
			best, bestScore = c, s
		}
	}
	return best
}

// dissolveSmall removes, smallest first, each partition holding fewer
// than minFill times the mean, and moves its vectors to the nearest
// partitions with room. It returns the new assignment (of every vector)
// and centroids.
func dissolveSmall(vecs [][]float32, assign []int, centroids [][]float32, minFill, maxFill float64) ([]int, [][]float32) {
	n := len(vecs)
	for len(centroids) > 1 {
		k := len(centroids)
		size := make([]int, k)
		for _, c := range assign {
			size[c]++
		}
		smallest := 0
		for c := range size {
			if size[c] < size[smallest] {
				smallest = c
			}
		}
		if float64(size[smallest]) >= minFill*float64(n)/float64(k) {
			break
		}
		// Drop the centroid and renumber the ones after it.
		centroids = slices.Delete(centroids, smallest, smallest+1)
		size = slices.Delete(size, smallest, smallest+1)
		limit := capacity(n, k-1, maxFill)
		for i, c := range assign {
			switch {
			case c > smallest:
				assign[i] = c - 1
			case c == smallest:
				assign[i] = -1
			}
		}
		for i, c := range assign {
			if c < 0 {
				c = nearestWithRoom(vecs[i], centroids, size, limit)
				size[c]++
				assign[i] = c
			}
		}
	}
	return assign, centroids
}

// means returns the unit mean of each centroid's vectors; an empty
// partition gets a random vector of idx instead, so that it can win
// vectors in the next round.
func means(vecs [][]float32, idx, assign []int, old [][]float32, r *rand.Rand) [][]float32 {
	dim := len(vecs[0])
	sums := make([][]float32, len(old))
	for c := range sums {
		sums[c] = make([]float32, dim)
	}
	for i, c := range assign {
		for d, x := range vecs[idx[i]] {
			sums[c][d] += x
		}
	}
	for _, s := range sums {
		if embed.Normalize(s); isZero(s) {
			copy(s, vecs[idx[r.IntN(len(idx))]])
			embed.Normalize(s)
		}
	}
	return sums
}

// layOut orders rows by partition (input order within each) into an
// Index.
func layOut(embedder string, dim int, ids []string, vecs [][]float32, assign []int, centroids [][]float32) *Index {
	k := len(centroids)
	ix := &Index{
		Embedder:  embedder,
		Dim:       dim,
		Centroids: make([]float32, 0, k*dim),
		Offsets:   make([]int, k+1),
		IDs:       make([]string, len(ids)),
		Vectors:   make([]float32, len(ids)*dim),
	}
	for _, c := range centroids {
		ix.Centroids = append(ix.Centroids, c...)
	}
	for _, c := range assign {
		ix.Offsets[c+1]++
	}
	for c := 1; c <= k; c++ {
		ix.Offsets[c] += ix.Offsets[c-1]
	}
	next := slices.Clone(ix.Offsets[:k])
	for i, c := range assign {
		row := next[c]
		next[c]++
		ix.IDs[row] = ids[i]
		copy(ix.Vectors[row*dim:], vecs[i])
	}
	return ix
}

func cmpScored(a, b scored) int {
	switch {
	case worse(a, b):
		return -1
	case worse(b, a):
		return 1
	}
	return 0
}

func isZero(v []float32) bool {
	for _, x := range v {
		if x != 0 {
			return false
		}
	}
	return true
}
