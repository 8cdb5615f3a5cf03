package reader

import (
	"strings"

	"github.com/citebot/citebot/retrieval/words"
)

// match is how well a passage token matches a question term: 1 for the
// same stem, less for a variant ("lithuanian" for "lithuania", a typo) or
// for one part of a hyphenated word.
func (t *qterm) match(tok words.Token) float64 {
	if tok.Stem == "" {
		return 0
	}
	if tok.Stem == t.stem {
		return 1
	}
	best := t.variants[tok.Stem]
	if !t.num && strings.ContainsRune(tok.Norm, '-') {
		for _, part := range strings.Split(tok.Norm, "-") {
			if part != "" && !words.IsStop(part) && words.Stem(part) == t.stem {
				best = max(best, 0.9)
			}
		}
	}
	return best
}

// matching records, for one sentence, which question term each token
// matches and how well each term is matched.
type matching struct {
	term  []int     // per token: index of the matched term, or -1
	val   []float64 // per token: match strength
	best  []float64 // per term: best match strength in the sentence
	where []int     // per term: token index of its best match, or -1
}

func matchTokens(q *question, toks []words.Token) matching {
	// Two allocations, not four: this runs for every sentence read.
	nt, nq := len(toks), len(q.terms)
	ints, floats := make([]int, nt+nq), make([]float64, nt+nq)
	m := matching{term: ints[:nt:nt], val: floats[:nt:nt], best: floats[nt:], where: ints[nt:]}
	for ti := range q.terms {
		m.where[ti] = -1
	}
	for k, tok := range toks {
		m.term[k] = -1
		if tok.Stem == "" {
			continue
		}
		if strings.IndexByte(tok.Norm, '-') < 0 {
			// Only the stems in byStem match at all, and each the same
			// as match would say.
			for _, tm := range q.byStem[tok.Stem] {
				m.add(k, tm.ti, tm.v)
			}
			continue
		}
		for ti := range q.terms {
			m.add(k, ti, q.terms[ti].match(tok))
		}
	}
	if len(q.acronyms) > 0 || len(q.spelled) > 0 {
		matchAcronyms(q, toks, &m)
	}
	return m
}

// add records that token k matches term ti with strength v.
func (m *matching) add(k, ti int, v float64) {
	if v > m.val[k] {
		m.val[k], m.term[k] = v, ti
	}
	if v > m.best[ti] {
		m.best[ti], m.where[ti] = v, k
	}
}

// coverage is the idf-weighted share of the question's terms that best
// matches, the strongest single sign that a text answers a question.
func (q *question) coverage(best ...[]float64) float64 {
	if q.weight == 0 {
		return 0
	}
	var got float64
	for ti, t := range q.terms {
		m := 0.0
		for _, b := range best {
			m = max(m, b[ti])
		}
		got += t.idf * m
	}
	return got / q.weight
}
