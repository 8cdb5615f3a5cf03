package memory

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/citebot/citebot/retrieval/embed"
	"github.com/citebot/citebot/retrieval/index/vecfile"
)

// BenchmarkFlatSearch compares the flat table with vecfile's row-major
// exact scan over the same 96,000 random unit rows of 384 dimensions,
// for queries with the local embedder's sparsity (70 non-zero entries)
// and dense ones. Every iteration asks another query.
//
//	go test ./retrieval/index/memory -run '^$' -bench FlatSearch -benchtime 300x
func BenchmarkFlatSearch(b *testing.B) {
	const rows, dim, k = 96000, 384, 30
	r := rand.New(rand.NewPCG(42, 42))
	ids := make([]string, rows)
	vecs := make([]float32, rows*dim)
	for i := range ids {
		ids[i] = fmt.Sprintf("doc%06d.txt#0", i)
		v := vecs[i*dim : (i+1)*dim]
		for d := range v {
			v[d] = float32(r.NormFloat64())
		}
		embed.Normalize(v)
	}
	file := &vecfile.Index{Embedder: "random/384", Dim: dim, Centroids: vecs[:dim], Offsets: []int{0, rows}, IDs: ids, Vectors: vecs}
	flat := flatFromRows(dim, ids, file.Row, nil)
	queries := map[string][][]float32{}
	for range 1000 {
		sparse, dense := make([]float32, dim), make([]float32, dim)
		for _, d := range r.Perm(dim)[:70] {
			sparse[d] = float32(r.NormFloat64())
		}
		for d := range dense {
			dense[d] = float32(r.NormFloat64())
		}
		queries["sparse"] = append(queries["sparse"], embed.Normalize(sparse))
		queries["dense"] = append(queries["dense"], embed.Normalize(dense))
	}
	for _, kind := range []string{"sparse", "dense"} {
		qs := queries[kind]
		b.Run("flat/"+kind, func(b *testing.B) {
			i := 0
			for b.Loop() {
				flat.search(qs[i%len(qs)], k)
				i++
			}
		})
		b.Run("rows/"+kind, func(b *testing.B) {
			i := 0
			for b.Loop() {
				if _, err := file.Search(qs[i%len(qs)], k, 1); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}
