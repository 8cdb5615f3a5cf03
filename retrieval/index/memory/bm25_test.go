package memory

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/citebot/citebot/corpus"
	"github.com/citebot/citebot/retrieval/index"
)

// TestSearchOrdersTiesByID checks that search gives what bleve's own sort
// by score, then ID, gives, with tie groups smaller and larger than n and
// cut by it.
func TestSearchOrdersTiesByID(t *testing.T) {
	ctx := context.Background()
	b, err := newBM25Index()
	if err != nil {
		t.Fatal(err)
	}
	defer b.close()
	r := rand.New(rand.NewPCG(7, 7))
	var recs []index.Record
	add := func(text string, copies int) {
		for range copies {
			// Random IDs, so that ID order is not indexing order.
			id := fmt.Sprintf("d%08x", r.Uint32())
			recs = append(recs, index.Record{Chunk: corpus.Chunk{ID: id, Source: id, Text: text}})
		}
	}
	add("harbour ferry tunnel", 60) // a tie group larger than the window
	add("harbour ferry", 5)         // and smaller ones
	add("harbour tunnel bridge", 7)
	add("ferry museum railway", 3)
	for i := range 40 {
		add(fmt.Sprintf("harbour mayor council %d", i), 1)
	}
	if err := b.upsert(recs); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		query string
		n     int
	}{
		{"harbour ferry tunnel", 10}, // inside the big group: bleve sorts
		{"harbour ferry tunnel", 70}, // past it
		{"ferry", 4},
		{"museum railway ferry", 8},
		{"harbour mayor", 30},
		{"harbour", 200}, // more than match
	} {
		t.Run(fmt.Sprintf("%s/%d", tc.query, tc.n), func(t *testing.T) {
			got, _, err := b.search(ctx, tc.query, tc.n)
			if err != nil {
				t.Fatal(err)
			}
			want := referenceSearch(t, b, tc.query, tc.n)
			if !slices.Equal(got, want) {
				t.Errorf("got  %v\nwant %v", got, want)
			}
		})
	}
}

// referenceSearch is search with bleve sorting every match by score, then ID.
func referenceSearch(t *testing.T, b *bm25Index, text string, n int) []string {
	t.Helper()
	ids, _ := bleveSearch(t, b, text, n)
	return ids
}

// TestQueryLeavesOutWordsInMostChunks checks that a word in more than
// dropShare of the chunks (and more than minDropDF) does not change the
// ranking, that a common word below that share still does, and that a
// question of nothing but such words still finds chunks.
func TestQueryLeavesOutWordsInMostChunks(t *testing.T) {
	ctx := context.Background()
	b, err := newBM25Index()
	if err != nil {
		t.Fatal(err)
	}
	defer b.close()
	const n = 1500
	var recs []index.Record
	for i := range n {
		var words []string
		if i < 1200 { // 80% of the chunks: dropped
			words = append(words, "harbour")
			if i%2 == 0 {
				words = append(words, "harbour") // a higher term frequency, were it scored
			}
		}
		if i%10 == 0 { // 10%: common, still scored
			words = append(words, "ferry")
		}
		if i%100 == 7 || i%100 == 10 { // rare
			words = append(words, "lighthouse")
		}
		for len(words) < 6 { // one length for all, so that length does not order them
			words = append(words, "filler")
		}
		id := fmt.Sprintf("c%05d", i)
		recs = append(recs, index.Record{Chunk: corpus.Chunk{ID: id, Source: id, Text: strings.Join(words, " ")}})
	}
	if err := b.upsert(recs); err != nil {
		t.Fatal(err)
	}
	search := func(q string) []string {
		t.Helper()
		got, _, err := b.search(ctx, q, 20)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	t.Run("dropped", func(t *testing.T) {
		got, want := search("harbour lighthouse"), search("lighthouse")
		if !slices.Equal(got, want) {
			t.Errorf("got  %v\nwant %v", got, want)
		}
	})
	t.Run("common still scores", func(t *testing.T) {
		// The 15 chunks 10, 110, … 1410 hold both words, and rank first;
		// 7, 107, … hold only the rare one.
		got := search("ferry lighthouse")
		if len(got) != 20 {
			t.Fatalf("got %d chunks, want 20", len(got))
		}
		for i, id := range got {
			if both := strings.HasSuffix(id, "10"); both != (i < 15) {
				t.Errorf("got %s at rank %d of %v", id, i, got)
				break
			}
		}
	})
	t.Run("nothing but dropped words", func(t *testing.T) {
		if got := search("harbour"); len(got) == 0 {
			t.Error("got no chunks, want some")
		}
	})
}

// TestAnalyseCountsTextFields checks that the build counts the chunks'
// text fields with the term counter, and that the counts are bleve's.
func TestAnalyseCountsTextFields(t *testing.T) {
	im, err := index.NewMapping()
	if err != nil {
		t.Fatal(err)
	}
	an, ok := im.AnalyzerNamed(index.AnalyzerName).(*analysis.DefaultAnalyzer)
	if !ok {
		t.Fatalf("analyzer %s is not a chain of filters", index.AnalyzerName)
	}
	chunks := []corpus.Chunk{{ID: "a", Title: "Ottawa Convention", Text: "Estonia ratified the convention in 2004; Estonia's parliament agreed."}}
	blk := analyse(im, an, index.NewTermCounter(an), chunks, []int{0})
	if blk.err != nil {
		t.Fatal(blk.err)
	}
	counted := 0
	for _, f := range blk.docs[0].Fields {
		cf, ok := f.(countedField)
		if !ok {
			continue
		}
		counted++
		plain, err := index.Analyzer()
		if err != nil {
			t.Fatal(err)
		}
		want := index.Terms(plain, string(f.Value()))
		if got := cf.AnalyzedLength(); got != len(want) {
			t.Errorf("%s: length %d, want %d", f.Name(), got, len(want))
		}
		for _, term := range want {
			if cf.AnalyzedTokenFrequencies()[term] == nil {
				t.Errorf("%s: term %q missing", f.Name(), term)
			}
		}
	}
	if got, want := counted, 2; got != want {
		t.Errorf("%d fields counted, want %d (text and title)", got, want)
	}
}
