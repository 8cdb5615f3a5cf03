package retrieval

import (
	"context"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/citebot/citebot"
	"github.com/citebot/citebot/corpus"
	"github.com/citebot/citebot/retrieval/index"
	"github.com/citebot/citebot/retrieval/reader"
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
	// Sentences are the passage's sentences, verbatim; quotes are cut
	// from them.
	Sentences []string `json:"-"`
	// Pages holds the page each sentence is on in a paged source (PDF),
	// 0 in other formats.
	Pages []int `json:"-"`
}

// Cite cites p with its sentence at, cut to a quote's length, on its page;
// an at out of range cites nothing but the source.
func (p Passage) Cite(at int) citebot.Citation {
	c := citebot.Citation{Source: p.Source, Title: p.Title, Score: p.Score}
	if at >= 0 && at < len(p.Sentences) {
		c.Quote = cutQuote(p.Sentences[at], "")
	}
	if at >= 0 && at < len(p.Pages) {
		c.Page = p.Pages[at]
	}
	return c
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
	text, err := ValidQuestion(question)
	if err != nil {
		return nil, err
	}
	hits, err := e.search(ctx, text)
	if err != nil {
		return nil, err
	}
	return e.passagesFor(text, hits, maxTokens), nil
}

// passageSentence is a sentence of a hit, verbatim, with its place in
// its source.
type passageSentence struct {
	text  string
	start int
}

// passagesFor groups the hits' sentences back into one passage per chunk,
// each sentence once, and orders the passages by the reader's score of
// their best sentence.
func (e *Engine) passagesFor(question string, hits []index.Hit, maxTokens int) []Passage {
	if len(hits) == 0 {
		return nil
	}
	type group struct {
		rank  int
		hit   index.Hit
		sents []passageSentence
		score reader.PassageScore
	}
	type key struct {
		src   string
		start int
	}
	seen := map[key]bool{}
	var order []*group
	for rank, h := range hits {
		g := &group{rank: rank, hit: h}
		texts := reader.ChunkSentences(h.Chunk)
		for i, t := range texts {
			start := h.Chunk.Start
			if len(texts) == len(h.Chunk.Sentences) {
				start = h.Chunk.Sentences[i].Start
			}
			if k := (key{h.Chunk.Source, start}); !seen[k] {
				seen[k] = true
				g.sents = append(g.sents, passageSentence{t, start})
			}
		}
		if len(g.sents) > 0 {
			order = append(order, g)
		}
	}
	scores := e.reader.Rank(question, passagesOf(hits))
	for _, g := range order {
		g.score = scores[g.rank]
	}
	sort.SliceStable(order, func(i, j int) bool {
		if order[i].score.Prob != order[j].score.Prob {
			return order[i].score.Prob > order[j].score.Prob
		}
		return order[i].rank < order[j].rank
	})

	var out []Passage
	used := 0
	for _, g := range order {
		p := makePassage(g.hit.Chunk, g.sents, g.score.Coverage, e.pages.pageOf)
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
func makePassage(c corpus.Chunk, sents []passageSentence, cover float64, pageOf pageFunc) Passage {
	p := Passage{Source: c.Source, Title: c.Title, Score: roundScore(cover)}
	var b strings.Builder
	for i, s := range sents {
		if i > 0 {
			prev := sents[i-1]
			if s.start-(prev.start+len(prev.text)) <= 2 && s.start > prev.start {
				b.WriteByte(' ')
			} else {
				b.WriteString(" … ")
			}
		}
		b.WriteString(s.text)
		p.Sentences = append(p.Sentences, s.text)
		p.Pages = append(p.Pages, pageOf(c.Source, s.start))
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
	for _, s := range p.Sentences {
		c := estimateTokens(s) + 1
		if used+c > budget {
			break
		}
		keep = append(keep, s)
		used += c
	}
	if len(keep) == 0 {
		s := p.Sentences[0]
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
	p.Sentences = keep
	p.Pages = p.Pages[:min(len(p.Pages), len(keep))]
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
