package reader

import (
	"slices"
	"sort"
	"strings"

	"github.com/citebot/citebot/corpus"
	"github.com/citebot/citebot/retrieval/words"
)

// Passage is a chunk retrieved for a question. Read takes them best first.
type Passage struct {
	Chunk corpus.Chunk
	// Score is the retrieval score; only its order among passages matters.
	Score float64
}

// ChunkSentences recovers a chunk's sentences from its text: Chunk.Text is
// its sentences joined by single spaces, and Chunk.Sentences gives each
// one's length. A chunk that does not fit that shape is one sentence.
func ChunkSentences(c corpus.Chunk) []string {
	spans := chunkSentenceSpans(c)
	out := make([]string, len(spans))
	for i, sp := range spans {
		out[i] = c.Text[sp.Start:sp.End]
	}
	return out
}

// chunkSentenceSpans is ChunkSentences as spans of c.Text.
func chunkSentenceSpans(c corpus.Chunk) []corpus.Span {
	out := make([]corpus.Span, 0, len(c.Sentences))
	off := 0
	for _, sp := range c.Sentences {
		n := sp.End - sp.Start
		if n <= 0 || off+n > len(c.Text) {
			return []corpus.Span{{Start: 0, End: len(c.Text)}}
		}
		out = append(out, corpus.Span{Start: off, End: off + n})
		off += n + 1
	}
	if len(out) == 0 && c.Text != "" {
		out = append(out, corpus.Span{Start: 0, End: len(c.Text)})
	}
	return out
}

// sentence is one sentence of a retrieved passage, the unit the reader
// quotes.
type sentence struct {
	// text is what the reader reads: the sentence verbatim, line breaks
	// read as spaces, but for a table row, which is read with its
	// column names (see linearizeRow).
	text string
	// quote is the table row verbatim when text is not; cells ties the
	// row's cells in text to their place in quote.
	quote    string
	cells    []cellMap
	toks     []words.Token
	source   string
	title    string
	docStart int // byte offset in the source document
	rank     int // rank of the passage it came from, 0 first
	score    float64
	// prev and next are the sentences directly before and after it in
	// its source, when they were retrieved too.
	prev, next *sentence
	titleToks  []words.Token
	// marks classifies each token once, for the phrase features.
	marks []tokenMark
	// money and percent report a currency or percent sign anywhere.
	money, percent bool
}

// tokenMark is a set of the token classes phrase shapes are made of.
type tokenMark uint8

const (
	markYear tokenMark = 1 << iota
	markNumber
	markOrdinal
	markMonth
	markPercentWord
	// markOpenerCap: capitalised only because it opens the sentence
	// ("Prior to v9.12, …"), a word the corpus never writes as a name
	// inside a sentence.
	markOpenerCap
	markNegation
)

// wordMarks is the class of each word that numberWords, ordinalWords,
// months and negations list, so that marking a token costs one lookup:
// the lookups of every token of every sentence read were a tenth of the
// reader's cost on a large corpus. markMonth is given only to a
// capitalised word.
var wordMarks = func() map[string]tokenMark {
	m := map[string]tokenMark{}
	for _, c := range []struct {
		words map[string]bool
		mark  tokenMark
	}{{numberWords, markNumber}, {ordinalWords, markOrdinal}, {months, markMonth}, {negations, markNegation}} {
		for w, ok := range c.words {
			if ok {
				m[w] |= c.mark
			}
		}
	}
	return m
}()

func markTokens(toks []words.Token) []tokenMark {
	out := make([]tokenMark, len(toks))
	for k, t := range toks {
		var m tokenMark
		w := wordMarks[t.Norm]
		switch {
		case isYear(t):
			m |= markYear | markNumber
		case t.Num || w&markNumber != 0:
			m |= markNumber
		case w&markOrdinal != 0:
			m |= markOrdinal
		}
		if w&markMonth != 0 && t.Cap {
			m |= markMonth
		}
		m |= w & markNegation
		if strings.HasPrefix(t.Norm, "percent") || t.Norm == "cent" && k > 0 && toks[k-1].Norm == "per" {
			m |= markPercentWord
		}
		out[k] = m
	}
	return out
}

// sentencesOf lists the sentences of passages, each once (chunks overlap),
// tokenised, with their neighbours linked.
func sentencesOf(st *Stats, passages []Passage) []*sentence {
	type key struct {
		src   string
		start int
	}
	// The sentences and their tokens are carved from a few large blocks
	// rather than allocated one by one: a question reads about a hundred
	// sentences, and their allocations were a third of a reading's.
	n := 0
	for _, p := range passages {
		n += max(len(p.Chunk.Sentences), 1)
	}
	seen := make(map[key]bool, n)
	out := make([]*sentence, 0, n)
	slab := make([]sentence, 0, n)
	var arena tokenArena
	titles := map[string][]words.Token{}
	for rank, p := range passages {
		c := p.Chunk
		texts := ChunkSentences(c)
		tt, ok := titles[c.Source]
		if !ok {
			tt = st.split(c.Title)
			titles[c.Source] = tt
		}
		var header []string // the cells of the table header just read
		for i, text := range texts {
			start := c.Start
			if len(texts) == len(c.Sentences) {
				start = c.Sentences[i].Start
			}
			quote, cells := "", []cellMap(nil)
			if h, ok := corpus.TableHeader(text); ok {
				// The header is read with each row, never alone.
				header = header[:0]
				for _, sp := range h {
					header = append(header, text[sp.Start:sp.End])
				}
				continue
			}
			if len(header) > 0 {
				if lin, cm, ok := linearizeRow(header, text); ok {
					quote, cells, text = text, cm, lin
				} else {
					header = nil
				}
			}
			k := key{c.Source, start}
			if seen[k] || text == "" {
				continue
			}
			seen[k] = true
			toks, marks := st.tokenize(c.Source, start, text, &arena)
			if len(slab) == cap(slab) { // never, while n counts right
				slab = make([]sentence, 0, 16)
			}
			slab = append(slab, sentence{text: text, quote: quote, cells: cells, toks: toks, source: c.Source,
				title: c.Title, docStart: start, rank: rank, score: p.Score, titleToks: tt, marks: marks,
				money: containsAnyRune(text, "$€£¥₹"), percent: containsAnyRune(text, "%‰")})
			out = append(out, &slab[len(slab)-1])
		}
	}
	byPos := append([]*sentence(nil), out...)
	sort.Slice(byPos, func(i, j int) bool {
		if byPos[i].source != byPos[j].source {
			return byPos[i].source < byPos[j].source
		}
		return byPos[i].docStart < byPos[j].docStart
	})
	for i := 0; i+1 < len(byPos); i++ {
		a, b := byPos[i], byPos[i+1]
		if a.source == b.source && b.docStart > a.docStart && b.docStart-(a.docStart+len(a.verbatim())) <= 3 {
			a.next, b.prev = b, a
		}
	}
	return out
}

// containsAnyRune is strings.ContainsAny for a short set of runes: it
// looks for each with a vectorised search, where ContainsAny decodes
// every rune of s once it meets a set that is not ASCII. Every sentence
// read is searched for currency and percent signs, and that decoding was
// a fortieth of the cost of an answer.
func containsAnyRune(s, set string) bool {
	for _, r := range set {
		if strings.ContainsRune(s, r) {
			return true
		}
	}
	return false
}

// tokenizeCap is how many sentences a Stats keeps tokenized: about 10 MB
// at most, all the sentences of a small corpus. A corpus of more than
// memoChunks chunks keeps none: its questions would rarely meet the
// sentences kept, and looking them up and copying them in cost more than
// the few they spare.
const (
	tokenizeCap = 8192
	memoChunks  = tokenizeCap / 4
)

// tokenized is a sentence's tokens and their marks, which depend on the
// sentence and the corpus alone, never on the question.
type tokenized struct {
	text  string
	toks  []words.Token
	marks []tokenMark
}

// tokenize returns the tokens of the sentence text, which starts at byte
// start of src, and their marks. A small corpus keeps the first
// tokenizeCap sentences read, in a sync.Map whose reads take no lock, so
// that its questions tokenize each sentence once; the callers never
// change what it returns. The tokens of the others come from arena when
// it is not nil.
func (st *Stats) tokenize(src string, start int, text string, arena *tokenArena) ([]words.Token, []tokenMark) {
	type key struct {
		src        string
		start, end int
	}
	k := key{src, start, start + len(text)}
	memo := st.n <= memoChunks
	if memo {
		if v, ok := st.tokenized.Load(k); ok {
			if t := v.(*tokenized); t.text == text {
				return t.toks, t.marks
			}
		}
	}
	toks := arena.split(st, text)
	marks := markTokens(toks)
	for i, t := range toks {
		if t.Cap && !t.Num && t.Stem != "" && (i == 0 || afterOpener(text, toks, i)) && !st.namedInside(t.Norm) {
			marks[i] |= markOpenerCap
		}
	}
	if memo && st.nTokenized.Load() < tokenizeCap {
		if arena != nil {
			// Its own memory, so that the arena's block does not stay
			// alive with it.
			toks = slices.Clone(toks)
		}
		if _, loaded := st.tokenized.LoadOrStore(k, &tokenized{text: text, toks: toks, marks: marks}); !loaded {
			st.nTokenized.Add(1)
		}
	}
	return toks, marks
}

// tokenArena hands out the token slices of one reading from shared
// blocks. A slice it returns is capped at its length, so that appending
// to it never writes over the next sentence's tokens.
type tokenArena struct {
	block   []words.Token
	scratch []words.Token
}

// tokenBlock is how many tokens a block holds: about 100 sentences' worth
// is one question's reading.
const tokenBlock = 2048

// split tokenises text as st.split does, into the arena.
func (a *tokenArena) split(st *Stats, text string) []words.Token {
	if a == nil {
		return st.split(text)
	}
	a.scratch = words.AppendSplitStemmed(a.scratch[:0], text, st.stem)
	n := len(a.scratch)
	if n > tokenBlock/4 {
		return slices.Clone(a.scratch)
	}
	if cap(a.block)-len(a.block) < n {
		a.block = make([]words.Token, 0, tokenBlock)
	}
	lo := len(a.block)
	a.block = append(a.block, a.scratch...)
	return a.block[lo:len(a.block):len(a.block)]
}
