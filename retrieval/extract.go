package retrieval

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// qterm is one content word of a question.
type qterm struct {
	// variants maps the corpus stems that match this term to how well;
	// nil means match by comparing stems.
	variants map[string]float64
	light    bool // an everyday word, weighed at lightWeight
	group    int  // names of several words ("Kestrel Street Bridge") share a group
	stem     string
	alt      string  // closest corpus term when stem is unknown (a typo), or ""
	idf      float64 // BM25 idf over chunks
	entity   bool    // a name or number in the question: binds answers hardest
}

// questionInfo is what the extractor knows about a question.
type questionInfo struct {
	typ       answerType
	measures  []measure   // for quantity questions: the units that fit
	heads     map[int]int // name group → index of its last word, for names of several words
	future    bool        // asked in the future tense ("when will …")
	wantsOrg  bool        // "which company/organisation": prefer names of bodies
	terms     []qterm
	weight    float64 // sum of term idfs
	negations int
	norms     map[string]bool // folded question words, to keep them out of answers
}

// sentence is one candidate passage sentence.
type sentence struct {
	text       string // verbatim
	toks       []token
	source     string
	title      string
	docStart   int // offset in the source document
	chunkRank  int
	chunkScore float64
	pos        int // index within its chunk
	chunkID    string
	titleToks  []token   // the document title's words
	next       *sentence // the sentence that directly follows in the source, if retrieved
	chunkLen   int       // length of the chunk text it was cut from, to validate the cache
}

// match is how well a sentence token matches a question term: 1 for the
// same stem, less for a prefix ("lithuania"/"lithuanian"), a spelling
// variant ("defence"/"defense") or a part of a hyphenated word.
func match(q qterm, t token) float64 {
	if t.stem == "" {
		return 0
	}
	if t.stem == q.stem {
		return 1
	}
	var best float64
	switch {
	case q.variants != nil:
		best = q.variants[t.stem]
	case q.alt != "" && t.stem == q.alt:
		best = 0.85
	default:
		best = stemSimilarity(q.stem, t.stem)
	}
	if strings.ContainsRune(t.norm, '-') {
		for _, part := range strings.Split(t.norm, "-") {
			if part != "" && !isStopWord(part) && stem(part) == q.stem {
				best = math.Max(best, 0.9)
			}
		}
	}
	return best
}

func stemSimilarity(a, b string) float64 {
	if len(a) < 5 || len(b) < 5 || a[0] != b[0] {
		return 0
	}
	short, long := a, b
	if len(short) > len(long) {
		short, long = long, short
	}
	if strings.HasPrefix(long, short) && len(long)-len(short) <= 3 {
		return 0.8
	}
	if len(long)-len(short) <= 1 && editDistanceAtMost1(a, b) {
		return 0.75
	}
	return 0
}

// editDistanceAtMost1 reports whether a and b differ by at most one
// insertion, deletion or substitution.
func editDistanceAtMost1(a, b string) bool {
	if len(a) > len(b) {
		a, b = b, a
	}
	if len(b)-len(a) > 1 {
		return false
	}
	i, j, diff := 0, 0, 0
	for i < len(a) && j < len(b) {
		if a[i] == b[j] {
			i++
			j++
			continue
		}
		diff++
		if diff > 1 {
			return false
		}
		if len(a) == len(b) {
			i++
		}
		j++
	}
	return diff+(len(b)-j)-(len(a)-i) <= 1
}

// pairPenalty is what a two-sentence window gives up against a single
// sentence with the same coverage: enough to prefer the shorter quote, too
// little to outweigh a better-typed answer.
const pairPenalty = 0.03

// window is one or two adjacent sentences scored together, because an answer
// is often split across them ("Finland began to reconsider… Minister Antti
// Hakkanen announced…").
type window struct {
	sents    []*sentence
	coverage float64
	matchPos [][]int // per sentence, token positions matched per term (-1 none)
	matchVal [][]float64
	score    float64
	answer   string // direct answer, verbatim from the passage
	// inDoc marks the question terms matched anywhere in the retrieved
	// text of the window's document.
	inDoc []bool
}

func (w *window) text() string {
	parts := make([]string, len(w.sents))
	for i, s := range w.sents {
		parts[i] = s.text
	}
	return strings.Join(parts, " ")
}

// matchSentence records, for each question term, the best-matching token.
func matchSentence(q *questionInfo, s *sentence) ([]int, []float64) {
	pos := make([]int, len(q.terms))
	val := make([]float64, len(q.terms))
	for ti, term := range q.terms {
		pos[ti] = -1
		for k, t := range s.toks {
			if m := match(term, t); m > val[ti] {
				val[ti], pos[ti] = m, k
				if m == 1 {
					break
				}
			}
		}
	}
	return pos, val
}

// coverageOf is the share of the question's term weight that the window
// matches: the evidence measure that decides whether to answer at all.
func coverageOf(q *questionInfo, vals ...[]float64) float64 {
	if q.weight == 0 {
		return 0
	}
	var got float64
	for ti, term := range q.terms {
		best := 0.0
		for _, v := range vals {
			best = math.Max(best, v[ti])
		}
		got += term.idf * best
	}
	return got / q.weight
}

// bindCandidate picks the candidate in the window that the question's words
// point at: near the matched terms, in the same clause, and above all next
// to the question's names and numbers. It returns the candidate's text,
// verbatim from the passage; its binding strength normalised by the
// question's weight, so that candidates from different windows compare; and
// whether it fits the asked-for type closely: a quantity in the asked-for
// unit, or an organisation's name for "which company".
func bindCandidate(q *questionInfo, w *window, cs *capStats) (string, float64, bool) {
	bestScore := 0.0
	best := ""
	bestFit := false
	var norm float64
	for _, term := range q.terms {
		if term.entity {
			norm += 3 * term.idf
		} else {
			norm += term.idf
		}
	}
	if norm == 0 {
		return "", 0, false
	}
	for si, s := range w.sents {
		cands := candidatesFor(q.typ, s.text, s.toks, cs)
		if len(cands) == 0 {
			continue
		}
		if !entitiesNear(q, w, si) {
			continue
		}
		clauses := clauseIndex(s.text, s.toks)
		for _, c := range cands {
			if inQuestion(q, s.toks[c.i:c.j]) || c.weak && sharesTerm(q, s.toks[c.i:c.j]) {
				continue
			}
			sc := 0.01 // a lone candidate still wins over none
			for ti, term := range q.terms {
				for sj := range w.sents {
					p := w.matchPos[sj][ti]
					if p < 0 {
						continue
					}
					wt := term.idf * w.matchVal[sj][ti]
					if term.entity {
						wt *= 3
					}
					if sj != si {
						// Specifics usually follow the sentence that
						// raises the topic: "Human rights groups objected.
						// Amnesty International said…".
						if sj < si {
							sc += wt * 0.15
						} else {
							sc += wt * 0.05
						}
						continue
					}
					d := 0
					switch {
					case p < c.i:
						d = c.i - p
					case p >= c.j:
						d = p - c.j + 1
					}
					prox := 1 / float64(1+d)
					if clauses[p] != clauses[min(c.i, len(clauses)-1)] {
						prox *= 0.25
					}
					sc += wt * prox
				}
			}
			if c.weak {
				sc *= 0.3
			}
			fit := false
			if c.typ == typeNumber {
				f := measureFit(q.measures, measureOf(s.text, s.toks, c))
				sc *= f
				if sc == 0 {
					continue
				}
				fit = f > 1
			}
			if c.typ == typeEntity && q.wantsOrg {
				f := orgFit(s.toks[c.i:c.j])
				sc *= f
				fit = f > 1
			}
			if c.typ == typePerson {
				sc *= titleAgreement(q, s.toks[c.pre:c.i])
				if sc == 0 {
					continue
				}
			}
			if sc > bestScore {
				bestScore, bestFit = sc, fit
				best = candidateText(s.text, s.toks, c)
			}
		}
	}
	return best, bestScore / norm, bestFit
}

// titleAgreement weighs the title in front of a name against the question.
// Asked for "Lithuania's minister", a name titled "Lithuanian Minister" is
// strongly supported, and one titled "Polish Defence Minister" is not, even
// though it sits next to the same words.
func titleAgreement(q *questionInfo, title []token) float64 {
	f := 1.0
	hasEntity := false
	for _, term := range q.terms {
		hasEntity = hasEntity || term.entity
	}
	for _, t := range title {
		if !t.cap || roleWords[t.norm] || nameConnectors[t.norm] {
			continue
		}
		agrees := false
		for _, term := range q.terms {
			if term.entity && (match(term, t) > 0 || demonym(term.stem, t.norm)) {
				agrees = true
				break
			}
		}
		if agrees {
			return 2 * roleAgreement(q, title)
		}
		if hasEntity {
			// The question names whose minister it means, and the title
			// names someone else's.
			return 0
		}
		f = 0.4
	}
	return f * roleAgreement(q, title)
}

// headRoles are the offices a title names, as opposed to its modifiers
// ("Defence", "Prime", "Deputy").
var headRoles = map[string]bool{
	"minist": true, "presid": true, "chief": true, "secretari": true, "director": true, "chairman": true,
	"chairwoman": true, "chair": true, "spokesman": true, "spokeswoman": true, "spokesperson": true,
	"ambassador": true, "command": true, "governor": true, "mayor": true, "senat": true, "ceo": true,
	"king": true, "queen": true, "princ": true, "pope": true, "judg": true, "chancellor": true,
	"premier": true, "leader": true, "head": true, "envoi": true, "emperor": true, "offic": true,
	"gener": true, "admir": true, "colonel": true, "captain": true,
}

// roleAgreement compares the office the question asks about with the one
// in a name's title: asked for a minister, a "Chief of Defence" is the
// wrong person even in the right country.
func roleAgreement(q *questionInfo, title []token) float64 {
	var want, have []string
	for _, term := range q.terms {
		if headRoles[term.stem] {
			want = append(want, term.stem)
		}
	}
	for _, t := range title {
		if headRoles[stem(t.norm)] {
			have = append(have, stem(t.norm))
		}
	}
	if len(want) == 0 || len(have) == 0 {
		return 1
	}
	for _, w := range want {
		for _, h := range have {
			if w == h {
				return 1
			}
		}
	}
	return 0.2
}

// orgFit favours names that end like an organisation's ("… Construction",
// "… International") when the question asks for one.
func orgFit(toks []token) float64 {
	if len(toks) == 0 {
		return 0
	}
	last := toks[len(toks)-1].norm
	switch {
	case orgWords[last]:
		return 2
	case institutionWords[last]:
		return 0.2 // a bridge or a street is not a company
	}
	return 0.5
}

// demonym reports whether an adjective of nationality and a place name
// share their stem: "polish"/"poland", "finnish"/"finland". Half the
// shorter word, and at least three letters, must be a common prefix.
func demonym(a, b string) bool {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n >= 3 && 2*n >= min(len(a), len(b))
}

// entityMatched is how well a window sentence must match a question's name
// or number for it to count as present.
const entityMatched = 0.75

// entitiesNear reports whether every name and number of the question
// appears in sentence si of the window or in the sentence before it, which
// often sets the topic that si continues.
func entitiesNear(q *questionInfo, w *window, si int) bool {
	near := func(ti int) bool {
		return w.matchVal[si][ti] >= entityMatched || si > 0 && w.matchVal[si-1][ti] >= entityMatched
	}
	predicate, predicateMatched := false, false
	outside := map[int]bool{}
	for ti, term := range q.terms {
		if headRoles[term.stem] && w.matchVal[si][ti] < entityMatched {
			// Asked for a mayor, the answer's own sentence must say mayor.
			return false
		}
		if !term.entity {
			if !term.light && !headRoles[term.stem] {
				predicate = true
				predicateMatched = predicateMatched || near(ti)
			}
			continue
		}
		switch {
		case w.matchVal[si][ti] >= entityMatched:
		case near(ti) || inTitle(term, w.sents[si]) || introduced(q, w, ti):
			// Context may supply one of the question's names, not all:
			// a sentence that names none of them is about something else.
			outside[term.group] = true
		default:
			return false
		}
	}
	if len(outside) > 1 {
		return false
	}
	if q.future && !speaksOfFuture(w.sents[si]) && (si == 0 || !speaksOfFuture(w.sents[si-1])) {
		// "When will the bridge close again?" is not answered by when it
		// closed.
		return false
	}
	// The answer's sentence must also say something of what the question
	// asks about it ("ratified", "designed"), not only name its subject:
	// "When will the bridge close?" is not answered by when it reopened.
	return !predicate || predicateMatched
}

// futureWords mark a statement about what is yet to happen.
var futureWords = map[string]bool{
	"will": true, "shall": true, "would": true, "next": true, "upcoming": true, "plan": true,
	"plans": true, "planned": true, "expected": true, "expects": true, "scheduled": true,
	"due": true, "soon": true, "future": true, "forthcoming": true, "intends": true, "intend": true,
	"until": true, "going": true,
}

// speaksOfFuture reports whether a sentence talks about the future.
func speaksOfFuture(s *sentence) bool {
	for _, t := range s.toks {
		if futureWords[t.norm] {
			return true
		}
	}
	return false
}

// askedInFuture reports whether a question asks about the future: "when
// will …", "is it going to …".
func askedInFuture(words []string) bool {
	for i, w := range words {
		if w == "will" || w == "shall" || w == "going" && i+1 < len(words) && words[i+1] == "to" {
			return true
		}
	}
	return false
}

// introduced reports whether term ti, part of a name of several words,
// is present by reference: the document names "the Kestrel Street Bridge"
// in full elsewhere, and the window says "the bridge". The name's last
// word must be in the window and its other words in the document.
func introduced(q *questionInfo, w *window, ti int) bool {
	h, ok := q.heads[q.terms[ti].group]
	if !ok || w.inDoc == nil || !w.inDoc[ti] {
		return false
	}
	for si := range w.sents {
		if w.matchVal[si][h] >= entityMatched {
			return true
		}
	}
	return false
}

// maxTitleWords is the longest title that counts as context.
const maxTitleWords = 12

// inTitle reports whether a question name appears in the title of the
// sentence's document: an article about Harbor City need not repeat the
// city's name in every sentence.
func inTitle(term qterm, s *sentence) bool {
	// A long title is the article's first sentence standing in for a
	// headline, not a statement of what the article is about.
	if len(s.titleToks) > maxTitleWords {
		return false
	}
	for _, t := range s.titleToks {
		if match(term, t) >= entityMatched {
			return true
		}
	}
	return false
}

// entitiesIn reports whether every name and number of the question appears
// somewhere in the window: a passage that never mentions what the question
// is about cannot answer it, however many other words it shares.
func entitiesIn(q *questionInfo, w *window) bool {
	for ti, term := range q.terms {
		if !term.entity {
			continue
		}
		found := inTitle(term, w.sents[0]) || introduced(q, w, ti)
		for si := range w.sents {
			if w.matchVal[si][ti] >= entityMatched {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// candidateText returns a candidate's words with the symbols that belong to
// them: "5%", "$1.5 billion".
func candidateText(text string, toks []token, c candidate) string {
	start, end := toks[c.i].start, toks[c.j-1].end
	for start > 0 && strings.ContainsRune("$€£¥", rune(text[start-1])) {
		start--
	}
	if strings.HasPrefix(text[end:], "%") {
		end++
	} else if strings.HasPrefix(text[end:], "‰") {
		end += len("‰")
	}
	if start > 0 {
		if r, size := utf8.DecodeLastRuneInString(text[:start]); strings.ContainsRune("€£¥", r) {
			start -= size
		}
	}
	return trimCandidate(text[start:end])
}

func trimCandidate(s string) string {
	return strings.Trim(s, " ,;:")
}

// inQuestion reports whether every word of a candidate was already in the
// question: asked "when did Tusk announce…", "Tusk" is not the answer.
func inQuestion(q *questionInfo, toks []token) bool {
	for _, t := range toks {
		if nameConnectors[t.norm] || t.norm == "and" {
			continue
		}
		if !q.norms[t.norm] {
			return false
		}
	}
	return true
}

// sharesTerm reports whether any of toks is one of the question's content
// words: an agent such as "its defense minister" only restates the question.
func sharesTerm(q *questionInfo, toks []token) bool {
	for _, t := range toks {
		for _, term := range q.terms {
			if match(term, t) > 0 {
				return true
			}
		}
	}
	return false
}

// negationCount counts negating words; a yes/no answer flips when the
// question and the passage disagree on it.
func negationCount(toks []token) int {
	n := 0
	for _, t := range toks {
		if isNegation(t.norm) {
			n++
		}
	}
	return n
}

func isNegation(w string) bool {
	switch w {
	case "not", "no", "never", "none", "neither", "nor", "isn't", "aren't", "wasn't", "weren't",
		"doesn't", "didn't", "don't", "hasn't", "haven't", "hadn't", "won't", "cannot", "can't", "without":
		return true
	}
	return false
}

// truncateRunes shortens s to at most n characters at a word boundary,
// marking the cut with an ellipsis.
func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	if n <= 1 {
		return "…"
	}
	cut := 0
	count := 0
	for i := range s {
		if count == n-1 {
			cut = i
			break
		}
		count++
	}
	t := s[:cut]
	if k := strings.LastIndexAny(t, " \n"); k > len(t)/2 {
		t = t[:k]
	}
	return strings.TrimRight(t, " ,;:") + "…"
}

// rankWindows scores every one- and two-sentence window.
func rankWindows(q *questionInfo, sents []*sentence) []*window {
	type mv struct {
		pos []int
		val []float64
	}
	ms := make([]mv, len(sents))
	for i, s := range sents {
		p, v := matchSentence(q, s)
		ms[i] = mv{p, v}
	}
	index := make(map[*sentence]int, len(sents))
	inDoc := map[string][]bool{}
	for i, s := range sents {
		index[s] = i
		d := inDoc[s.source]
		if d == nil {
			d = make([]bool, len(q.terms))
			inDoc[s.source] = d
		}
		for ti, v := range ms[i].val {
			d[ti] = d[ti] || v >= entityMatched
		}
	}
	var out []*window
	for i, s := range sents {
		w := &window{sents: []*sentence{s}, matchPos: [][]int{ms[i].pos}, matchVal: [][]float64{ms[i].val}}
		w.coverage = coverageOf(q, ms[i].val)
		w.score = w.coverage
		out = append(out, w)
		// Pair with the sentence that follows directly in the source, so
		// that the pair's quote is verbatim text.
		// A heading may lead the paragraph under it; nothing may follow
		// a paragraph across a heading.
		if s.next == nil || !endsSentence(s.next.text) {
			continue
		}
		k := index[s.next]
		pw := &window{
			sents:    []*sentence{s, s.next},
			matchPos: [][]int{ms[i].pos, ms[k].pos},
			matchVal: [][]float64{ms[i].val, ms[k].val},
		}
		// The second sentence counts for half of what it adds: two
		// unrelated sentences that each hold half of the question do not
		// answer it.
		single := max(w.coverage, coverageOf(q, ms[k].val))
		pw.coverage = single + 0.5*(coverageOf(q, ms[i].val, ms[k].val)-single)
		// A pair must earn its second sentence: its score is discounted
		// so that a single sentence that says it all wins.
		pw.score = pw.coverage - pairPenalty
		out = append(out, pw)
	}
	for _, w := range out {
		w.inDoc = inDoc[w.sents[0].source]
		// Words of a name the window refers to by its last word ("the
		// bridge") count as matched.
		if q.heads != nil {
			var extra float64
			for ti, term := range q.terms {
				best := 0.0
				for si := range w.sents {
					best = max(best, w.matchVal[si][ti])
				}
				if best < entityMatched && introduced(q, w, ti) {
					extra += term.idf * (entityMatched - best)
				}
			}
			if q.weight > 0 {
				w.coverage += extra / q.weight
				w.score += extra / q.weight
			}
		}
		w.score += 0.03 / float64(1+w.sents[0].chunkRank)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].score > out[j].score })
	return out
}

// endsSentence reports whether text ends like a sentence rather than a
// heading: a heading and the paragraph under it are not one passage.
func endsSentence(text string) bool {
	text = strings.TrimRight(text, " ”\"’')]")
	return strings.HasSuffix(text, ".") || strings.HasSuffix(text, "!") || strings.HasSuffix(text, "?") || strings.HasSuffix(text, "…")
}

// similarWords is the Jaccard similarity of two texts' word sets, used to
// drop passages that repeat a quote another passage already gave.
func similarWords(a, b string) float64 {
	return jaccard(wordHashes(a), wordHashes(b))
}

// sortedWordHashes is wordHashes as a sorted slice, for jaccardSorted.
func sortedWordHashes(s string) []uint64 {
	m := wordHashes(s)
	out := make([]uint64, 0, len(m))
	for h := range m {
		out = append(out, h)
	}
	slices.Sort(out)
	return out
}

// jaccardSorted is the Jaccard similarity of two sorted sets.
func jaccardSorted(a, b []uint64) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	inter, i, j := 0, 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] == b[j]:
			inter++
			i++
			j++
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	return float64(inter) / float64(len(a)+len(b)-inter)
}

func jaccard(a, b map[uint64]struct{}) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	inter := 0
	for w := range a {
		if _, ok := b[w]; ok {
			inter++
		}
	}
	return float64(inter) / float64(len(a)+len(b)-inter)
}

// wordHashes is the set of a text's lower-cased words, hashed. It skips
// stemming: near-duplicate detection compares copies, not paraphrases.
func wordHashes(s string) map[uint64]struct{} {
	m := make(map[uint64]struct{}, len(s)/6)
	h := uint64(fnvOffset64)
	n := 0
	for _, r := range s {
		if isWordRune(r) {
			h ^= uint64(unicode.ToLower(r))
			h *= fnvPrime64
			n++
			continue
		}
		if n > 0 {
			m[h] = struct{}{}
		}
		h, n = fnvOffset64, 0
	}
	if n > 0 {
		m[h] = struct{}{}
	}
	return m
}

func formatMarker(n int) string { return fmt.Sprintf("[%d]", n) }
