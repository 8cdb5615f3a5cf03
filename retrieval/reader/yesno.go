package reader

import (
	"strings"

	"github.com/citebot/citebot/retrieval/words"
)

// This file answers yes/no questions. The reader first finds the sentence
// that best matches the question, as for any question; the verdict then
// follows from what that sentence says about the question's own values:
//
//   - A number or date in the question is checked by asking the matching
//     wh-question of the sentence: "Did Estonia ratify it in 2005?" reads
//     the sentence as "When did Estonia ratify it?". Another value ("2004")
//     gives "No" with that value.
//   - A name of the question the sentence lacks leaves the question open:
//     the reader refuses rather than say yes to a false premise.
//   - A negation in the clause that states the matter, and not in the
//     question (or the other way round), gives "No": "there are no plans
//     to deploy …" against "Does Estonia plan to deploy …?".
//   - Otherwise, a sentence that states what the question asks gives "Yes",
//     when the reader is confident enough in it, as for any answer.

// verdict is the reader's answer to a yes/no question about sentence in.
type verdict struct {
	ok    bool // false: the sentence does not settle the question
	yes   bool // the answer, when ok
	value span // for "No": the sentence's value where the question had another, or kind -1
	// asked is the wh-question that value answers ("When was it
	// revised?" for "Was it revised in 2021?"), or nil.
	asked *question
}

// namesIn reports whether every name of the question (numbers aside)
// stands, spelt as in the question, in the sentence, the sentence before
// it (which "the convention" may refer back to) or its document's title.
func namesIn(q *question, in *sentenceInfo) bool {
	near := [][]float64{in.m.best, matchTokens(q, in.s.titleToks).best}
	if in.s.prev != nil {
		near = append(near, matchTokens(q, in.s.prev.toks).best)
	}
	for ti, t := range q.terms {
		if !t.entity || t.num {
			continue
		}
		found := false
		for _, b := range near {
			found = found || b[ti] == 1
		}
		if !found {
			return false
		}
	}
	return true
}

// yesNoSentence picks, among the best sentences, the likeliest that names
// everything the question names: the verdict must come from a sentence
// about the question's subject, not from its neighbour. It returns -1
// when there is none.
func yesNoSentence(q *question, infos []sentenceInfo, top []scored) int {
	best := -1
	for k, t := range top {
		if namesIn(q, &infos[t.si]) && (best < 0 || t.marg > top[best].marg) {
			best = k
		}
	}
	return best
}

// minValueProb is the lowest probability, within its sentence, of the
// phrase that states a value, for the reader to say "No" with it. Below
// it the sentence's value is too uncertain to correct the question with.
const minValueProb = 0.2

func (r *Reader) yesNo(q *question, in *sentenceInfo) verdict {
	s := in.s
	if !namesIn(q, in) {
		// A name the sentence does not have, or has only as a variant
		// spelling: the sentence is about something else.
		return verdict{}
	}
	for ti, t := range q.terms {
		if t.num {
			v, asked, differs, ok := r.checkValue(q, ti, in)
			if !ok {
				return verdict{}
			}
			if differs {
				return verdict{ok: true, value: v, asked: asked}
			}
		}
	}
	neg := clauseNegated(s.text, s.toks, in.m)
	return verdict{ok: true, yes: neg == q.negated, value: span{kind: -1}}
}

// checkValue checks the question's value term ti against the sentence. It
// returns the sentence's own value, the wh-question it answers, and true
// when it differs from the question's; and false as its last result when
// the sentence does not settle it.
func (r *Reader) checkValue(q *question, ti int, in *sentenceInfo) (span, *question, bool, bool) {
	s := in.s
	var valueTok words.Token
	for _, t := range q.toks {
		if t.Stem == q.terms[ti].stem {
			valueTok = t
		}
	}
	// The wh-question the value answers.
	q2 := *q
	q2.terms = nil
	q2.weight = 0
	q2.bigrams = nil
	for k, t := range q.terms {
		if k != ti {
			q2.terms = append(q2.terms, t)
			q2.weight += t.idf
		}
	}
	switch {
	case isYear(valueTok) || months[valueTok.Norm]:
		q2.wh = whWhen
	default:
		q2.wh = whHowMany
	}
	q2.head = ""
	q2.indexTerms()
	in2 := &sentenceInfo{s: s, m: matchTokens(&q2, s.toks)}
	in2.cov = q2.coverage(in2.m.best)
	in2.feats = in.feats
	cands := s.phrases()
	if len(cands) == 0 {
		return span{}, nil, false, false
	}
	z := make([]float64, len(cands))
	best := 0
	for k, sp := range cands {
		if sp.kind == kindSentence {
			z[k] = -1e9
			continue
		}
		z[k] = spanFeatures(&q2, r.stats, in2, sp).dotAt(r.m.answer, jSpan)
		if z[k] > z[best] {
			best = k
		}
	}
	p := softmax(z)[best]
	sp := cands[best]
	for k := sp.i; k < sp.j; k++ {
		if s.toks[k].Stem == q.terms[ti].stem {
			return span{}, nil, false, true
		}
	}
	if p < minValueProb {
		return span{}, nil, false, false
	}
	return sp, &q2, true, true
}

// clauseNegated reports whether the clauses of a sentence that hold the
// question's words are negated: a negation in another clause ("Russia
// and the US are not") says nothing about the matter asked.
func clauseNegated(text string, toks []words.Token, m matching) bool {
	clause := make([]int, len(toks))
	c := 0
	for k := range toks {
		if k > 0 {
			gap := text[toks[k-1].End:toks[k].Start]
			if strings.ContainsAny(gap, ";:") || strings.Contains(gap, ",") && clauseStart(toks[k].Norm) ||
				clauseStart(toks[k].Norm) && (toks[k].Norm == "but" || toks[k].Norm == "while") {
				c++
			}
		}
		clause[k] = c
	}
	about := map[int]bool{}
	for k, ti := range m.term {
		if ti >= 0 && m.val[k] >= 0.75 {
			about[clause[k]] = true
		}
	}
	n := 0
	for k, t := range toks {
		if negations[t.Norm] && about[clause[k]] {
			n++
		}
	}
	return n%2 == 1
}

// clauseStart reports words that open a new clause after a comma.
func clauseStart(norm string) bool {
	switch norm {
	case "but", "while", "whereas", "although", "though", "however", "and", "which", "who", "so", "yet":
		return true
	}
	return false
}
