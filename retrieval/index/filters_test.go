package index

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/char/asciifolding"
	"github.com/blevesearch/bleve/v2/analysis/token/porter"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
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

var tokenCases = []string{
	"",
	"Estonia ratified the Ottawa Convention in 2004.",
	"can't e.g. 3.5 2,000 1;2 a:b a.1 1.a a..b __init__ x_1 _ 1_ _1 12:30 a'b' 'quoted' U.S.A.",
	"tabs\tand\nnew\r\nlines, (brackets) [x] {y} #cgo noescape -- a-b a/b a@b.c",
	"Šakalienė's talks", // not ASCII: bleve's own path
	"The Ottawa Convention — ratified by Šakalienė's Lithuania in 2003, Estonia in 2004 — bans mines.",
	" é a\u0301 b 日本 x\u200d y 🇪🇪 z ",
}

func sameTokens(a, b analysis.TokenStream) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := a[i], b[i]
		if !bytes.Equal(x.Term, y.Term) || x.Start != y.Start || x.End != y.End || x.Position != y.Position || x.Type != y.Type {
			return false
		}
	}
	return true
}

func tokenString(ts analysis.TokenStream) string {
	var b strings.Builder
	for _, t := range ts {
		fmt.Fprintf(&b, "%q@%d-%d#%d:%d ", t.Term, t.Start, t.End, t.Position, t.Type)
	}
	return b.String()
}

func TestWordTokenizerMatchesBleve(t *testing.T) {
	w := wordTokenizer{unicode: unicode.NewUnicodeTokenizer()}
	for _, in := range tokenCases {
		t.Run(in, func(t *testing.T) {
			got := w.Tokenize([]byte(in))
			want := unicode.NewUnicodeTokenizer().Tokenize([]byte(in))
			if !sameTokens(got, want) {
				t.Errorf("got  %s\nwant %s", tokenString(got), tokenString(want))
			}
		})
	}
}

// fuzzAlphabet are the pieces FuzzWordTokenizer builds mixed text from:
// ASCII of every word-break class, and the non-ASCII that could join
// across a cut if the cut were wrong (combining marks, joiners, regional
// indicators, no-break and other spaces, digits of other scripts).
var fuzzAlphabet = []string{"a", "Z", "5", " ", "  ", ".", ",", "'", ":", ";", "_", "-", "\t", "\n",
	"é", "\u0301", "—", "日", "カ", "\u200d", "\U0001F1EA", "\U0001F44D", "ſ", "٣", "\u00a0", "\u2019", "\u3000", "\u200b", "\xff"}

func FuzzWordTokenizer(f *testing.F) {
	for _, in := range tokenCases {
		f.Add([]byte(in), uint8(0))
	}
	f.Add([]byte{0, 3, 14, 15, 3, 0, 4}, uint8(2))
	w := wordTokenizer{unicode: unicode.NewUnicodeTokenizer()}
	f.Fuzz(func(t *testing.T, in []byte, mode uint8) {
		switch mode % 3 {
		case 1:
			// Most random bytes are not ASCII; this tries the
			// tokenizer's own path.
			for i := range in {
				in[i] &= 0x7f
			}
		case 2:
			// Mixed text, cut where it may and may not be.
			var b []byte
			for _, x := range in {
				b = append(b, fuzzAlphabet[int(x)%len(fuzzAlphabet)]...)
			}
			in = b
		}
		got := w.Tokenize(bytes.Clone(in))
		want := unicode.NewUnicodeTokenizer().Tokenize(bytes.Clone(in))
		if !sameTokens(got, want) {
			t.Errorf("tokenize %q:\ngot  %s\nwant %s", in, tokenString(got), tokenString(want))
		}
	})
}
