package memory

import (
	"math"
	"runtime"
	"sort"
	"sync"

	"github.com/citebot/citebot/retrieval/embed"
)

// ivfPlan sizes an inverted-file layout for n vectors: about 800 vectors a
// partition, and enough partitions probed per query to read about a tenth
// of the collection.
func ivfPlan(n int) (partitions, probes int) {
	partitions = min(max(n/800, 16), 1024)
	probes = max(partitions/10, 8)
	return partitions, min(probes, partitions)
}

// dot is the inner product of two equal-length vectors. Four accumulators
// break the dependency chain so the loop runs at memory speed.
func dot(a, b []float32) float32 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(a); i += 4 {
		s0 += a[i] * b[i]
		s1 += a[i+1] * b[i+1]
		s2 += a[i+2] * b[i+2]
		s3 += a[i+3] * b[i+3]
	}
	for ; i < len(a); i++ {
		s0 += a[i] * b[i]
	}
	return s0 + s1 + s2 + s3
}

// nearest returns the index of the centroid most similar to v.
func nearest(centroids [][]float32, v []float32) int {
	best, bestSim := 0, float32(math.Inf(-1))
	for c, cv := range centroids {
		if s := dot(cv, v); s > bestSim {
			best, bestSim = c, s
		}
	}
	return best
}

// nearestK returns the indexes of the k centroids most similar to v, best
// first.
func nearestK(centroids [][]float32, v []float32, k int) []int {
	idx := make([]int, len(centroids))
	sims := make([]float32, len(centroids))
	for c, cv := range centroids {
		idx[c], sims[c] = c, dot(cv, v)
	}
	sort.Slice(idx, func(i, j int) bool { return sims[idx[i]] > sims[idx[j]] })
	return idx[:min(k, len(idx))]
}

// trainCentroids runs a few rounds of spherical k-means on an evenly spaced
// sample of vecs. The sample keeps training cheap; the centroids only route
// vectors to partitions, so they need not be optimal.
func trainCentroids(vecs [][]float32, k int) [][]float32 {
	sampleSize := min(len(vecs), 24*k)
	sample := make([][]float32, sampleSize)
	for i := range sample {
		sample[i] = vecs[i*len(vecs)/sampleSize]
	}
	centroids := make([][]float32, k)
	for c := range centroids {
		centroids[c] = append([]float32(nil), sample[c*len(sample)/k]...)
	}
	dim := len(sample[0])
	assign := make([]int, len(sample))
	for round := 0; round < 4; round++ {
		parallelFor(len(sample), func(i int) { assign[i] = nearest(centroids, sample[i]) })
		sums := make([][]float32, k)
		for c := range sums {
			sums[c] = make([]float32, dim)
		}
		for i, c := range assign {
			for d, x := range sample[i] {
				sums[c][d] += x
			}
		}
		for c := range centroids {
			if embed.Normalize(sums[c]); isZero(sums[c]) {
				continue // an empty cluster keeps its old centroid
			}
			centroids[c] = sums[c]
		}
	}
	return centroids
}

func isZero(v []float32) bool {
	for _, x := range v {
		if x != 0 {
			return false
		}
	}
	return true
}

// parallelFor calls f(i) for i in [0, n) on every CPU.
func parallelFor(n int, f func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), max(n/64, 1))
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Go(func() {
			for i := w; i < n; i += workers {
				f(i)
			}
		})
	}
	wg.Wait()
}
