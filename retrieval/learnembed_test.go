package retrieval

import (
	"bytes"
	"context"
	"encoding/gob"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/citebot/citebot/corpus"
	"github.com/citebot/citebot/retrieval/embed"
	"github.com/citebot/citebot/retrieval/reader"
)

// TestLearnersEmbedAndLearnAsApart checks that one pass over the chunks
// gives the local embedder's vectors and the reader's statistics exactly
// as the two passes it replaces do: the same vectors bit for bit, and the
// same counts, names and stems.
func TestLearnersEmbedAndLearnAsApart(t *testing.T) {
	ctx := context.Background()
	docs, _, err := corpus.Load(ctx, corpus.Default(), corpus.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{"tables", "techdocs2", "heldout"} {
		more, _, err := corpus.LoadDir(ctx, filepath.Join("testdata", dir, "corpus"), corpus.LoadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, more...)
	}
	chunks := corpus.SplitAll(docs, corpus.ChunkOptions{})
	texts := make([]string, len(chunks))
	var embedded, reused []int
	for i, c := range chunks {
		texts[i] = embed.Text(c)
		if i%5 == 3 {
			reused = append(reused, i) // as if its vector were stored
		} else {
			embedded = append(embedded, i)
		}
	}
	want, err := embed.Local{}.Embed(ctx, texts)
	if err != nil {
		t.Fatal(err)
	}

	ls := newLearners(embed.Local{})
	for b := 0; b < len(embedded); b += 100 {
		idx := embedded[b:min(b+100, len(embedded))]
		got, err := ls.embed(ctx, chunks, idx)
		if err != nil {
			t.Fatal(err)
		}
		for k, i := range idx {
			if !slices.Equal(got[k], want[i]) {
				t.Fatalf("chunk %s: vector differs from Local.Embed's", chunks[i].ID)
			}
		}
	}
	ls.learn(chunks, reused)
	if got, want := statsOf(t, ls.stats()), statsOf(t, reader.Learn(chunks)); !reflect.DeepEqual(got, want) {
		t.Errorf("statistics learnt while embedding differ from Learn's: %d chunks, %d stems, %d names; want %d, %d, %d",
			got.N, len(got.DF), len(got.Proper), want.N, len(want.DF), len(want.Proper))
	}
}

// learntStats is what Stats.MarshalBinary encodes.
type learntStats struct {
	DF, Proper, Lower map[string]int32
	N                 int
	Stems             map[string]string
}

func statsOf(t *testing.T, s *reader.Stats) learntStats {
	t.Helper()
	b, err := s.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	var out learntStats
	if err := gob.NewDecoder(bytes.NewReader(b)).Decode(&out); err != nil {
		t.Fatal(err)
	}
	return out
}
