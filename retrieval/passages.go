package retrieval

import (
	"context"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Passage is a piece of a source retrieved for a question, as a language
// model is shown it. Its text is verbatim from the source.
type Passage struct {
	Source string `json:"source"`
	Title  string `json:"title"`
	Text   string `json:"text"`
	// Score is the share of the question's content the passage matches,
	// on the scale of Citation.Score.
	Score float64 `json:"score"`
	// sents are the passage's sentences, verbatim; quotes are cut from them.
	sents []string
}

// passageOverhead is the tokens a passage's delimiters and header cost in
// a prompt, on top of its text.
const passageOverhead = 24

// Passages retrieves the passages that best match question, most relevant
// first, until their estimated size reaches maxTokens (zero means no
// limit). The first passage is always returned when there is one, cut to
// fit the budget if it must be. Overlapping chunks give each sentence only
// once.
func (e *Engine) Passages(ctx context.Context, question string, maxTokens int) ([]Passage, error) {
	text := cleanQuestion(question)
	if text == "" {
		return nil, ErrEmptyQuestion
	}
	if utf8.RuneCountInString(text) > MaxQuestionLen {
		return nil, ErrQuestionTooLong
	}
	hits, err := e.search(ctx, text)
	if err != nil {
		return nil, err
	}
	return e.passagesFor(e.analyze(text), hits, maxTokens), nil
}

// passagesFor groups the hits' sentences back into one passage per chunk,
// each sentence once, and orders the passages by how well their best one-
// or two-sentence window covers the question.
func (e *Engine) passagesFor(q *questionInfo, hits []Hit, maxTokens int) []Passage {
	sents := e.passageSentences(hits)
	if len(sents) == 0 {
		return nil
	}
	type group struct {
		rank  int
		sents []*sentence
		score float64
		cover float64
	}
	groups := map[int]*group{}
	var order []*group
	for _, s := range sents {
		g := groups[s.chunkRank]
		if g == nil {
			g = &group{rank: s.chunkRank}
			groups[s.chunkRank] = g
			order = append(order, g)
		}
		g.sents = append(g.sents, s)
	}
	if len(q.terms) > 0 {
		for _, w := range rankWindows(q, sents) {
			g := groups[w.sents[0].chunkRank]
			g.score = max(g.score, w.score)
			g.cover = max(g.cover, w.coverage)
		}
	}
	sort.SliceStable(order, func(i, j int) bool {
		if order[i].score != order[j].score {
			return order[i].score > order[j].score
		}
		return order[i].rank < order[j].rank
	})

	var out []Passage
	used := 0
	for _, g := range order {
		p := makePassage(g.sents, g.cover)
		cost := estimateTokens(p.Text) + passageOverhead
		if maxTokens > 0 && used+cost > maxTokens {
			if len(out) > 0 {
				continue // a smaller passage further down may still fit
			}
			p = fitPassage(p, maxTokens-passageOverhead)
			cost = estimateTokens(p.Text) + passageOverhead
		}
		used += cost
		out = append(out, p)
	}
	return out
}

// makePassage joins sentences that follow each other in the source with a
// space, as the chunker does, and marks a gap left by a sentence another
// passage already holds with an ellipsis.
func makePassage(sents []*sentence, cover float64) Passage {
	p := Passage{Source: sents[0].source, Title: sents[0].title, Score: roundScore(cover)}
	var b strings.Builder
	for i, s := range sents {
		if i > 0 {
			prev := sents[i-1]
			if s.docStart-(prev.docStart+len(prev.text)) <= 2 && s.docStart > prev.docStart {
				b.WriteByte(' ')
			} else {
				b.WriteString(" … ")
			}
		}
		b.WriteString(s.text)
		p.sents = append(p.sents, s.text)
	}
	p.Text = b.String()
	return p
}

// fitPassage cuts p to about budget tokens: whole sentences while they
// fit, and at least the start of the first one, cut at a word boundary so
// that it stays verbatim.
func fitPassage(p Passage, budget int) Passage {
	budget = max(budget, 16)
	var keep []string
	used := 0
	for _, s := range p.sents {
		c := estimateTokens(s) + 1
		if used+c > budget {
			break
		}
		keep = append(keep, s)
		used += c
	}
	if len(keep) == 0 {
		s := p.sents[0]
		cut := len(s)
		for cut > 0 && estimateTokens(s[:cut]) > budget {
			cut = len(s[:cut]) * 3 / 4
			for cut > 0 && !utf8.RuneStart(s[cut]) {
				cut--
			}
		}
		if sp := strings.LastIndexByte(s[:cut], ' '); sp > cut/2 {
			cut = sp
		}
		keep = []string{s[:cut]}
	}
	p.sents = keep
	p.Text = strings.Join(keep, " ")
	return p
}

// estimateTokens approximates how many tokens a model's tokenizer makes of
// s without shipping a tokenizer: about four characters a token for
// Latin-script text, one a character for Chinese, Japanese and Korean, and
// two characters a token for other scripts. It errs on the high side.
func estimateTokens(s string) int {
	var quarter int // in quarter tokens
	for _, r := range s {
		switch {
		case r < utf8.RuneSelf:
			quarter++
		case unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul):
			quarter += 4
		case unicode.In(r, unicode.Latin):
			quarter++
		default:
			quarter += 2
		}
	}
	return (quarter + 3) / 4
}
