package reader

import (
	"math"
	"math/bits"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/citebot/citebot/corpus"
	"github.com/citebot/citebot/internal/parallel"
	"github.com/citebot/citebot/retrieval/words"
)

// Stats is what the reader knows of the whole corpus: how many chunks hold
// each word, for weighing a question's words by how rare they are, and how
// each word is usually written, for telling names from ordinary words.
// A Stats is read-only once built and safe for concurrent use.
type Stats struct {
	df     map[string]int32 // stem → chunks that contain it
	n      int              // chunks
	proper map[string]int32 // folded word → times written capitalised inside a sentence
	lower  map[string]int32 // folded word → times written in lower case
	// vocab lists the stems that can be spelling variants (four letters
	// or more, a to z) by first letter and length, so that finding a
	// word's variants reads only the stems it could be one of.
	vocab map[vocabKey][]vocabWord
	// stems maps every folded word of the corpus to its stem, so that
	// reading passages does not run the stemmer again.
	stems map[string]string
	// tokenized keeps sentences as the reader tokenized them (see
	// tokenize); nTokenized counts them.
	tokenized  sync.Map
	nTokenized atomic.Int64
}

// learnShard is how many chunks one core learns from at least; below
// it, starting and merging another share costs more than it saves.
var learnShard = 4000

// Learn gathers the statistics of chunks. A large corpus is read in
// shares, one per spare core (parallel.Spare), whose counts are then
// added up.
func Learn(chunks []corpus.Chunk) *Stats {
	n := min(parallel.Spare(), max(len(chunks)/learnShard, 1))
	parts := make([]*Learner, n)
	var wg sync.WaitGroup
	for i := range parts {
		lo, hi := i*len(chunks)/n, (i+1)*len(chunks)/n
		wg.Go(func() {
			parts[i] = NewLearner()
			for _, c := range chunks[lo:hi] {
				parts[i].Add(c)
			}
		})
	}
	wg.Wait()
	return Learnt(parts...)
}

// Learner gathers one share of a corpus's statistics, a chunk at a time.
// A caller that tokenizes the chunks for a purpose of its own (the local
// embedder) hands it their tokens, so that ingest reads the corpus once
// for both. Learnt adds shares up into the same Stats as Learn. A Learner
// is not safe for concurrent use.
type Learner struct {
	s    *Stats
	seen map[string]bool // the stems of the chunk being counted
	sp   *words.Splitter
	sent []words.Token // one sentence's tokens, rebased
	toks []words.Token // Add's tokens of one sentence
}

// NewLearner returns an empty share.
func NewLearner() *Learner {
	s := newStats()
	return &Learner{s: s, seen: map[string]bool{}, sp: words.NewSplitter(s.stem)}
}

// AppendSplit appends the tokens of text, as Learn tokenizes it, to toks
// (see words.Splitter.AppendSplit), recording the stems it meets in the
// share's table; AddTokens takes tokens split this way.
func (l *Learner) AppendSplit(toks []words.Token, text string) []words.Token {
	return l.sp.AppendSplit(toks, text)
}

// Add counts chunk c.
func (l *Learner) Add(c corpus.Chunk) {
	clear(l.seen)
	for _, text := range ChunkSentences(c) {
		l.toks = l.sp.AppendSplit(l.toks[:0], text)
		l.s.count(text, l.toks, l.seen)
	}
	l.s.n++
}

// AddTokens counts chunk c, whose text Split made toks of: Add, without
// tokenizing again. A sentence of a chunk ends at a space, so the tokens
// of the whole text are those of its sentences, in turn.
func (l *Learner) AddTokens(c corpus.Chunk, toks []words.Token) {
	clear(l.seen)
	k := 0
	for _, sp := range chunkSentenceSpans(c) {
		for k < len(toks) && toks[k].Start < sp.Start {
			k++
		}
		l.sent = l.sent[:0]
		for ; k < len(toks) && toks[k].End <= sp.End; k++ {
			t := toks[k]
			t.Start, t.End = t.Start-sp.Start, t.End-sp.Start
			l.sent = append(l.sent, t)
		}
		l.s.count(c.Text[sp.Start:sp.End], l.sent, l.seen)
	}
	l.s.n++
}

// newStats returns empty statistics, ready to count.
func newStats() *Stats {
	return &Stats{df: map[string]int32{}, proper: map[string]int32{}, lower: map[string]int32{},
		stems: map[string]string{}}
}

// Learnt adds the shares up, in order.
func Learnt(parts ...*Learner) *Stats {
	s := newStats()
	if len(parts) > 0 {
		s = parts[0].s
	}
	for _, l := range parts[min(1, len(parts)):] {
		p := l.s
		for _, m := range [][2]map[string]int32{{s.df, p.df}, {s.proper, p.proper}, {s.lower, p.lower}} {
			for k, v := range m[1] {
				m[0][k] += v
			}
		}
		for k, v := range p.stems {
			s.stems[k] = v
		}
		s.n += p.n
	}
	s.indexVocab()
	return s
}

// count counts the words of one sentence, text, tokenized into toks;
// seen holds the stems already counted in its chunk.
func (s *Stats) count(text string, toks []words.Token, seen map[string]bool) {
	headline := words.TitleCased(toks)
	for i, t := range toks {
		if t.Stem != "" && !seen[t.Stem] {
			seen[t.Stem] = true
			s.df[t.Stem]++
		}
		if t.Num || headline || t.Stem == "" {
			continue
		}
		// The first word of a sentence is capitalised whatever it is, so
		// it says nothing about whether it is a name.
		if t.Cap && i > 0 && !afterOpener(text, toks, i) {
			s.proper[t.Norm]++
		} else if !t.Cap {
			s.lower[t.Norm]++
		}
	}
}

// vocabWord is a stem of the vocabulary with what Stats.variants tests
// before it compares strings, next to each other in memory: comparing the
// strings themselves read each from wherever it lay, and finding a
// question's variants was a twentieth of the reader's cost on a large
// corpus.
type vocabWord struct {
	head    uint64 // the first eight letters, zero-padded, first in the lowest byte
	letters uint32 // bit c-'a' for each letter c in the stem
	w       string
}

func newVocabWord(w string) vocabWord {
	return vocabWord{head: headOf(w), letters: lettersOf(w), w: w}
}

// headOf packs the first eight bytes of w.
func headOf(w string) uint64 {
	var h uint64
	for i := 0; i < len(w) && i < 8; i++ {
		h |= uint64(w[i]) << (8 * i)
	}
	return h
}

// lettersOf is the set of the letters a to z in w.
func lettersOf(w string) uint32 {
	var m uint32
	for i := 0; i < len(w); i++ {
		m |= 1 << ((w[i] - 'a') & 31)
	}
	return m
}

// vocabKey groups stems by first letter and length.
type vocabKey struct {
	first byte
	n     int
}

// indexVocab lists the stems of df that can be spelling variants.
func (s *Stats) indexVocab() {
	s.vocab = map[vocabKey][]vocabWord{}
	for w := range s.df {
		if len(w) < 4 || !alphabetic(w) {
			continue
		}
		k := vocabKey{w[0], len(w)}
		s.vocab[k] = append(s.vocab[k], newVocabWord(w))
	}
}

// afterOpener reports whether token i follows an opening quote, bracket or
// colon, where a capital letter may start a sentence within the sentence.
func afterOpener(text string, toks []words.Token, i int) bool {
	gap := strings.TrimSpace(text[toks[i-1].End:toks[i].Start])
	return strings.ContainsAny(gap, "\"“‘(:[—–")
}

// stem stems a folded word through the corpus's table, adding to it
// while the statistics are gathered.
func (s *Stats) stem(norm string) string {
	if st, ok := s.stems[norm]; ok {
		return st
	}
	st := words.Stem(norm)
	if s.vocab == nil && s.stems != nil { // still learning
		s.stems[norm] = st
	}
	return st
}

// Stem is words.Stem, looked up in the table of the corpus's words where
// it can be. It is safe for concurrent use once Learn has returned.
func (s *Stats) Stem(norm string) string { return s.stem(norm) }

// split tokenises text with the corpus's stem table.
func (s *Stats) split(text string) []words.Token { return words.SplitStemmed(text, s.stem) }

// Chunks is how many chunks the statistics were gathered from.
func (s *Stats) Chunks() int { return s.n }

// DocFreq is how many chunks contain stem.
func (s *Stats) DocFreq(stem string) int { return int(s.df[stem]) }

// IDF is the BM25 inverse document frequency of stem: high for rare words,
// near zero for words in every chunk. A word the corpus lacks gets the
// highest value.
func (s *Stats) IDF(stem string) float64 {
	n := float64(s.n)
	df := float64(s.df[stem])
	return math.Log(1 + (n-df+0.5)/(df+0.5))
}

// Proper reports whether the corpus writes the folded word mostly with a
// capital inside sentences, as it writes names.
func (s *Stats) Proper(norm string) bool {
	p, l := s.proper[norm], s.lower[norm]
	return p > 0 && p >= 2*l
}

// namedInside reports whether the corpus writes the folded word with a
// capital inside sentences at all, and not mostly in lower case: whether
// it can be a name when it opens a sentence.
func (s *Stats) namedInside(norm string) bool {
	return s.proper[norm] > 0 && !s.Common(norm)
}

// Common reports whether the corpus writes the folded word mostly in lower
// case inside sentences, as it writes ordinary words.
func (s *Stats) Common(norm string) bool {
	p, l := s.proper[norm], s.lower[norm]
	return l > 0 && l >= 2*p
}

// variants returns the corpus stems that differ from stem only by an
// inflection the stemmer missed ("lithuania"/"lithuanian") or by a typo
// ("otawa"/"ottawa"), with how well each matches. Numbers have no
// variants: 1961 is not a misspelling of 1951.
func (s *Stats) variants(stem string) map[string]float64 {
	// stemSimilarity needs five letters in the shorter stem.
	if len(stem) < 5 || !alphabetic(stem) {
		return nil
	}
	var out map[string]float64
	add := func(w string, sim float64) {
		if out == nil {
			out = map[string]float64{}
		}
		out[w] = sim
	}
	head, letters := headOf(stem), lettersOf(stem)
	headMask := ^uint64(0) >> (64 - 8*min(len(stem), 8))
	head &= headMask
	for n := max(5, len(stem)-maxSuffix); n <= len(stem)+maxSuffix; n++ {
		switch d := n - len(stem); {
		case d <= -2:
			// Two letters shorter or more, a variant can only be the
			// stem's own beginning: one lookup, not a scan.
			if w := stem[:n]; s.df[w] > 0 {
				add(w, 0.8)
			}
		case d >= 2:
			// Two letters longer or more, it can only begin with the
			// stem: its first eight letters are the stem's.
			for _, v := range s.vocab[vocabKey{stem[0], n}] {
				if v.head&headMask == head && v.w[:len(stem)] == stem {
					add(v.w, 0.8)
				}
			}
		default:
			// A letter more, less or changed, or a suffix of one letter,
			// adds or removes at most two letters from the set.
			for _, v := range s.vocab[vocabKey{stem[0], n}] {
				if bits.OnesCount32(v.letters^letters) > 2 || v.w == stem {
					continue
				}
				if sim := stemSimilarity(stem, v.w); sim > 0 {
					add(v.w, sim)
				}
			}
		}
	}
	return out
}

// maxSuffix is the longest suffix by which a variant may differ: the
// inflection the stemmer missed.
const maxSuffix = 3

// stemSimilarity scores two different stems that may be the same word: a
// short suffix added (0.8), or one letter changed, added or dropped (0.75).
func stemSimilarity(a, b string) float64 {
	if len(a) < 4 || len(b) < 4 || a[0] != b[0] {
		return 0
	}
	short, long := a, b
	if len(short) > len(long) {
		short, long = long, short
	}
	if len(short) >= 5 && strings.HasPrefix(long, short) && len(long)-len(short) <= maxSuffix {
		return 0.8
	}
	if len(short) >= 5 && words.EditDistanceAtMost1(a, b) {
		return 0.75
	}
	return 0
}

func alphabetic(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}

// maxIDF is the idf of a word in no chunk: the most a word can weigh.
func (s *Stats) maxIDF() float64 {
	n := float64(s.n)
	return math.Log(1 + (n+0.5)/0.5)
}
