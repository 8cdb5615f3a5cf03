package index

import (
	"bytes"
	"sync"
	"testing"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/char/asciifolding"
	"github.com/blevesearch/bleve/v2/analysis/token/porter"
)

var foldCases = []string{
	"",
	"plain ASCII text, 2,000 words.",
	"Šakalienė's talks with Kosiniak-Kamysz",
	"naïve café — “quoted” ½ ﬁ",
	"\xff\xfeabc\xc3",
	"é",
	"ends with é",
	"日本語 and ASCII",
}

func TestFoldFilterMatchesBleve(t *testing.T) {
	for _, in := range foldCases {
		t.Run(in, func(t *testing.T) {
			want := asciifolding.New().Filter([]byte(in))
			got := foldFilter{fold: asciifolding.New()}.Filter([]byte(in))
			if !bytes.Equal(got, want) {
				t.Errorf("got %q, want %q", got, want)
			}
		})
	}
}

func FuzzFoldFilter(f *testing.F) {
	for _, in := range foldCases {
		f.Add([]byte(in))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		want := asciifolding.New().Filter(bytes.Clone(in))
		got := foldFilter{fold: asciifolding.New()}.Filter(bytes.Clone(in))
		if !bytes.Equal(got, want) {
			t.Errorf("fold %q: got %q, want %q", in, got, want)
		}
	})
}

func tokens(terms ...string) analysis.TokenStream {
	var ts analysis.TokenStream
	for _, term := range terms {
		ts = append(ts, &analysis.Token{Term: []byte(term)})
	}
	return ts
}

func TestStemFilterMatchesPorter(t *testing.T) {
	terms := []string{"ratified", "ratifying", "conventions", "landmines", "running", "caresses", "ponies", "a", "", "ünïcode", "2004"}
	f := newStemFilter()
	// Twice: the second pass reads the memory.
	for pass := range 2 {
		got := f.Filter(tokens(terms...))
		want := porter.NewPorterStemmer().Filter(tokens(terms...))
		for i := range want {
			if !bytes.Equal(got[i].Term, want[i].Term) {
				t.Errorf("pass %d: stem of %q = %q, want %q", pass, terms[i], got[i].Term, want[i].Term)
			}
		}
	}
	kw := tokens("running")
	kw[0].KeyWord = true
	if got := f.Filter(kw)[0].Term; string(got) != "running" {
		t.Errorf("keyword stemmed to %q, want it kept", got)
	}
}

func TestStemFilterConcurrent(t *testing.T) {
	f := newStemFilter()
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 200 {
				got := f.Filter(tokens("ratified", "conventions"))
				if string(got[0].Term) != "ratifi" || string(got[1].Term) != "convent" {
					t.Errorf("got %q %q, want ratifi convent", got[0].Term, got[1].Term)
					return
				}
			}
		})
	}
	wg.Wait()
}

func TestStemFilterBounded(t *testing.T) {
	f := newStemFilter()
	// Twice as many distinct terms as the memory holds.
	for i := range 2 * stemShards * stemShardSize {
		f.stem([]byte{byte('a' + i%26), byte('a' + i/26%26), byte('a' + i/676%26), byte('a' + i/17576%26), byte('a' + i/456976%26)})
	}
	n := 0
	for i := range f.shards {
		n += len(f.shards[i].stems)
		if len(f.shards[i].stems) > stemShardSize {
			t.Errorf("shard %d holds %d stems, want at most %d", i, len(f.shards[i].stems), stemShardSize)
		}
	}
	if want := stemShards * stemShardSize; n != want {
		t.Errorf("memory holds %d stems, want it full at %d", n, want)
	}
}
