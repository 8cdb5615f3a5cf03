package index

import (
	"bytes"

	"github.com/blevesearch/bleve/v2/analysis"
	bleveindex "github.com/blevesearch/bleve_index_api"
)

// TermCounter analyses text as the analyzer of AnalyzerName does, for
// indexing: it gives a text's analysed length and term frequencies, as
// bleve's text field computes them, and no token stream.
//
// Every filter of the analyzer after its tokenizer (possessives, case,
// stop words, stemming) reads one token at a time and nothing else, so
// what a spelling becomes is the same wherever it stands. The counter
// remembers it, and a spelling met before costs one lookup instead of
// four filters, each walking the token stream. At ingest those filters
// and the frequency map were a third of building the BM25 index, on its
// longest chain.
//
// A TermCounter is not safe for concurrent use; give each goroutine its
// own.
type TermCounter struct {
	chars   []analysis.CharFilter
	tok     analysis.Tokenizer
	filters []analysis.TokenFilter
	// forms maps a spelling to what it gives: the number of its term,
	// noTerm for a stop word, or, for a spelling that gives more than one
	// term, -2-i for the numbers in multi[i]. terms holds each term once,
	// by number.
	forms map[string]int32
	multi [][]int32
	terms []term
	ids   map[string]int32
	// For the text being counted: each term's count, valid where its
	// mark is the text's, and the terms met, in order.
	counts []int32
	marks  []uint32
	mark   uint32
	seen   []int32
}

// noTerm is what a spelling the filters drop gives.
const noTerm = -1

// term is a term as bytes for bleve and as a string to key maps with.
type term struct {
	b   []byte
	key string
}

// A counter's memory is bounded: past maxTermForms spellings, new ones
// go through the filters every time; past maxTerms terms, it forgets
// everything and starts again.
const (
	maxTermForms = 1 << 17
	maxTerms     = 1 << 18
)

// NewTermCounter returns a counter that analyses as an does: an is the
// analyzer of AnalyzerName, from Analyzer or the mapping's own.
func NewTermCounter(an *analysis.DefaultAnalyzer) *TermCounter {
	return &TermCounter{chars: an.CharFilters, tok: an.Tokenizer, filters: an.TokenFilters,
		forms: map[string]int32{}, ids: map[string]int32{}}
}

// Count returns the number of tokens the analyzer keeps of text and their
// frequencies, as bleve's text field records them for a field indexed
// without term vectors. The terms' bytes are shared between calls and
// must not be changed; bleve copies them into the index.
func (c *TermCounter) Count(text []byte) (int, bleveindex.TokenFrequencies) {
	for _, cf := range c.chars {
		text = cf.Filter(text)
	}
	if len(c.terms) >= maxTerms {
		// Forget, to stay bounded; the frequencies given out keep
		// their terms.
		clear(c.forms)
		clear(c.ids)
		c.terms, c.counts, c.marks, c.multi = c.terms[:0:0], c.counts[:0], c.marks[:0], nil
	}
	c.mark++
	if c.mark == 0 {
		// The marks wrapped: none may pass for this text's.
		clear(c.marks)
		c.mark = 1
	}
	length := 0
	add := func(id int32) {
		length++
		if c.marks[id] != c.mark {
			c.marks[id], c.counts[id] = c.mark, 0
			c.seen = append(c.seen, id)
		}
		c.counts[id]++
	}
	eachTerm(c.tok, text, func(spelling []byte) {
		f, ok := c.forms[string(spelling)]
		if !ok {
			f = c.filter(spelling)
			if len(c.forms) < maxTermForms {
				c.forms[string(spelling)] = f
			}
		}
		switch {
		case f >= 0:
			add(f)
		case f < noTerm:
			for _, id := range c.multi[-2-f] {
				add(id)
			}
		}
	})
	freqs := make(bleveindex.TokenFrequencies, len(c.seen))
	slab := make([]bleveindex.TokenFreq, len(c.seen))
	for i, id := range c.seen {
		tf := &slab[i]
		tf.Term = c.terms[id].b
		tf.SetFrequency(int(c.counts[id]))
		freqs[c.terms[id].key] = tf
	}
	c.seen = c.seen[:0]
	return length, freqs
}

// filter runs a spelling through the analyzer's token filters and returns
// what it gives, as forms records it.
func (c *TermCounter) filter(spelling []byte) int32 {
	ts := analysis.TokenStream{&analysis.Token{Term: bytes.Clone(spelling), Position: 1, Type: analysis.AlphaNumeric}}
	for _, tf := range c.filters {
		ts = tf.Filter(ts)
	}
	ids := make([]int32, len(ts))
	for i, t := range ts {
		id, ok := c.ids[string(t.Term)]
		if !ok {
			id = int32(len(c.terms))
			c.terms = append(c.terms, term{b: bytes.Clone(t.Term), key: string(t.Term)})
			c.counts = append(c.counts, 0)
			c.marks = append(c.marks, 0)
			c.ids[string(t.Term)] = id
		}
		ids[i] = id
	}
	switch len(ids) {
	case 0:
		return noTerm
	case 1:
		return ids[0]
	}
	c.multi = append(c.multi, ids)
	return int32(-2 - (len(c.multi) - 1))
}
