package reader

import (
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/citebot/citebot/retrieval/words"
)

// This file turns a question and a candidate into features. Every Feature
// is general: it looks at question words, the shape of a phrase, where the
// question's words fall around it, and corpus statistics; none names a
// word of any particular corpus. What each is worth is fitted on data (see
// fit.go and internal/readerfit).

// shapes a candidate span can have (several at once).
const (
	shYear = iota
	shMonth
	shNum
	shNumStart
	shCurrency
	shPercent
	shUnit
	shOrdinal
	shCapAll
	shCapSome
	shLower
	shOne
	shHasStop
	shList
	shQuoted
	shParen
	numShapes
)

var shapeNames = []string{"year", "month", "num", "num-start", "currency", "percent", "unit", "ordinal",
	"cap-all", "cap-some", "lower", "one-word", "has-stop", "list", "quoted", "paren"}

// numberWords spell out quantities.
var numberWords = map[string]bool{
	"one": true, "two": true, "three": true, "four": true, "five": true, "six": true, "seven": true,
	"eight": true, "nine": true, "ten": true, "eleven": true, "twelve": true, "thirteen": true,
	"fourteen": true, "fifteen": true, "sixteen": true, "seventeen": true, "eighteen": true,
	"nineteen": true, "twenty": true, "thirty": true, "forty": true, "fifty": true, "sixty": true,
	"seventy": true, "eighty": true, "ninety": true, "hundred": true, "thousand": true, "million": true,
	"billion": true, "trillion": true, "dozen": true, "dozens": true, "hundreds": true, "thousands": true,
	"millions": true, "billions": true, "half": true, "twice": true, "single": true, "double": true,
}

var ordinalWords = map[string]bool{
	"first": true, "second": true, "third": true, "fourth": true, "fifth": true, "sixth": true,
	"seventh": true, "eighth": true, "ninth": true, "tenth": true, "last": true, "final": true,
}

// contextWords are the function words whose presence right before or
// after a candidate says what it is: "in 2004", "by Harper Lee".
var contextWords = []string{"in", "on", "at", "by", "of", "from", "to", "for", "with", "as", "since",
	"until", "during", "after", "before", "about", "than", "into", "the", "a", "and", "or", "is", "was",
	"are", "were", "which", "who", "that", "called", "named", "known"}

var contextIndex = func() map[string]int {
	m := map[string]int{}
	for i, w := range contextWords {
		m[w] = i
	}
	return m
}()

// context classes beyond the words themselves.
var contextExtra = []string{"start", "end", "comma", "open", "close", "break", "num", "cap", "lower", "stop"}

func contextLabels() []string { return append(append([]string(nil), contextWords...), contextExtra...) }

const (
	ctxStart = iota
	ctxEnd
	ctxComma
	ctxOpen
	ctxClose
	ctxBreak
	ctxNum
	ctxCap
	ctxLower
	ctxStop
)

var lenLabels = []string{"1", "2", "3", "4-5", "6-9", "10+"}

func lenBucket(n int) int {
	switch {
	case n <= 3:
		return n - 1
	case n <= 5:
		return 3
	case n <= 9:
		return 4
	}
	return 5
}

var distLabels = []string{"1", "2", "3", "4-5", "6-8", "9-12", "13+", "none"}

func distBucket(d int) int {
	switch {
	case d < 0:
		return 7
	case d <= 3:
		return max(d, 1) - 1
	case d <= 5:
		return 3
	case d <= 8:
		return 4
	case d <= 12:
		return 5
	}
	return 6
}

var rankLabels = []string{"0", "1", "2", "3-4", "5-7", "8+"}

func rankBucket(r int) int {
	switch {
	case r <= 2:
		return r
	case r <= 4:
		return 3
	case r <= 7:
		return 4
	}
	return 5
}

var countLabels = []string{"0", "1", "2+"}

func countBucket(n int) int { return min(n, 2) }

// Sentence model features.
var (
	sentLayout                                         layout
	sfBias, sfCov, sfCov2, sfCovEnt, sfNoEnt           int
	sfMissEnt, sfMissNum, sfMissMaxIDF, sfBigram       int
	sfNoBigram, sfCovCtx, sfCovTitle, sfRank, sfRelCov int
	sfIsBest, sfBM25, sfLogLen, sfCompact, sfPrevCov   int
	sfDensity, sfTypeFit, sfCovGain, sfNextCov         int
	sfCovDoc, sfTitleOnly, sfTitleEnt, sfScoreRel      int
	sfDocBest, sfFocus, sfNoFocus, sfExact, sfCovWide  int
	sfSubst                                            int
	sfAnaphor, sfAnaphorPrev, sfPrevAhead, sfConflict  int
	sfSoft, sfCaseMiss, sfNegMismatch, sfFuzzyEnt      int
	sfMissEntNear                                      int
)

// anaphors open a sentence that leans on the one before for its subject:
// "It was established in 1825", "However, the composer …".
var anaphors = map[string]bool{
	"it": true, "he": true, "she": true, "they": true, "this": true, "these": true, "those": true,
	"its": true, "his": true, "her": true, "their": true, "there": true, "such": true, "however": true,
	"also": true, "both": true, "the": true, "that": true, "then": true, "later": true, "in": true,
}

// sentence type-fit signals: does the sentence hold a phrase of the kind
// the question asks for?
var fitLabels = []string{"year", "month", "num", "cap"}

// Span model features.
var (
	spanLayout                                  layout
	afShape, afKind, afLen, afPrev, afNext      int
	afDist, afDistEnt, afClose, afLeft, afRight int
	afCommas, afBreak, afCompete, afOverlap     int
	afAllOverlap, afHead, afHeadBefore          int
	afHeadAfter, afRarity, afAtStart, afAtEnd   int
	afPlural                                    int
	afBias, afDistFocus, afHeadLex              int
	afSegCov, afSegCovEnt, afSegNoEnt           int
	afSegRival, afSegOwn, afBind, afListBind    int
	afNamed                                     int
)

// bindLabels name what stands nearest a span on each side, among names
// and numbers: the question's own ("Estonia in 2004" for "when did
// Estonia …") or another ("Belarus … in 2003").
var bindLabels = []string{"left-own", "left-rival", "left-none", "right-own", "right-rival", "right-none"}

// headLexSize is the number of hashed features that pair the question's
// head noun with a phrase's shape and kind: "album" with a quoted
// capitalised title, "percentage" with a percent, "role" with a lower-case
// noun. The pairs are learnt from the training questions; a head noun
// never seen there contributes nothing.
const headLexSize = 8192

func init() {
	whs := whNames[:]
	l := &sentLayout
	sfBias = l.add("bias")
	sfCov = l.add("cov")
	sfCov2 = l.add("cov^2")
	sfCovEnt = l.add("cov-entity")
	sfNoEnt = l.add("no-entity")
	sfMissEnt = l.block("missing-entities", countLabels)
	sfMissNum = l.add("missing-number")
	sfMissMaxIDF = l.add("missing-max-idf")
	sfBigram = l.add("bigram")
	sfNoBigram = l.add("no-bigram")
	sfCovCtx = l.add("cov-context")
	sfCovTitle = l.add("cov-title")
	sfRank = l.block("rank", rankLabels)
	sfRelCov = l.add("cov-minus-best")
	sfIsBest = l.add("is-best")
	sfBM25 = l.add("bm25-rel")
	sfLogLen = l.add("log-len")
	sfCompact = l.add("compact")
	sfPrevCov = l.add("prev-cov")
	sfNextCov = l.add("next-cov")
	sfDensity = l.add("density")
	sfCovGain = l.add("context-gain")
	sfTypeFit = l.cross("type-fit", whs, fitLabels)
	sfCovDoc = l.add("cov-document")
	sfTitleOnly = l.add("cov-title-only")
	sfTitleEnt = l.add("title-entity")
	sfScoreRel = l.add("passage-score-rel")
	sfDocBest = l.add("document-best")
	sfExact = l.add("cov-exact")
	sfCovWide = l.add("cov-wide-context")
	sfSoft = l.add("cov-soft")
	sfMissEntNear = l.block("missing-entities-nearby", countLabels)
	sfCaseMiss = l.add("name-matched-lower-case")
	sfNegMismatch = l.add("negation-mismatch")
	sfFuzzyEnt = l.add("name-matched-loosely")
	sfAnaphor = l.add("starts-anaphor")
	sfAnaphorPrev = l.add("anaphor-times-prev-cov")
	sfPrevAhead = l.add("prev-cov-ahead")
	sfConflict = l.add("conflicting-number")
	sfFocus = l.add("cov-focus")
	sfNoFocus = l.add("no-focus")
	sfSubst = l.block("substituted", substLabels)

	a := &spanLayout
	afBias = a.add("bias")
	afShape = a.cross("shape", whs, shapeNames)
	afKind = a.cross("kind", whs, kindNames[:])
	afLen = a.cross("len", whs, lenLabels)
	afPrev = a.cross("prev", whs, contextLabels())
	afNext = a.cross("next", whs, contextLabels())
	afDist = a.block("dist", distLabels)
	afDistEnt = a.block("dist-entity", distLabels)
	afClose = a.add("closeness")
	afLeft = a.add("left-weight")
	afRight = a.add("right-weight")
	afCommas = a.block("commas-to-entity", countLabels)
	afBreak = a.add("break-to-entity")
	afCompete = a.block("competitors", countLabels)
	afOverlap = a.add("overlap")
	afAllOverlap = a.add("all-overlap")
	afHead = a.cross("contains-head", whs, []string{"yes"})
	afHeadBefore = a.add("head-before")
	afHeadAfter = a.add("head-after")
	afRarity = a.add("rarity")
	afAtStart = a.cross("at-start", whs, []string{"yes"})
	afAtEnd = a.add("at-end")
	afPlural = a.block("plural-head", []string{"list", "single"})
	afDistFocus = a.block("dist-focus", distLabels)
	lex := make([]string, headLexSize)
	for i := range lex {
		lex[i] = strconv.Itoa(i)
	}
	afHeadLex = a.block("head-lex", lex)
	afSegCov = a.add("clause-cov")
	afSegCovEnt = a.add("clause-cov-entity")
	afSegNoEnt = a.add("clause-no-entity")
	afSegRival = a.add("clause-rival-name")
	afSegOwn = a.add("clause-own-name")
	afBind = a.cross("bind", whs, bindLabels)
	afListBind = a.block("list-bind", bindLabels)
	afNamed = a.block("named-as-head", []string{"all", "some"})

	// The answer model sees a sentence's first-stage score, its features
	// again (with weights of their own) and the phrase's features.
	j := &answerLayout
	jStage1 = j.add("stage1")
	jSent = len(j.names)
	for _, n := range sentLayout.names {
		j.add("s:" + n)
	}
	jSpan = len(j.names)
	for _, n := range spanLayout.names {
		j.add("a:" + n)
	}
}

// Answer model layout: offsets of its three parts.
var (
	answerLayout          layout
	jStage1, jSent, jSpan int
)

// sentenceInfo is a candidate sentence with what the features need.
type sentenceInfo struct {
	s     *sentence
	m     matching
	cov   float64
	bm25  float64
	feats Vector
	// idfs caches each token's idf for the phrase features, whose phrases
	// overlap: looking each up again was a sixtieth of an answer's cost.
	idfs []float64
}

// idf is the idf of token k's stem, looked up once per sentence.
func (in *sentenceInfo) idf(st *Stats, k int) float64 {
	if in.idfs == nil {
		in.idfs = make([]float64, len(in.s.toks))
		for i := range in.idfs {
			in.idfs[i] = -1
		}
	}
	if in.idfs[k] < 0 {
		in.idfs[k] = st.IDF(in.s.toks[k].Stem)
	}
	return in.idfs[k]
}

// avgSentenceTokens normalises sentence length in BM25.
const avgSentenceTokens = 25

// sentenceFeatures scores every candidate sentence's features. Relative
// features (against the best candidate) need them all at once.
func sentenceFeatures(q *question, st *Stats, sents []*sentence) []sentenceInfo {
	infos := make([]sentenceInfo, len(sents))
	bestCov, bestBM := 0.0, 0.0
	index := make(map[*sentence]int, len(sents))
	for i, s := range sents {
		index[s] = i
	}
	matchOf := func(s *sentence) matching {
		if i, ok := index[s]; ok && infos[i].m.term != nil {
			return infos[i].m
		}
		return matchTokens(q, s.toks)
	}
	// Read from all the passages at once, for the phrase features that
	// follow (both the reader and fitting call this first).
	q.named = namedAsHead(q, sents)
	for i, s := range sents {
		in := &infos[i]
		in.s = s
		in.m = matchTokens(q, s.toks)
		in.cov = q.coverage(in.m.best)
		in.bm25 = bm25(q, s.toks, in.m)
		bestCov = max(bestCov, in.cov)
		bestBM = max(bestBM, in.bm25)
	}
	// What the retrieved text of each source covers as a whole: the
	// sentence that answers often leaves its subject to the sentences
	// around it ("she", "the device").
	docBest := map[string][]float64{}
	docCov := map[string]float64{}
	bestScore := 0.0
	for i := range infos {
		in := &infos[i]
		b := docBest[in.s.source]
		if b == nil {
			b = make([]float64, len(q.terms))
			docBest[in.s.source] = b
		}
		for ti, v := range in.m.best {
			b[ti] = max(b[ti], v)
		}
		bestScore = max(bestScore, in.s.score)
	}
	titleBest := map[string][]float64{}
	for i := range infos {
		s := infos[i].s
		if _, ok := titleBest[s.source]; !ok {
			titleBest[s.source] = matchTokens(q, s.titleToks).best
		}
		docCov[s.source] = max(docCov[s.source], infos[i].cov)
	}
	var entW float64
	var maxIDF float64
	for _, t := range q.terms {
		if t.entity {
			entW += t.idf
		}
		maxIDF = max(maxIDF, t.idf)
	}
	// ctx lists the term matches of a sentence and its neighbours; one
	// slice serves every sentence.
	ctx := make([][]float64, 0, 8)
	for i := range infos {
		in := &infos[i]
		s := in.s
		v := Vector{}
		v.on(sfBias)
		v.set(sfCov, in.cov)
		v.set(sfCov2, in.cov*in.cov)
		miss, missNum := 0, false
		var entGot, missMax float64
		for ti, t := range q.terms {
			b := in.m.best[ti]
			if t.entity {
				entGot += t.idf * b
				if b < 0.75 {
					miss++
					missNum = missNum || t.num
				}
			}
			if b < 0.75 {
				missMax = max(missMax, t.idf)
			}
		}
		if entW > 0 {
			v.set(sfCovEnt, entGot/entW)
		} else {
			v.on(sfNoEnt)
		}
		v.on(sfMissEnt + countBucket(miss))
		if missNum {
			v.on(sfMissNum)
		}
		if maxIDF > 0 {
			v.set(sfMissMaxIDF, missMax/maxIDF)
		}
		if len(q.bigrams) > 0 {
			v.set(sfBigram, bigramShare(q, s.toks, in.m))
		} else {
			v.on(sfNoBigram)
		}
		ctx = append(ctx[:0], in.m.best)
		var prevCov, nextCov float64
		if s.prev != nil {
			pm := matchOf(s.prev)
			ctx = append(ctx, pm.best)
			prevCov = q.coverage(pm.best)
		}
		if s.next != nil {
			nm := matchOf(s.next)
			ctx = append(ctx, nm.best)
			nextCov = q.coverage(nm.best)
		}
		for _, nb := range []*sentence{s.prev, s.next} {
			if nb == nil {
				continue
			}
			for _, far := range []*sentence{nb.prev, nb.next} {
				if far != nil && far != s {
					ctx = append(ctx, matchOf(far).best)
				}
			}
		}
		if len(s.toks) > 0 && anaphors[s.toks[0].Norm] {
			v.on(sfAnaphor)
			v.set(sfAnaphorPrev, prevCov)
		}
		if prevCov > in.cov {
			v.set(sfPrevAhead, prevCov-in.cov)
		}
		if conflictingNumber(q, s.toks, in.m) {
			v.on(sfConflict)
		}
		if k := substitutedKind(q, s.toks, in.m); k >= 0 {
			v.on(sfSubst + k)
		}
		// A name of the question that neither the sentence, its
		// neighbours nor its title has: the sentence is about something
		// else ("Latvia's prime minister" for "Estonia's prime minister"),
		// where a name left to a pronoun ("she") is still nearby.
		tb := titleBest[s.source]
		missNear := 0
		for ti, t := range q.terms {
			if !t.entity {
				continue
			}
			found := tb[ti] >= 0.75
			for _, c := range ctx[:min(len(ctx), 3)] {
				found = found || c[ti] >= 0.75
			}
			if !found {
				missNear++
			}
		}
		v.on(sfMissEntNear + countBucket(missNear))
		covCtx := q.coverage(ctx[:min(len(ctx), 3)]...)
		v.set(sfCovWide, q.coverage(ctx...))
		v.set(sfExact, exactCoverage(q, s.toks))
		v.set(sfSoft, softCoverage(q, s.toks, in.m))
		v.set(sfCaseMiss, caseMismatch(q, s.toks, in.m))
		neg := 0
		for _, mk := range s.marks {
			if mk&markNegation != 0 {
				neg++
			}
		}
		if (neg%2 == 1) != q.negated {
			v.on(sfNegMismatch)
		}
		for ti, t := range q.terms {
			if t.entity && in.m.best[ti] > 0 && in.m.best[ti] < 1 {
				v.on(sfFuzzyEnt)
				break
			}
		}
		v.set(sfCovCtx, covCtx)
		v.set(sfCovGain, covCtx-in.cov)
		v.set(sfPrevCov, prevCov)
		v.set(sfNextCov, nextCov)
		v.set(sfCovTitle, q.coverage(in.m.best, tb))
		v.set(sfTitleOnly, q.coverage(tb))
		for ti, t := range q.terms {
			if t.entity && tb[ti] >= 0.75 {
				v.on(sfTitleEnt)
				break
			}
		}
		v.set(sfCovDoc, q.coverage(docBest[s.source], tb))
		if in.cov == docCov[s.source] && in.cov > 0 {
			v.on(sfDocBest)
		}
		if bestScore > 0 {
			v.set(sfScoreRel, s.score/bestScore)
		}
		v.on(sfRank + rankBucket(s.rank))
		v.set(sfRelCov, in.cov-bestCov)
		if in.cov == bestCov && bestCov > 0 {
			v.on(sfIsBest)
		}
		if bestBM > 0 {
			v.set(sfBM25, in.bm25/bestBM)
		}
		v.set(sfLogLen, math.Log1p(float64(len(s.toks))))
		first, last, n := -1, -1, 0
		for k, ti := range in.m.term {
			if ti >= 0 && in.m.val[k] >= 0.75 {
				if first < 0 {
					first = k
				}
				last = k
				n++
			}
		}
		if n > 1 {
			v.set(sfCompact, float64(n)/float64(last-first+1))
		}
		if len(s.toks) > 0 {
			v.set(sfDensity, float64(n)/float64(len(s.toks)))
		}
		var fw, fgot float64
		for ti, t := range q.terms {
			if t.focus {
				fw += t.idf
				fgot += t.idf * in.m.best[ti]
			}
		}
		if fw > 0 {
			v.set(sfFocus, fgot/fw)
		} else {
			v.on(sfNoFocus)
		}
		fit := typeFit(s, in.m)
		for k, ok := range fit {
			if ok {
				v.on(sfTypeFit + int(q.wh)*len(fitLabels) + k)
			}
		}
		in.feats = v
	}
	return infos
}

// conflictingNumber reports a sentence that states another number where
// the question names one: asked about 2013, a sentence about 2014.
func conflictingNumber(q *question, toks []words.Token, m matching) bool {
	for ti, t := range q.terms {
		if !t.num || m.best[ti] >= 0.75 {
			continue
		}
		year := false
		for _, qt := range q.toks {
			if qt.Stem == t.stem {
				year = isYear(qt)
			}
		}
		for _, tok := range toks {
			if tok.Num && isYear(tok) == year {
				return true
			}
		}
	}
	return false
}

// caseMismatch is the share of the question's weight in names that the
// sentence matches only with lower-case words.
func caseMismatch(q *question, toks []words.Token, m matching) float64 {
	if q.weight == 0 {
		return 0
	}
	var miss float64
	for ti, t := range q.terms {
		if !t.capital || m.best[ti] == 0 {
			continue
		}
		capital := false
		for k, tok := range toks {
			if m.term[k] == ti && tok.Cap {
				capital = true
				break
			}
		}
		if !capital {
			miss += t.idf
		}
	}
	return miss / q.weight
}

// softCoverage is the coverage of the question words the sentence does not
// match, by words that share most of their letters with them: "Poland"
// and "Polish", "music" and "musician", "accessory" and "accessories".
func softCoverage(q *question, toks []words.Token, m matching) float64 {
	if q.weight == 0 {
		return 0
	}
	var got float64
	for ti, t := range q.terms {
		if m.best[ti] >= 0.75 || t.num || len(t.norm) < 4 {
			continue
		}
		best := 0.0
		for _, tok := range toks {
			if tok.Stem == "" || tok.Num || len(tok.Norm) < 4 {
				continue
			}
			best = max(best, trigramDice(t.norm, tok.Norm))
		}
		if best >= 0.5 {
			got += t.idf * best
		}
	}
	return got / q.weight
}

// trigramDice is the Dice coefficient of the letter trigrams of a and b.
func trigramDice(a, b string) float64 {
	if a[0] != b[0] {
		return 0
	}
	na, nb := len(a)-2, len(b)-2
	if na <= 0 || nb <= 0 {
		return 0
	}
	common := 0
	for i := 0; i < na; i++ {
		for j := 0; j < nb; j++ {
			if a[i:i+3] == b[j:j+3] {
				common++
				break
			}
		}
	}
	return 2 * float64(common) / float64(na+nb)
}

// exactCoverage is coverage counting only words written the same way as
// in the question (case and accents aside): questions often copy the
// sentence they were written from.
func exactCoverage(q *question, toks []words.Token) float64 {
	if q.weight == 0 {
		return 0
	}
	var got float64
	for _, t := range q.terms {
		for _, tok := range toks {
			if tok.Norm == t.norm {
				got += t.idf
				break
			}
		}
	}
	return got / q.weight
}

// typeFit reports whether a sentence holds a year, a month, a number and
// a capitalised name that the question does not already mention.
func typeFit(s *sentence, m matching) [4]bool {
	var f [4]bool
	for k, t := range s.toks {
		if m.term[k] >= 0 && m.val[k] >= 0.75 {
			continue
		}
		switch mk := s.marks[k]; {
		case mk&markYear != 0:
			f[0], f[2] = true, true
		case mk&markNumber != 0:
			f[2] = true
		case mk&markMonth != 0:
			f[1] = true
		case t.Cap && k > 0 && t.Stem != "":
			f[3] = true
		}
	}
	return f
}

// bm25 scores a sentence against the question's terms.
func bm25(q *question, toks []words.Token, m matching) float64 {
	const k1, b = 1.2, 0.75
	tf := make([]float64, len(q.terms))
	for k, ti := range m.term {
		if ti >= 0 {
			tf[ti] += m.val[k]
		}
	}
	norm := k1 * (1 - b + b*float64(len(toks))/avgSentenceTokens)
	var s float64
	for ti, t := range q.terms {
		if tf[ti] > 0 {
			s += t.idf * tf[ti] * (k1 + 1) / (tf[ti] + norm)
		}
	}
	return s
}

// bigramShare is the share of the question's word pairs that the sentence
// has in the same order, at most three words apart.
func bigramShare(q *question, toks []words.Token, m matching) float64 {
	got := 0
	for _, bg := range q.bigrams {
		found := false
		for k, ti := range m.term {
			if ti != bg[0] {
				continue
			}
			for d := 1; d <= 3 && k+d < len(toks); d++ {
				if m.term[k+d] == bg[1] {
					found = true
					break
				}
			}
			if found {
				break
			}
		}
		if found {
			got++
		}
	}
	return float64(got) / float64(len(q.bigrams))
}

// spanShapes reports the shapes of tokens [i, j) of a sentence.
func spanShapes(s *sentence, sp span) [numShapes]bool {
	var sh [numShapes]bool
	text, toks := s.text, s.toks
	content, caps := 0, 0
	for k := sp.i; k < sp.j; k++ {
		t, mk := toks[k], s.marks[k]
		switch {
		case mk&markYear != 0:
			sh[shYear], sh[shNum] = true, true
		case mk&markNumber != 0:
			sh[shNum] = true
			if k+1 < sp.j && toks[k+1].Stem != "" && s.marks[k+1]&markNumber == 0 {
				sh[shUnit] = true
			}
		case mk&markOrdinal != 0:
			sh[shOrdinal] = true
		}
		if mk&markMonth != 0 {
			sh[shMonth] = true
		}
		if mk&markPercentWord != 0 {
			sh[shPercent] = true
		}
		if t.Stem == "" {
			sh[shHasStop] = true
			continue
		}
		if !t.Num {
			content++
			if t.Cap && mk&markOpenerCap == 0 {
				caps++
			}
		}
	}
	first := toks[sp.i]
	sh[shNumStart] = s.marks[sp.i]&markNumber != 0 || (approximators[first.Norm] && sh[shNum])
	str := text[sp.start:sp.end]
	sh[shCurrency] = s.money && strings.ContainsAny(str, "$€£¥₹")
	sh[shPercent] = sh[shPercent] || s.percent && strings.ContainsAny(str, "%‰")
	sh[shCapAll] = content > 0 && caps == content
	sh[shCapSome] = caps > 0 && caps < content
	sh[shLower] = content > 0 && caps == 0
	sh[shOne] = sp.j-sp.i == 1
	sh[shList] = sp.kind == kindList || (sp.j-sp.i > 2 && strings.IndexByte(str, ',') >= 0)
	for k := sp.i + 1; k < sp.j-1 && !sh[shList]; k++ {
		// "Latvia and Ukraine", whichever rule proposed it.
		n := toks[k].Norm
		sh[shList] = n == "and" || n == "or" || n == "&"
	}
	before := strings.TrimRight(text[:sp.start], " ")
	after := strings.TrimLeft(text[sp.end:], " ")
	sh[shQuoted] = endsWithAny(before, "\"“‘'`") && startsWithAny(after, "\"”’'`")
	sh[shParen] = endsWithAny(before, "([") && startsWithAny(after, ")]")
	return sh
}

func endsWithAny(s, chars string) bool {
	r, _ := utf8.DecodeLastRuneInString(s)
	return s != "" && strings.ContainsRune(chars, r)
}

func startsWithAny(s, chars string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return s != "" && strings.ContainsRune(chars, r)
}

// contextClass classifies the word or punctuation just before (dir -1) or
// after (dir +1) a span.
func contextClass(text string, toks []words.Token, sp span, dir int) int {
	base := len(contextWords)
	var gap string
	var k int
	if dir < 0 {
		k = sp.i - 1
		lo := 0
		if k >= 0 {
			lo = toks[k].End
		}
		gap = strings.TrimSpace(text[lo:sp.start])
	} else {
		k = sp.j
		hi := len(text)
		if k < len(toks) {
			hi = toks[k].Start
		}
		gap = strings.TrimSpace(text[sp.end:hi])
	}
	if gap != "" {
		switch {
		case gap == ",":
			return base + ctxComma
		case strings.ContainsAny(gap, "([\"“‘") && dir < 0, strings.ContainsAny(gap, "([") && dir > 0:
			return base + ctxOpen
		case strings.ContainsAny(gap, ")]\"”’"):
			return base + ctxClose
		}
		return base + ctxBreak
	}
	if k < 0 {
		return base + ctxStart
	}
	if k >= len(toks) {
		return base + ctxEnd
	}
	t := toks[k]
	if id, ok := contextIndex[t.Norm]; ok {
		return id
	}
	switch {
	case t.Num:
		return base + ctxNum
	case t.Stem == "":
		return base + ctxStop
	case t.Cap:
		return base + ctxCap
	}
	return base + ctxLower
}

// headLex hashes a head noun and a label into the head-lex block.
func headLex(head, label string) int {
	// FNV-1a (hash/fnv's New32a) over head, "|" and label, written out so
	// that it allocates nothing: it runs for every candidate phrase.
	const offset32, prime32 = 2166136261, 16777619
	h := uint32(offset32)
	for i := 0; i < len(head); i++ {
		h = (h ^ uint32(head[i])) * prime32
	}
	h = (h ^ '|') * prime32
	for i := 0; i < len(label); i++ {
		h = (h ^ uint32(label[i])) * prime32
	}
	return int(h % headLexSize)
}

// spanFeatures describes candidate sp of sentence info in.
func spanFeatures(q *question, st *Stats, in *sentenceInfo, sp span) Vector {
	return appendSpanFeatures(make(Vector, 0, 32), q, st, in, sp)
}

// appendSpanFeatures is spanFeatures appending to v, so that scoring
// every candidate of a sentence reuses one vector: the candidates' vectors
// were a fifth of what reading a question allocated.
func appendSpanFeatures(v Vector, q *question, st *Stats, in *sentenceInfo, sp span) Vector {
	s := in.s
	toks := s.toks
	m := in.m
	w := int(q.wh)
	v.on(afBias)
	sh := spanShapes(s, sp)
	for k, ok := range sh {
		if ok {
			v.on(afShape + w*numShapes + k)
		}
	}
	v.on(afKind + w*int(numKinds) + int(sp.kind))
	if q.head != "" {
		for k, ok := range sh {
			if ok {
				v.on(afHeadLex + headLex(q.head, shapeNames[k]))
			}
		}
		v.on(afHeadLex + headLex(q.head, kindNames[sp.kind]))
	}
	v.on(afLen + w*len(lenLabels) + lenBucket(sp.j-sp.i))
	nctx := len(contextWords) + len(contextExtra)
	v.on(afPrev + w*nctx + contextClass(s.text, toks, sp, -1))
	v.on(afNext + w*nctx + contextClass(s.text, toks, sp, +1))

	// Where the question's words fall around the span.
	nearest, nearestEnt, nearestFocus := -1, -1, -1
	nearK, nearEntK := -1, -1
	var closeness, left, right float64
	for k, ti := range m.term {
		if ti < 0 || m.val[k] < 0.75 || (k >= sp.i && k < sp.j) {
			continue
		}
		d := sp.i - k
		if k >= sp.j {
			d = k - sp.j + 1
		}
		t := q.terms[ti]
		closeness += t.idf * m.val[k] / float64(1+d)
		if d <= 6 {
			if k < sp.i {
				left += t.idf * m.val[k]
			} else {
				right += t.idf * m.val[k]
			}
		}
		if nearest < 0 || d < nearest {
			nearest, nearK = d, k
		}
		if t.entity && (nearestEnt < 0 || d < nearestEnt) {
			nearestEnt, nearEntK = d, k
		}
		if t.focus && (nearestFocus < 0 || d < nearestFocus) {
			nearestFocus = d
		}
	}
	v.on(afDistFocus + distBucket(nearestFocus))
	v.on(afDist + distBucket(nearest))
	v.on(afDistEnt + distBucket(nearestEnt))
	if q.weight > 0 {
		v.set(afClose, closeness/q.weight)
		v.set(afLeft, left/q.weight)
		v.set(afRight, right/q.weight)
	}
	anchor := nearEntK
	if anchor < 0 {
		anchor = nearK
	}
	if anchor >= 0 {
		commas, brk := between(s.text, toks, sp, anchor)
		v.on(afCommas + countBucket(commas))
		if brk {
			v.on(afBreak)
		}
		v.on(afCompete + countBucket(competitors(toks, m, sp, sh, anchor)))
	}

	// How much of the question the span's own clause states: in "… in
	// 2003, Estonia in 2004, …" the clause of "2004" holds "Estonia", the
	// clause of "2003" does not.
	lo, hi := sp.i, sp.j
	for lo > 0 && gapOf(s.text, toks, lo) == gapTight {
		lo--
	}
	for hi < len(toks) && gapOf(s.text, toks, hi) == gapTight {
		hi++
	}
	var segGot, segEnt, entW float64
	seen := map[int]bool{}
	rival := false
	for k := lo; k < hi; k++ {
		if t := toks[k]; (k < sp.i || k >= sp.j) && t.Cap && k > 0 && t.Stem != "" && !t.Num &&
			(m.term[k] < 0 || m.val[k] < 0.75) && st.Proper(t.Norm) {
			rival = true
		}
		ti := m.term[k]
		if ti < 0 || m.val[k] < 0.75 || (k >= sp.i && k < sp.j) || seen[ti] {
			continue
		}
		seen[ti] = true
		segGot += q.terms[ti].idf * m.val[k]
		if ownName(q.terms[ti], toks[k]) {
			segEnt += q.terms[ti].idf * m.val[k]
		}
	}
	for _, t := range q.terms {
		if t.entity {
			entW += t.idf
		}
	}
	if q.weight > 0 {
		v.set(afSegCov, segGot/q.weight)
	}
	if entW > 0 {
		v.set(afSegCovEnt, segEnt/entW)
		switch {
		case segEnt > 0:
			v.on(afSegOwn)
		case rival:
			v.on(afSegRival)
		}
	} else {
		v.on(afSegNoEnt)
	}

	// In a list of like values ("in 2003, … in 2004, … in 2012") the
	// words the values share say nothing about which is meant; the names
	// next to each value do.
	parallel := parallelValues(toks, sp, sh) >= 2
	for side := 0; side < 2; side++ {
		b := side*3 + nearestName(s.text, toks, m, q, sp, side == 1)
		v.on(afBind + w*len(bindLabels) + b)
		if parallel {
			v.on(afListBind + b)
		}
	}

	// The span itself against the question.
	content, inQ := 0, 0
	hasHead := false
	var rarity float64
	for k := sp.i; k < sp.j; k++ {
		t := toks[k]
		if t.Stem == "" {
			continue
		}
		content++
		if q.head != "" && t.Stem == q.head {
			hasHead = true
			continue
		}
		if m.term[k] >= 0 && m.val[k] >= 0.75 {
			inQ++
		}
		rarity += in.idf(st, k)
	}
	if content > 0 {
		v.set(afOverlap, float64(inQ)/float64(content))
		if inQ == content {
			v.on(afAllOverlap)
		}
		maxIDF := math.Log(1 + (float64(st.n)+0.5)/0.5)
		v.set(afRarity, rarity/float64(content)/maxIDF)
	}
	if hasHead {
		v.on(afHead + w)
	}
	if q.head != "" {
		for k := max(0, sp.i-3); k < sp.i; k++ {
			if toks[k].Stem == q.head {
				v.on(afHeadBefore)
				break
			}
		}
		for k := sp.j; k < min(len(toks), sp.j+3); k++ {
			if toks[k].Stem == q.head {
				v.on(afHeadAfter)
				break
			}
		}
	}
	if len(q.named) > 0 && (sh[shCapAll] || sh[shCapSome]) {
		caps, named := 0, 0
		for k := sp.i; k < sp.j; k++ {
			if t := toks[k]; t.Cap && t.Stem != "" && !t.Num && s.marks[k]&markOpenerCap == 0 {
				caps++
				if q.named[t.Stem] {
					named++
				}
			}
		}
		switch {
		case caps > 0 && named == caps:
			v.on(afNamed)
		case named > 0:
			v.on(afNamed + 1)
		}
	}
	if sp.i == 0 {
		v.on(afAtStart + w)
	}
	if sp.j == len(toks) {
		v.on(afAtEnd)
	}
	if q.plural {
		if sh[shList] {
			v.on(afPlural)
		} else {
			v.on(afPlural + 1)
		}
	}
	return v
}

// namedAsHead collects the stems of the capitalised words within three
// words of the question's head noun in sents, within one clause, leaving
// out the question's own words: for "which band …", the names the
// passages call a band.
func namedAsHead(q *question, sents []*sentence) map[string]bool {
	if q.head == "" {
		return nil
	}
	own := map[string]bool{}
	for _, t := range q.terms {
		own[t.stem] = true
	}
	var out map[string]bool
	for _, s := range sents {
		for k, t := range s.toks {
			if t.Stem != q.head {
				continue
			}
			for _, step := range []int{-1, 1} {
				for x, n := k+step, 0; x >= 0 && x < len(s.toks) && n < 3; x, n = x+step, n+1 {
					edge := max(x, x-step)
					if gapOf(s.text, s.toks, edge) == gapBreak {
						break
					}
					u := s.toks[x]
					if u.Cap && u.Stem != "" && !u.Num && !own[u.Stem] && s.marks[x]&markOpenerCap == 0 && x > 0 {
						if out == nil {
							out = map[string]bool{}
						}
						out[u.Stem] = true
					}
				}
			}
		}
	}
	return out
}

// ownName reports whether token t, which matches question term qt, is the
// question's name or number: a name the question capitalises is met only
// by a capitalised word ("the Ottawa Convention" is not "the convention").
func ownName(qt qterm, t words.Token) bool {
	return qt.entity && (!qt.capital || t.Cap)
}

// parallelValues counts the values of the sentence outside span sp of the
// span's own kind: years for a year, numbers for a number, names for a
// name.
func parallelValues(toks []words.Token, sp span, sh [numShapes]bool) int {
	n := 0
	for k, t := range toks {
		if k >= sp.i && k < sp.j {
			continue
		}
		switch {
		case sh[shYear] && isYear(t), sh[shNum] && !sh[shYear] && t.Num,
			sh[shCapAll] && !sh[shNum] && t.Cap && k > 0 && t.Stem != "" && !t.Num:
			n++
		}
	}
	return n
}

// nearestName classifies the name or number nearest span sp on one side,
// within its sentence part (up to a semicolon, colon or bracket): 0 when it
// is one of the question's, 1 when it is another, 2 when there is none.
func nearestName(text string, toks []words.Token, m matching, q *question, sp span, right bool) int {
	k, step := sp.i-1, -1
	if right {
		k, step = sp.j, 1
	}
	for ; k >= 0 && k < len(toks); k += step {
		edge := k + 1
		if right {
			edge = k
		}
		if gapOf(text, toks, edge) == gapBreak && strings.ContainsAny(text[toks[edge-1].End:toks[edge].Start], ";:()[]") {
			break
		}
		t := toks[k]
		if isOwn(toks, m, q, k) {
			return 0
		}
		if t.Num {
			return 1
		}
		if t.Cap && k > 0 && t.Stem != "" {
			if coordinatedOwn(text, toks, m, q, k, step) {
				return 0
			}
			return 1
		}
	}
	return 2
}

// isOwn reports whether token k is one of the question's names or numbers.
func isOwn(toks []words.Token, m matching, q *question, k int) bool {
	ti := m.term[k]
	return ti >= 0 && m.val[k] >= 0.75 && ownName(q.terms[ti], toks[k])
}

// coordinatedOwn reports whether the name at token k is coordinated with
// one of the question's names further in direction step: in "Latvia and
// Ukraine in 2005" the year belongs to Latvia as much as to Ukraine.
func coordinatedOwn(text string, toks []words.Token, m matching, q *question, k, step int) bool {
	for hops := 0; hops < 4; hops++ {
		// Past the rest of this name ("Czech Republic").
		for k+step >= 0 && k+step < len(toks) && toks[k+step].Cap && toks[k+step].Stem != "" &&
			gapOf(text, toks, max(k, k+step)) == gapTight {
			k += step
			if isOwn(toks, m, q, k) {
				return true
			}
		}
		// Then a joining "and", "or" or comma, and the next name.
		next := k + step
		if next < 0 || next >= len(toks) {
			return false
		}
		lo, hi := min(k, next), max(k, next)
		gap := text[toks[lo].End:toks[hi].Start]
		joined := strings.TrimSpace(gap) == ","
		if w := toks[next].Norm; w == "and" || w == "or" {
			joined = strings.TrimSpace(gap) == "" || strings.TrimSpace(gap) == ","
			next += step
		}
		if !joined || next < 0 || next >= len(toks) {
			return false
		}
		if t := toks[next]; !t.Cap || t.Stem == "" || t.Num || next == 0 {
			return false
		}
		if isOwn(toks, m, q, next) {
			return true
		}
		k = next
	}
	return false
}

// between counts the commas, and reports any stronger break, between span
// sp and token k.
func between(text string, toks []words.Token, sp span, k int) (int, bool) {
	var lo, hi int
	if k < sp.i {
		lo, hi = toks[k].End, sp.start
	} else {
		lo, hi = sp.end, toks[k].Start
	}
	if lo >= hi {
		return 0, false
	}
	g := text[lo:hi]
	return strings.Count(g, ","), strings.ContainsAny(g, ";:()—")
}

// competitors counts the tokens between span sp and token k that are of
// the span's kind (years for a year, numbers for a number, names for a
// name) and not the question's: "Estonia in 2004" stands between "Poland"
// and "2003" in "… in 2003, Estonia in 2004, … and Poland in 2012".
func competitors(toks []words.Token, m matching, sp span, sh [numShapes]bool, k int) int {
	lo, hi := k+1, sp.i
	if k >= sp.j {
		lo, hi = sp.j, k
	}
	n := 0
	for x := lo; x < hi; x++ {
		t := toks[x]
		if m.term[x] >= 0 && m.val[x] >= 0.75 {
			continue
		}
		switch {
		case sh[shYear] && isYear(t), sh[shNum] && !sh[shYear] && t.Num,
			sh[shCapAll] && !sh[shNum] && t.Cap && t.Stem != "" && !t.Num:
			n++
		}
	}
	return n
}
