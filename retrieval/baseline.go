package retrieval

import (
	"context"
	"math"
	"unicode/utf8"

	"github.com/citebot/citebot"
	"github.com/citebot/citebot/corpus"
	"github.com/citebot/citebot/retrieval/reader"
	"github.com/citebot/citebot/retrieval/words"
)

// Baseline answers with the corpus sentence that best matches the
// question by BM25, and never refuses. It is the yardstick `citebot eval
// --baseline` measures the reader against: anything the reader adds must
// show as a margin over it.
type Baseline struct {
	sents    []baseSentence
	postings map[string][]int // stem → sentences that contain it
	avgLen   float64
}

type baseSentence struct {
	source, title, text string
	terms               map[string]int // stem → count
	n                   int            // words
	page                int            // 1-based page of a PDF, or 0
}

// NewBaseline indexes the sentences of docs, chunked as the engine chunks
// them.
func NewBaseline(docs []corpus.Document, opts corpus.ChunkOptions) *Baseline {
	b := &Baseline{postings: map[string][]int{}}
	type key struct {
		src   string
		start int
	}
	seen := map[key]bool{}
	pages := newPageTable(docs)
	total := 0
	for _, c := range corpus.SplitAll(docs, opts) {
		texts := reader.ChunkSentences(c)
		for i, text := range texts {
			start := c.Start
			if len(texts) == len(c.Sentences) {
				start = c.Sentences[i].Start
			}
			if seen[key{c.Source, start}] {
				continue
			}
			seen[key{c.Source, start}] = true
			s := baseSentence{source: c.Source, title: c.Title, text: text, terms: map[string]int{}, page: pages.pageOf(c.Source, start)}
			for _, t := range words.Split(text) {
				s.n++
				if t.Stem != "" {
					s.terms[t.Stem]++
				}
			}
			for t := range s.terms {
				b.postings[t] = append(b.postings[t], len(b.sents))
			}
			total += s.n
			b.sents = append(b.sents, s)
		}
	}
	if len(b.sents) > 0 {
		b.avgLen = float64(total) / float64(len(b.sents))
	}
	return b
}

// Answer returns the best-matching sentence as the answer.
func (b *Baseline) Answer(ctx context.Context, q citebot.Question) (citebot.Answer, error) {
	text := CleanQuestion(q.Text)
	if text == "" {
		return citebot.Answer{}, citebot.ErrEmptyQuestion
	}
	if utf8.RuneCountInString(text) > citebot.MaxQuestionLen {
		return citebot.Answer{}, citebot.ErrQuestionTooLong
	}
	const k1, bb = 1.2, 0.75
	n := float64(len(b.sents))
	score := map[int]float64{}
	for _, stem := range words.Terms(text) {
		post := b.postings[stem]
		if len(post) == 0 {
			continue
		}
		idf := math.Log(1 + (n-float64(len(post))+0.5)/(float64(len(post))+0.5))
		for _, i := range post {
			s := b.sents[i]
			tf := float64(s.terms[stem])
			score[i] += idf * tf * (k1 + 1) / (tf + k1*(1-bb+bb*float64(s.n)/b.avgLen))
		}
	}
	best, bestScore := -1, 0.0
	for i, sc := range score {
		if sc > bestScore || (sc == bestScore && i < best) {
			best, bestScore = i, sc
		}
	}
	ans := citebot.Answer{Question: text, Citations: []citebot.Citation{}, Mode: citebot.ModeExtractive}
	if best < 0 {
		ans.Text = NotCoveredText
		return ans, nil
	}
	s := b.sents[best]
	ans.Answered = true
	ans.Citations = append(ans.Citations, citebot.Citation{Source: s.source, Title: s.title, Quote: cutQuote(s.text, ""), Page: s.page, Score: roundScore(bestScore)})
	ans.Text = words.Truncate(s.text, citebot.MaxAnswerLen-4) + " " + formatMarker(1)
	return ans, nil
}
