package retrieval

import (
	"fmt"
	"strings"
)

// notCoveredText is how an unanswered question reads. Adapters show it
// differently from an answer, keyed on Answer.Answered, not on this text.
const notCoveredText = "I couldn't find that in the corpus."

// maxQuoteLen caps a citation's quote; a longer passage is cut at a word
// boundary, which keeps the quote verbatim.
const maxQuoteLen = 320

// yesNoCoverage is the evidence a yes/no question needs before citebot
// leads with "Yes" or "No" rather than just quoting the passage.
const yesNoCoverage = 0.8

// untypedCoverage is the evidence a who/where/which question needs when no
// passage holds an answer of the asked-for type: then the passage alone
// must carry the answer, so it must say nearly everything the question does.
const untypedCoverage = 0.75

// compose turns ranked passages into an Answer: the direct answer first,
// then the supporting passage with its marker, and its citations.
func (e *Engine) compose(question string, q *questionInfo, sents []*sentence) Answer {
	ans := Answer{Question: question, Citations: []Citation{}, Mode: ModeExtractive}
	if len(q.terms) == 0 {
		ans.Text = notCoveredText
		return ans
	}
	wins := rankWindows(q, sents)
	chosen := e.choose(q, wins)
	if chosen == nil {
		return e.notCovered(ans, wins)
	}
	ans.Answered = true
	ans.Citations = append(ans.Citations, citationOf(chosen))
	// Corroborating passages from other sources: they must clear the same
	// bar and, for typed questions, state the same answer.
	for _, w := range wins {
		if len(ans.Citations) >= 3 || w.coverage < e.minCov {
			break
		}
		if citedSource(ans.Citations, w.sents[0].source) {
			continue
		}
		if chosen.answer != "" && !containsFold(w.text(), chosen.answer) {
			continue
		}
		if similarWords(w.text(), chosen.text()) >= 0.6 {
			continue
		}
		ans.Citations = append(ans.Citations, citationOf(w))
	}
	ans.Text = answerText(chosen, len(ans.Citations))
	return ans
}

// choose picks the window to answer from, or nil when none has enough
// evidence. Typed questions compare the candidates of every window that
// clears the bar, because the passage with the most shared words is not
// always the one that states the answer.
func (e *Engine) choose(q *questionInfo, wins []*window) *window {
	var chosen *window
	bestFinal := 0.0
	chosenFit := false
	for i, w := range wins {
		if i >= 16 {
			break
		}
		if w.coverage < e.minCov || !entitiesIn(q, w) {
			continue
		}
		final := w.score
		switch q.typ {
		case typeDescription:
		case typeYesNo:
			if w.coverage >= yesNoCoverage {
				if negParity(q, w) {
					w.answer = "Yes"
				} else {
					w.answer = "No"
				}
			}
		default:
			a, bind, fit := bindCandidate(q, w, e.caps)
			// A close fit to the asked-for type ("210 metres" for "how
			// long", "… Construction" for "which company") beats a loose one.
			if chosenFit && !fit {
				continue
			}
			if fit && !chosenFit {
				chosen, bestFinal, chosenFit = nil, 0, true
			}
			if a == "" && (q.typ.strict() || len(w.sents) > 1 || w.coverage < untypedCoverage) {
				// With no typed answer, only a single sentence that
				// covers the question well on its own may stand as the
				// answer.
				continue
			}
			if a != "" {
				w.answer = a
				final += 0.05 + 0.4*min(bind, 1.5)
			}
		}
		if chosen == nil || final > bestFinal {
			chosen, bestFinal = w, final
		}
	}
	return chosen
}

// negParity reports whether the passage and the question agree on
// negation. Only negations in a clause that mentions what the question is
// about count: asked whether Poland signed, "Poland is a signatory; Russia
// and the US are not" says yes.
func negParity(q *questionInfo, w *window) bool {
	hasEntity := false
	for _, t := range q.terms {
		hasEntity = hasEntity || t.entity
	}
	n := 0
	for si, s := range w.sents {
		clauses := clauseIndex(s.text, s.toks)
		about := map[int]bool{}
		for ti, term := range q.terms {
			if p := w.matchPos[si][ti]; p >= 0 && w.matchVal[si][ti] >= entityMatched && (term.entity || !hasEntity) {
				about[clauses[p]] = true
			}
		}
		for k, t := range s.toks {
			if isNegation(t.norm) && about[clauses[k]] {
				n++
			}
		}
	}
	return n%2 == q.negations%2
}

func answerText(w *window, ncite int) string {
	var lead string
	if w.answer != "" {
		lead = w.answer + ". "
	}
	var tail string
	if ncite > 1 {
		marks := make([]string, 0, ncite-1)
		for i := 2; i <= ncite; i++ {
			marks = append(marks, formatMarker(i))
		}
		tail = " Also in " + strings.Join(marks, ", ") + "."
	}
	marker := " " + formatMarker(1)
	budget := MaxAnswerLen - runeLen(lead) - runeLen(marker) - runeLen(tail)
	support := truncateRunes(w.text(), budget)
	return lead + support + marker + tail
}

func runeLen(s string) int { return len([]rune(s)) }

// notCovered says the corpus does not answer, and lists the nearest
// sources so the user can look for themselves.
func (e *Engine) notCovered(ans Answer, wins []*window) Answer {
	ans.Answered = false
	for _, w := range wins {
		if len(ans.Citations) >= 3 || w.coverage == 0 {
			break
		}
		if citedSource(ans.Citations, w.sents[0].source) {
			continue
		}
		ans.Citations = append(ans.Citations, citationOf(w))
	}
	ans.Text = notCoveredText
	if len(ans.Citations) > 0 {
		names := make([]string, len(ans.Citations))
		for i, c := range ans.Citations {
			names[i] = c.Source
		}
		ans.Text += fmt.Sprintf(" The nearest passages are in %s.", strings.Join(names, ", "))
	}
	return ans
}

func citationOf(w *window) Citation {
	s := w.sents[0]
	return Citation{
		Source: s.source,
		Title:  s.title,
		Quote:  cutQuote(w.text(), w.answer),
		Score:  roundScore(w.coverage),
	}
}

// cutQuote keeps a quote within maxQuoteLen while keeping it verbatim and
// keeping the direct answer inside it.
func cutQuote(text, answer string) string {
	if runeLen(text) <= maxQuoteLen {
		return text
	}
	start := 0
	if answer != "" {
		if k := strings.Index(text, answer); k > 0 {
			r := []rune(text[:k])
			if len(r) > maxQuoteLen/2 {
				start = len(string(r[:len(r)-maxQuoteLen/2]))
				if sp := strings.IndexByte(text[start:], ' '); sp >= 0 {
					start += sp + 1
				}
			}
		}
	}
	r := []rune(text[start:])
	if len(r) <= maxQuoteLen {
		return text[start:]
	}
	cut := string(r[:maxQuoteLen])
	if sp := strings.LastIndexByte(cut, ' '); sp > maxQuoteLen/2 {
		cut = cut[:sp]
	}
	return strings.TrimRight(cut, " ,;:")
}

func citedSource(cs []Citation, src string) bool {
	for _, c := range cs {
		if c.Source == src {
			return true
		}
	}
	return false
}

func containsFold(haystack, needle string) bool {
	return strings.Contains(fold(haystack), fold(needle))
}

func roundScore(f float64) float64 {
	return float64(int(f*1000+0.5)) / 1000
}
