package reader

import (
	"math"
)

// PassageScore is how well a passage answers a question.
type PassageScore struct {
	// Prob is the first-stage probability that the passage's best
	// sentence is the one that answers, among all the passages' sentences.
	Prob float64
	// Coverage is the idf-weighted share of the question's words that the
	// passage's best sentence, with its neighbours, matches.
	Coverage float64
}

// Rank scores passages for question, for choosing and ordering the
// passages a language model is shown. A sentence that two passages share
// counts for the first of them.
func (r *Reader) Rank(question string, passages []Passage) []PassageScore {
	out := make([]PassageScore, len(passages))
	q := analyze(question, r.stats)
	if len(q.terms) == 0 {
		return out
	}
	infos := sentenceFeatures(q, r.stats, sentencesOf(r.stats, passages))
	z := make([]float64, len(infos))
	for i := range infos {
		z[i] = infos[i].feats.dot(r.m.sent)
	}
	p := softmax(z)
	for i, in := range infos {
		ps := &out[in.s.rank]
		ps.Prob = math.Max(ps.Prob, p[i])
		ctx := [][]float64{in.m.best}
		for _, nb := range []*sentence{in.s.prev, in.s.next} {
			if nb != nil {
				ctx = append(ctx, matchTokens(q, nb.toks).best)
			}
		}
		ps.Coverage = math.Max(ps.Coverage, q.coverage(ctx...))
	}
	return out
}

// Coverage is the idf-weighted share of the words of question that text
// matches: 1 when text has every one of them, 0 when none. A claim of a
// language model's answer is checked against its passages this way.
func (r *Reader) Coverage(question, text string) float64 {
	q := analyze(question, r.stats)
	if len(q.terms) == 0 {
		return 0
	}
	return q.coverage(matchTokens(q, r.stats.split(text)).best)
}
