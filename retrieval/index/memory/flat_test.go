package memory

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/citebot/citebot/corpus"
	"github.com/citebot/citebot/retrieval/embed"
	"github.com/citebot/citebot/retrieval/index"
	"github.com/citebot/citebot/retrieval/index/vecfile"
)

// BenchmarkFlatSearch compares the flat table, the int8 table of a
// stored index and vecfile's row-major exact scan over the same 96,000 random unit rows of 384 dimensions,
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
	flat := newFlatVectors(dim)
	for i, id := range ids {
		flat.upsert(id, file.Row(i))
	}
	readRow := func(i int, dst []float32) error { copy(dst, file.Row(i)); return nil }
	quant := quantFromRows(dim, ids, file.Row, readRow, nil)
	defer quant.free()
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
		b.Run("quant/"+kind, func(b *testing.B) {
			i := 0
			for b.Loop() {
				if _, err := quant.search(qs[i%len(qs)], k); err != nil {
					b.Fatal(err)
				}
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

// BenchmarkVectorSearchBySize compares chromem-go's exhaustive search with
// the flat table at the sizes below ExactSearchLimit, where the index
// chooses between them: sparse questions as the local embedder makes
// them (70 of 384 dimensions), dense ones as a model's.
func BenchmarkVectorSearchBySize(b *testing.B) {
	const dim, k = 384, 48
	ctx := context.Background()
	for _, rows := range []int{100, 1000, 10000} {
		r := rand.New(rand.NewPCG(7, uint64(rows)))
		recs := make([]index.Record, rows)
		for i := range recs {
			v := make([]float32, dim)
			for _, d := range r.Perm(dim)[:70] {
				v[d] = float32(r.NormFloat64())
			}
			recs[i] = index.Record{Chunk: corpus.Chunk{ID: fmt.Sprintf("doc%06d.txt#0", i), Text: "x"}, Vector: embed.Normalize(v)}
		}
		for _, store := range []struct {
			name  string
			limit int
		}{{"chromem", rows + 1}, {"flat", 1}} {
			m, err := New(Options{ExactSearchLimit: store.limit})
			if err != nil {
				b.Fatal(err)
			}
			if err := m.Upsert(ctx, recs); err != nil {
				b.Fatal(err)
			}
			for _, kind := range []string{"sparse", "dense"} {
				qs := make([][]float32, 256)
				for i := range qs {
					q := make([]float32, dim)
					n := dim
					if kind == "sparse" {
						n = 70
					}
					for _, d := range r.Perm(dim)[:n] {
						q[d] = float32(r.NormFloat64())
					}
					qs[i] = embed.Normalize(q)
				}
				b.Run(fmt.Sprintf("rows=%d/%s/%s", rows, store.name, kind), func(b *testing.B) {
					i := 0
					for b.Loop() {
						if _, err := m.vectorSearch(ctx, qs[i%len(qs)], k); err != nil {
							b.Fatal(err)
						}
						i++
					}
				})
			}
			m.Close()
		}
	}
}
