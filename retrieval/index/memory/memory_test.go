package memory

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/citebot/citebot/corpus"
	"github.com/citebot/citebot/retrieval/index"
)

func randomRecords(n, dim int, seed uint64) []index.Record {
	r := rand.New(rand.NewPCG(seed, 7))
	recs := make([]index.Record, n)
	for i := range recs {
		v := make([]float32, dim)
		for k := range v {
			v[k] = float32(r.NormFloat64())
		}
		id := fmt.Sprintf("doc%d.txt#0", i)
		recs[i] = index.Record{Chunk: corpus.Chunk{ID: id, Source: fmt.Sprintf("doc%d.txt", i), Text: fmt.Sprintf("word%d filler text", i)}, Vector: v}
	}
	return recs
}

// newTestIndex returns an Index that searches exactly up to limit
// chunks, closed when the test ends.
func newTestIndex(t *testing.T, limit int) *Index {
	t.Helper()
	m, err := New(Options{ExactSearchLimit: limit})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

func TestMemoryIndexModes(t *testing.T) {
	for _, limit := range []int{0, 100} { // exact search, and partitions past 100 chunks
		t.Run(fmt.Sprintf("exact limit %d", limit), func(t *testing.T) {
			ctx := context.Background()
			m := newTestIndex(t, limit)
			recs := randomRecords(1500, 64, 1)
			if err := m.Upsert(ctx, recs[:1000]); err != nil {
				t.Fatal(err)
			}
			if err := m.Upsert(ctx, recs[1000:]); err != nil {
				t.Fatal(err)
			}
			if got := m.Len(); got != 1500 {
				t.Fatalf("Len = %d, want 1500", got)
			}
			partitioned := m.centroids != nil
			if want := limit > 0; partitioned != want {
				t.Fatalf("partitioned = %v, want %v", partitioned, want)
			}
			// A stored vector must find itself: the nearest partition to a
			// vector is the one it was filed under.
			found := 0
			for i := 0; i < 1500; i += 15 {
				ids, err := m.vectorSearch(ctx, recs[i].Vector, 5)
				if err != nil {
					t.Fatal(err)
				}
				if len(ids) > 0 && ids[0] == recs[i].Chunk.ID {
					found++
				}
			}
			if found != 100 {
				t.Errorf("a stored vector found itself first %d times in 100", found)
			}
			// Delete removes from whichever partition holds the chunk, and
			// an empty ID list deletes nothing.
			if err := m.Delete(ctx, nil); err != nil || m.Len() != 1500 {
				t.Fatalf("Delete(nil): len %d, err %v", m.Len(), err)
			}
			if err := m.Delete(ctx, []string{recs[0].Chunk.ID, recs[1].Chunk.ID, "unknown#0"}); err != nil {
				t.Fatal(err)
			}
			ids, _ := m.vectorSearch(ctx, recs[0].Vector, 5)
			for _, id := range ids {
				if id == recs[0].Chunk.ID {
					t.Error("deleted chunk still found")
				}
			}
			// Re-upserting a chunk with a new vector replaces the old one.
			moved := recs[2]
			moved.Vector = append([]float32(nil), recs[3].Vector...)
			if err := m.Upsert(ctx, []index.Record{moved}); err != nil {
				t.Fatal(err)
			}
			if got := m.Len(); got != 1498 {
				t.Errorf("after re-upsert Len = %d, want 1498", got)
			}
			hits, err := m.Search(ctx, index.Query{Text: "word2", Vector: recs[3].Vector}, 3)
			if err != nil || len(hits) == 0 {
				t.Fatalf("search: %v, %d hits", err, len(hits))
			}
			if hits[0].Chunk.ID != moved.Chunk.ID {
				t.Errorf("top hit %s, want %s (matches both lexically and by vector)", hits[0].Chunk.ID, moved.Chunk.ID)
			}
		})
	}
}

func TestIVFRecall(t *testing.T) {
	// Vectors with cluster structure, as embeddings of real text have:
	// recall of the partitioned search against exact search must stay high.
	ctx := context.Background()
	r := rand.New(rand.NewPCG(3, 3))
	const dim, n = 64, 4000
	centers := randomRecords(40, dim, 9)
	recs := randomRecords(n, dim, 2)
	for i := range recs {
		c := centers[r.IntN(len(centers))].Vector
		for k := range recs[i].Vector {
			recs[i].Vector[k] = c[k] + 0.6*recs[i].Vector[k]
		}
	}
	exact, _ := New(Options{})
	ivf, _ := New(Options{ExactSearchLimit: 500})
	defer exact.Close()
	defer ivf.Close()
	cp := func(rs []index.Record) []index.Record {
		out := make([]index.Record, len(rs))
		for i, x := range rs {
			out[i] = index.Record{Chunk: x.Chunk, Vector: append([]float32(nil), x.Vector...)}
		}
		return out
	}
	if err := exact.Upsert(ctx, cp(recs)); err != nil {
		t.Fatal(err)
	}
	if err := ivf.Upsert(ctx, cp(recs)); err != nil {
		t.Fatal(err)
	}
	var hit, total int
	for q := 0; q < 50; q++ {
		v := recs[r.IntN(n)].Vector
		want, _ := exact.vectorSearch(ctx, v, 10)
		got, _ := ivf.vectorSearch(ctx, v, 10)
		in := map[string]bool{}
		for _, id := range got {
			in[id] = true
		}
		for _, id := range want {
			total++
			if in[id] {
				hit++
			}
		}
	}
	if recall := float64(hit) / float64(total); recall < 0.9 {
		t.Errorf("recall@10 of partitioned search = %.2f, want ≥ 0.9", recall)
	}
}

// TestMemoryIndexRefusesOtherVectorSizes checks that a vector of another
// size is an index.ErrVectorSize, in exact and partitioned search alike, rather
// than a failure deep in chromem or a panic in the partition lookup.
func TestMemoryIndexRefusesOtherVectorSizes(t *testing.T) {
	for _, limit := range []int{0, 100} {
		t.Run(fmt.Sprintf("exact limit %d", limit), func(t *testing.T) {
			ctx := context.Background()
			m := newTestIndex(t, limit)
			if err := m.Upsert(ctx, randomRecords(300, 64, 3)); err != nil {
				t.Fatal(err)
			}
			short := randomRecords(1, 48, 4)[0]
			if _, err := m.Search(ctx, index.Query{Text: "word7", Vector: short.Vector}, 5); !errors.Is(err, index.ErrVectorSize) {
				t.Errorf("search with 48 dimensions: got %v, want index.ErrVectorSize", err)
			}
			short.Chunk.ID = "other.txt#0"
			if err := m.Upsert(ctx, []index.Record{short}); !errors.Is(err, index.ErrVectorSize) {
				t.Errorf("upsert with 48 dimensions: got %v, want index.ErrVectorSize", err)
			}
			if hits, err := m.Search(ctx, index.Query{Text: "word7"}, 5); err != nil || len(hits) == 0 {
				t.Errorf("search by words: got %d hits, %v", len(hits), err)
			}
		})
	}
}
