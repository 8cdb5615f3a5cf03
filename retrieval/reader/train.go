package reader

import (
	"sort"
	"strings"

	"github.com/citebot/citebot/retrieval/words"
)

// This file exposes what internal/readerfit needs to fit the models: the
// candidates the reader would consider for a question, their features, and
// which of them hold the known answer.

// Gold is where a question's known answer stands in its source: bytes
// [Start, End) of the document's text.
type Gold struct {
	Source     string
	Start, End int
}

// Group is one choice among candidates: their features and which of them
// are right. A log-linear model is fitted to give the right ones the
// highest probability within their group.
type Group struct {
	X     []Vector
	Right []bool
}

// HasRight reports whether any candidate is right.
func (g Group) HasRight() bool {
	for _, r := range g.Right {
		if r {
			return true
		}
	}
	return false
}

// SentenceGroup returns the first-stage choice for question over
// passages: every retrieved sentence, right when it holds the gold answer.
// It does not depend on the reader's weights.
func (r *Reader) SentenceGroup(question string, passages []Passage, gold Gold) Group {
	q := analyze(question, r.stats)
	if len(q.terms) == 0 {
		return Group{}
	}
	var g Group
	for _, in := range sentenceFeatures(q, r.stats, sentencesOf(r.stats, passages)) {
		g.X = append(g.X, in.feats)
		g.Right = append(g.Right, holds(in.s, gold))
	}
	return g
}

func holds(s *sentence, gold Gold) bool {
	return s.source == gold.Source && gold.Start >= s.docStart && gold.End <= s.docStart+len(s.verbatim())
}

// AnswerGroup is the answer model's choice for one question: every
// candidate phrase of the best sentences by the first stage.
type AnswerGroup struct {
	Stage1 []float64  // per sentence: its first-stage score
	Sent   []Vector   // per sentence: its features
	Spans  [][]Vector // per sentence, per phrase: the phrase's features
	Right  [][]bool   // per sentence, per phrase
}

// HasRight reports whether any candidate is right.
func (g AnswerGroup) HasRight() bool {
	for _, rs := range g.Right {
		for _, r := range rs {
			if r {
				return true
			}
		}
	}
	return false
}

// AnswerGroup returns the answer model's choice for question: the best
// sentences by r's first-stage weights and their phrases. A phrase is
// right when it is the gold answer, give or take an article or
// punctuation, or failing that, when it is among the shortest phrases
// that contain it.
func (r *Reader) AnswerGroup(question string, passages []Passage, gold Gold) AnswerGroup {
	var g AnswerGroup
	q := analyze(question, r.stats)
	if len(q.terms) == 0 {
		return g
	}
	infos := sentenceFeatures(q, r.stats, sentencesOf(r.stats, passages))
	z := make([]float64, len(infos))
	order := make([]int, len(infos))
	for i := range infos {
		z[i] = infos[i].feats.dot(r.m.sent)
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return z[order[a]] > z[order[b]] })
	for _, si := range order[:min(r.sentences, len(order))] {
		in := &infos[si]
		cands := in.s.phrases()
		if len(cands) == 0 {
			continue
		}
		g.Stage1 = append(g.Stage1, z[si])
		g.Sent = append(g.Sent, in.feats)
		xs := make([]Vector, len(cands))
		for k, sp := range cands {
			xs[k] = spanFeatures(q, r.stats, in, sp)
		}
		g.Spans = append(g.Spans, xs)
		g.Right = append(g.Right, rightPhrases(in.s, cands, gold))
	}
	return g
}

// rightPhrases marks the candidates of s that are the gold answer.
func rightPhrases(s *sentence, cands []span, gold Gold) []bool {
	right := make([]bool, len(cands))
	if !holds(s, gold) {
		return right
	}
	gs, ge, ok := s.fromVerbatim(gold.Start-s.docStart, gold.End-s.docStart)
	if !ok {
		return right
	}
	want := normalizeAnswer(s.text[gs:ge])
	exact := false
	shortest := -1
	for k, sp := range cands {
		if normalizeAnswer(s.text[sp.start:sp.end]) == want {
			right[k], exact = true, true
		}
		if sp.start <= gs && sp.end >= ge && (shortest < 0 || sp.end-sp.start < shortest) {
			shortest = sp.end - sp.start
		}
	}
	if !exact && shortest >= 0 {
		for k, sp := range cands {
			right[k] = sp.start <= gs && sp.end >= ge && sp.end-sp.start == shortest
		}
	}
	return right
}

// Trace is a Reading with what went into it, for fitting the confidence
// model and choosing the thresholds.
type Trace struct {
	Reading Reading
	// Confidence holds the confidence model's features.
	Confidence Vector
	// Phrase is the best phrase of the chosen sentence, whether or not the
	// reading leads with it, and PhraseProb its probability within the
	// sentence.
	Phrase     string
	PhraseProb float64
}

// Decide reads question like Read and reports how.
func (r *Reader) Decide(question string, passages []Passage) Trace {
	rd, d := r.read(question, passages)
	tr := Trace{Reading: rd}
	if d == nil {
		return tr
	}
	t := d.top[d.best]
	sp := t.cands[t.bestA]
	tr.Confidence = d.conf
	s := d.infos[t.si].s
	tr.Phrase = s.text[sp.start:sp.end]
	if a, b, ok := s.toVerbatim(sp.start, sp.end); ok {
		tr.Phrase = s.verbatim()[a:b]
	}
	tr.PhraseProb = t.spanP
	return tr
}

// normalizeAnswer folds an answer for comparison: case, accents, a leading
// article and surrounding punctuation do not matter.
func normalizeAnswer(s string) string {
	toks := words.Split(s)
	var parts []string
	for i, t := range toks {
		if i == 0 && (t.Norm == "the" || t.Norm == "a" || t.Norm == "an") {
			continue
		}
		parts = append(parts, t.Norm)
	}
	return strings.Join(parts, " ")
}
