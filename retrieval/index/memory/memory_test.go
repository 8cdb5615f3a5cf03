package memory

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
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

// chromemOnly is an exact-search limit no test corpus reaches: the
// vectors stay in chromem-go.
const chromemOnly = 1 << 30

// newTestIndex returns an Index that keeps vectors in chromem-go up to
// limit chunks, closed when the test ends.
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
	for _, limit := range []int{chromemOnly, 100} { // chromem, and the flat table past 100 chunks
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
			flat := m.flat != nil
			if want := limit != chromemOnly; flat != want {
				t.Fatalf("flat = %v, want %v", flat, want)
			}
			// A stored vector must find itself.
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
			// Delete removes the chunk's vector, and an empty ID list
			// deletes nothing.
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

// TestFlatMatchesChromem checks that the flat table above the limit
// ranks exactly as chromem does below it, including ties (equal vectors
// go by ID) and after deletes and replacements move its rows.
func TestFlatMatchesChromem(t *testing.T) {
	ctx := context.Background()
	recs := randomRecords(1200, 48, 5)
	// Ties: ten chunks share one vector, so their order is by ID alone.
	for i := 100; i < 110; i++ {
		recs[i].Vector = append([]float32(nil), recs[100].Vector...)
	}
	chromemIx, flatIx := newTestIndex(t, chromemOnly), newTestIndex(t, 50)
	for _, m := range []*Index{chromemIx, flatIx} {
		if err := m.Upsert(ctx, cloneRecords(recs)); err != nil {
			t.Fatal(err)
		}
		if err := m.Delete(ctx, []string{recs[3].Chunk.ID, recs[104].Chunk.ID}); err != nil {
			t.Fatal(err)
		}
		moved := cloneRecords(recs[7:8])
		moved[0].Vector = append([]float32(nil), recs[100].Vector...)
		if err := m.Upsert(ctx, moved); err != nil {
			t.Fatal(err)
		}
	}
	if flatIx.flat == nil || chromemIx.flat != nil {
		t.Fatalf("flat tables: %v and %v, want none and one", chromemIx.flat != nil, flatIx.flat != nil)
	}
	queries := [][]float32{recs[100].Vector, recs[3].Vector, recs[500].Vector, randomRecords(1, 48, 6)[0].Vector}
	for i, q := range queries {
		want, err := chromemIx.vectorSearch(ctx, q, 30)
		if err != nil {
			t.Fatal(err)
		}
		got, err := flatIx.vectorSearch(ctx, q, 30)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, want) {
			t.Errorf("query %d: flat got %v,\nchromem want %v", i, got, want)
		}
	}
}

func cloneRecords(rs []index.Record) []index.Record {
	out := make([]index.Record, len(rs))
	for i, x := range rs {
		out[i] = index.Record{Chunk: x.Chunk, Vector: append([]float32(nil), x.Vector...)}
	}
	return out
}

// TestMemoryIndexRefusesOtherVectorSizes checks that a vector of another
// size is an index.ErrVectorSize, in chromem and the flat table alike, rather
// than a failure deep in chromem or a panic in the flat scan.
func TestMemoryIndexRefusesOtherVectorSizes(t *testing.T) {
	for _, limit := range []int{chromemOnly, 100} {
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
