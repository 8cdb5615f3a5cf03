package reader

import (
	"context"
	"reflect"
	"runtime"
	"testing"

	"github.com/citebot/citebot/corpus"
)

// TestLearnInSharesCountsAsOne checks that statistics learnt in shares,
// one per core, add up to those learnt in one pass.
func TestLearnInSharesCountsAsOne(t *testing.T) {
	docs, _, err := corpus.Load(context.Background(), corpus.Default(), corpus.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	chunks := corpus.SplitAll(docs, corpus.ChunkOptions{})
	one := Learn(chunks)
	defer func(n int, procs int) { learnShard = n; runtime.GOMAXPROCS(procs) }(learnShard, runtime.GOMAXPROCS(4))
	learnShard = 5
	shared := Learn(chunks)
	for _, f := range []struct {
		name      string
		got, want any
	}{
		{"df", shared.df, one.df},
		{"proper", shared.proper, one.proper},
		{"lower", shared.lower, one.lower},
		{"stems", shared.stems, one.stems},
		{"n", shared.n, one.n},
	} {
		if !reflect.DeepEqual(f.got, f.want) {
			t.Errorf("%s learnt in shares differs from one pass", f.name)
		}
	}
	if got, want := len(shared.vocab), len(one.vocab); got != want {
		t.Errorf("vocabulary has %d first letters in shares, %d in one pass", got, want)
	}
}

// TestTokenizeKeepsWhatItWouldCompute checks that a kept sentence comes
// back as it was tokenized, that another text at the same place is not
// mistaken for it, and that no more than tokenizeCap are kept.
func TestTokenizeKeepsWhatItWouldCompute(t *testing.T) {
	st, _ := corpusOf(t, treaty)
	text := "Norway joined the accord in 1994, Sweden and Iceland in 1996."
	toks, marks := st.tokenize("accord.txt", 10, text, nil)
	again, againMarks := st.tokenize("accord.txt", 10, text, nil)
	if &again[0] != &toks[0] || &againMarks[0] != &marks[0] {
		t.Errorf("the second read of a sentence tokenized it again")
	}
	fresh := &Stats{df: st.df, n: st.n, proper: st.proper, lower: st.lower, vocab: st.vocab, stems: st.stems}
	want, wantMarks := fresh.tokenize("accord.txt", 10, text, nil)
	if !reflect.DeepEqual(toks, want) || !reflect.DeepEqual(marks, wantMarks) {
		t.Errorf("kept tokens differ from fresh ones")
	}
	other := "Sweden joined the accord in 1996, Norway and Iceland in 1994."
	if got, _ := st.tokenize("accord.txt", 10, other, nil); got[0].Norm != "sweden" {
		t.Errorf("another text at the same place read as %q, want sweden", got[0].Norm)
	}
	for i := range tokenizeCap + 50 {
		st.tokenize("many.txt", i*100, text, nil)
	}
	if got := st.nTokenized.Load(); got != tokenizeCap {
		t.Errorf("kept %d sentences, want the cap %d", got, tokenizeCap)
	}
	large := &Stats{df: st.df, n: memoChunks + 1, proper: st.proper, lower: st.lower, vocab: st.vocab, stems: st.stems}
	first, _ := large.tokenize("accord.txt", 10, text, nil)
	if again, _ := large.tokenize("accord.txt", 10, text, nil); &again[0] == &first[0] || large.nTokenized.Load() != 0 {
		t.Errorf("a corpus of %d chunks kept a sentence tokenized", large.n)
	}
	if !reflect.DeepEqual(first, want) {
		t.Errorf("a large corpus's tokens differ from a small one's")
	}
}

// TestVariantsFindWhatAScanFinds checks the shortcuts of Stats.variants
// (a lookup for shorter stems, a prefix test for longer ones) against
// scoring every stem of the corpus with stemSimilarity.
func TestVariantsFindWhatAScanFinds(t *testing.T) {
	text := "The organisation organised organisers and organizations. Lithuania, the Lithuanian state, " +
		"and Lithuanians met in Ottawa; the Otawa typo, ottawan and Ottawans too. Governments govern " +
		"governors and governance, governorship and governing. Ratification ratified ratifying ratifies. " +
		"Manufacturer manufacturing manufactures manufactured manuf manufa. Abcde abcdef abcdefg abcdefgh abcdefghi."
	var chunks []corpus.Chunk
	for i := range 3 {
		chunks = append(chunks, corpus.Chunk{ID: string(rune('a' + i)), Source: "v.txt", Text: text})
	}
	st := Learn(chunks)
	for stem := range st.df {
		want := map[string]float64{}
		for w := range st.df {
			if w == stem || !alphabetic(stem) || !alphabetic(w) {
				continue
			}
			if sim := stemSimilarity(stem, w); sim > 0 {
				want[w] = sim
			}
		}
		got := st.variants(stem)
		if len(got) == 0 && len(want) == 0 {
			continue
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("variants(%q) = %v, want %v", stem, got, want)
		}
	}
}
