package reader

import (
	"reflect"
	"testing"
)

// TestMatchTokensAgreesWithMatch checks matchTokens, which looks a
// token's stem up in the question's byStem, against asking every term's
// match of every token, on questions with typos, variants and hyphens.
func TestMatchTokensAgreesWithMatch(t *testing.T) {
	st, ps := corpusOf(t, treaty)
	sents := sentencesOf(st, ps)
	for _, text := range []string{
		"When did Norway join the accord?",
		"Who leads the secretariat in Bergn?",
		"How many tonnes of fish does the Bergen harbour handle?",
		"Which fisheries-accord members joined in 1996?",
		"Has Russia joined the accords?",
	} {
		q := analyze(text, st)
		for _, s := range sents {
			got := matchTokens(q, s.toks)
			want := matching{term: make([]int, len(s.toks)), val: make([]float64, len(s.toks)),
				best: make([]float64, len(q.terms)), where: make([]int, len(q.terms))}
			for ti := range q.terms {
				want.where[ti] = -1
			}
			for k, tok := range s.toks {
				want.term[k] = -1
				for ti := range q.terms {
					want.add(k, ti, q.terms[ti].match(tok))
				}
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%q on %q: matchTokens = %+v, want %+v", text, s.text, got, want)
			}
		}
	}
}
