package index

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
)

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
