package index

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/document"
	bleveindex "github.com/blevesearch/bleve_index_api"
)

var countCases = []string{
	"",
	"the a of",
	"Lithuania and Belarus ratified the convention in 2003, Estonia in 2004.",
	"Šakalienė's talks with Kosiniak-Kamysz; Latvia’s Prime Minister's plans",
	"Running runs RAN ran runners' running; 3.5 2,000 e.g. can't",
	"naïve café — “quoted” ½ ﬁ 日本語 and ASCII",
	"\xff\xfeabc\xc3 broken UTF-8",
	"repeat repeat REPEAT Repeat repeated",
}

// bleveCount is what bleve's own text field records for text, analysed
// by the analyzer of AnalyzerName.
func bleveCount(t *testing.T, text []byte) (int, bleveindex.TokenFrequencies) {
	t.Helper()
	an, err := Analyzer()
	if err != nil {
		t.Fatal(err)
	}
	return bleveCountWith(an, text)
}

// bleveCountWith is what bleve's text field records for text analysed by
// an.
func bleveCountWith(an analysis.Analyzer, text []byte) (int, bleveindex.TokenFrequencies) {
	f := document.NewTextFieldCustom("text", nil, bytes.Clone(text), bleveindex.IndexField, an)
	f.Analyze()
	return f.AnalyzedLength(), f.AnalyzedTokenFrequencies()
}

// newTestCounter returns a counter for the analyzer of AnalyzerName.
func newTestCounter(tb testing.TB) *TermCounter {
	tb.Helper()
	an, err := Analyzer()
	if err != nil {
		tb.Fatal(err)
	}
	da, ok := an.(*analysis.DefaultAnalyzer)
	if !ok {
		tb.Fatalf("analyzer is a %T", an)
	}
	return NewTermCounter(da)
}

func checkCount(t *testing.T, c *TermCounter, text []byte) {
	t.Helper()
	wantLen, want := bleveCount(t, text)
	compareCount(t, c, text, wantLen, want)
}

func compareCount(t *testing.T, c *TermCounter, text []byte, wantLen int, want bleveindex.TokenFrequencies) {
	t.Helper()
	gotLen, got := c.Count(bytes.Clone(text))
	if gotLen != wantLen {
		t.Errorf("%q: length %d, want %d", text, gotLen, wantLen)
	}
	if len(got) != len(want) {
		t.Errorf("%q: %d terms, want %d", text, len(got), len(want))
	}
	for k, w := range want {
		g, ok := got[k]
		switch {
		case !ok:
			t.Errorf("%q: term %q missing", text, k)
		case !bytes.Equal(g.Term, w.Term) || g.Frequency() != w.Frequency() || len(g.Locations) != len(w.Locations):
			t.Errorf("%q: term %q = {%q %d}, want {%q %d}", text, k, g.Term, g.Frequency(), w.Term, w.Frequency())
		}
	}
}

func TestTermCounterMatchesBleve(t *testing.T) {
	c := newTestCounter(t)
	// Twice, in one counter: the second pass reads its memory, and counts
	// of one text must not leak into the next.
	for pass := range 2 {
		for i, in := range countCases {
			t.Run(fmt.Sprintf("%d/%d", pass, i), func(t *testing.T) { checkCount(t, c, []byte(in)) })
		}
	}
}

// echoFilter gives each token twice, the second time with an "x" after
// it, and drops "drop": a filter that does more than the analyzer's own,
// to check the counter follows whatever its filters give.
type echoFilter struct{}

func (echoFilter) Filter(in analysis.TokenStream) analysis.TokenStream {
	var out analysis.TokenStream
	for _, t := range in {
		if string(t.Term) == "drop" {
			continue
		}
		second := *t
		second.Term = append(bytes.Clone(t.Term), 'x')
		out = append(out, t, &second)
	}
	return out
}

func TestTermCounterFollowsItsFilters(t *testing.T) {
	plain, err := Analyzer()
	if err != nil {
		t.Fatal(err)
	}
	da := plain.(*analysis.DefaultAnalyzer)
	an := &analysis.DefaultAnalyzer{CharFilters: da.CharFilters, Tokenizer: da.Tokenizer,
		TokenFilters: append(slices.Clone(da.TokenFilters), echoFilter{})}
	c := NewTermCounter(an)
	for pass := range 2 {
		for i, in := range append(countCases, "drop it, drop it all", "a ax ax axx") {
			t.Run(fmt.Sprintf("%d/%d", pass, i), func(t *testing.T) {
				wantLen, want := bleveCountWith(an, []byte(in))
				compareCount(t, c, []byte(in), wantLen, want)
			})
		}
	}
}

func TestTermCounterSharesNoTerms(t *testing.T) {
	c := newTestCounter(t)
	_, first := c.Count([]byte("convention conventions"))
	_, second := c.Count([]byte("convention"))
	if got, want := first["convent"].Frequency(), 2; got != want {
		t.Errorf("first text: frequency %d, want %d", got, want)
	}
	if got, want := second["convent"].Frequency(), 1; got != want {
		t.Errorf("second text: frequency %d, want %d", got, want)
	}
}

func FuzzTermCounter(f *testing.F) {
	for _, in := range countCases {
		f.Add([]byte(in))
	}
	c := newTestCounter(f)
	f.Fuzz(func(t *testing.T, in []byte) { checkCount(t, c, in) })
}

// TestTermCounterStaysBounded feeds a counter more distinct words than it
// remembers: it must forget, and still count right.
func TestTermCounterStaysBounded(t *testing.T) {
	c := newTestCounter(t)
	var b strings.Builder
	for i := range maxTerms + 5000 {
		fmt.Fprintf(&b, "w%dx ", i)
		if i%2000 == 1999 {
			c.Count([]byte(b.String()))
			b.Reset()
		}
	}
	if got := len(c.terms); got > maxTerms {
		t.Errorf("counter holds %d terms, want at most %d", got, maxTerms)
	}
	if got := len(c.forms); got > maxTermForms {
		t.Errorf("counter holds %d spellings, want at most %d", got, maxTermForms)
	}
	for _, in := range countCases {
		checkCount(t, c, []byte(in))
	}
	checkCount(t, c, []byte("w17x w17x w262150x ratified"))
}

// BenchmarkCount compares bleve's analysis of a text field with the
// counter's, over squad-train's articles cut into paragraphs (skipped
// where the shared folder is missing).
func BenchmarkCount(b *testing.B) {
	files, _ := filepath.Glob("../../../shared/eval/squad-train/corpus/*.txt")
	var texts [][]byte
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		for p := range strings.SplitSeq(string(data), "\n\n") {
			texts = append(texts, []byte(p))
		}
	}
	if len(texts) == 0 {
		b.Skip("no squad-train corpus")
	}
	an, err := Analyzer()
	if err != nil {
		b.Fatal(err)
	}
	b.Run("bleve", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			f := document.NewTextFieldCustom("text", nil, texts[i%len(texts)], bleveindex.IndexField, an)
			f.Analyze()
		}
	})
	b.Run("counter", func(b *testing.B) {
		c := newTestCounter(b)
		for i := 0; b.Loop(); i++ {
			c.Count(texts[i%len(texts)])
		}
	})
}
