package reader

import (
	"strings"

	"github.com/citebot/citebot/retrieval/words"
)

// wh is the kind of answer a question's wording asks for. It is read from
// the question words of English ("when", "how many", "which year"), which
// are few and closed; everything a question asks about beyond that is left
// to the fitted weights.
type wh int

const (
	whOther    wh = iota
	whWhat        // "what is …", "what did …": the answer is a phrase
	whWhatNoun    // "what album …", "which battle …": the answer names a kind
	whWho         // who, whom
	whWhose
	whWhen // when, what year, which century
	whWhere
	whWhy
	whHowMany
	whHowMuch
	whHowLong
	whHowAdj // how old, how high, how far …
	whHow    // how did …: a manner
	whYesNo
	numWh
)

var whNames = [...]string{"other", "what", "what-noun", "who", "whose", "when", "where", "why", "how-many",
	"how-much", "how-long", "how-adj", "how", "yes-no"}

func (w wh) String() string { return whNames[w] }

// timeNouns make "what/which X" a question about time.
var timeNouns = map[string]bool{
	"year": true, "years": true, "date": true, "dates": true, "day": true, "days": true, "month": true,
	"months": true, "decade": true, "decades": true, "century": true, "centuries": true, "time": true,
	"era": true, "period": true, "season": true, "week": true, "weekday": true, "age": true,
}

// negations turn a statement around.
var negations = map[string]bool{
	"not": true, "no": true, "never": true, "none": true, "nor": true, "neither": true, "nobody": true,
	"nothing": true, "without": true, "cannot": true, "isn't": true, "aren't": true, "wasn't": true,
	"weren't": true, "doesn't": true, "don't": true, "didn't": true, "hasn't": true, "haven't": true,
	"hadn't": true, "won't": true, "wouldn't": true, "can't": true, "couldn't": true, "shouldn't": true,
	"mustn't": true, "zero": true, // "zero third-party dependencies"
}

// qterm is one content word of a question.
type qterm struct {
	stem     string
	norm     string
	idf      float64
	entity   bool               // a name or a number: it pins the question down
	num      bool               // a number
	variants map[string]float64 // other corpus stems that match, and how well
	pos      int                // token index in the question
	// capital reports a term written with a capital inside the question:
	// a name, which a lower-case word of the same stem does not match as
	// well ("War and Peace" and "the war", "peaceful").
	capital bool
	// unknown reports a term the corpus does not have in any form.
	unknown bool
	// focus marks a term next to the question word ("paid" in "who paid
	// for …"): its match in a passage tends to stand next to the answer.
	focus bool
}

// question is what the reader makes of a question.
type question struct {
	text string
	toks []words.Token
	wh   wh
	whAt int    // token index of the question word, -1 for yes/no
	head string // stem of the noun the question asks for ("album" in "what album"), or ""
	// plural reports a plural head noun ("which countries"): the answer
	// may be several names joined by "and".
	plural  bool
	terms   []qterm
	weight  float64 // sum of the terms' idf
	negated bool    // an odd number of negations
	// bigrams are pairs of consecutive content terms ("prime minister"),
	// by index into terms.
	bigrams [][2]int
	// named holds the stems of the capitalised words that stand next to
	// the head noun anywhere in the passages ("the band Suga Mama", "Suga
	// Mama's band"): the passages' own word for what those names are.
	named map[string]bool
	// byStem lists, for each stem a term matches whole (its own and its
	// variants), the terms it matches and how well, in term order: a
	// passage token then costs one lookup, not one per term (indexTerms).
	byStem map[string][]termMatch
	// acronyms are the terms written as acronyms ("NYC"), and spelled the
	// runs of capitalised terms an acronym may stand for ("New York
	// City"), by index into terms (findAcronyms).
	acronyms []acronymTerm
	spelled  []spelledName
}

// termMatch is how well a stem matches term ti.
type termMatch struct {
	ti int
	v  float64
}

// indexTerms fills q.byStem from q.terms; it is called again whenever
// the terms change.
func (q *question) indexTerms() {
	q.acronyms, q.spelled = nil, nil
	q.findAcronyms()
	q.byStem = make(map[string][]termMatch, len(q.terms))
	for ti, t := range q.terms {
		q.byStem[t.stem] = append(q.byStem[t.stem], termMatch{ti, 1})
		for v, x := range t.variants {
			if x > 0 && v != t.stem {
				q.byStem[v] = append(q.byStem[v], termMatch{ti, x})
			}
		}
	}
}

// analyze reads a question.
func analyze(text string, st *Stats) *question {
	toks := st.split(text)
	q := &question{text: text, toks: toks, whAt: -1}
	q.wh, q.whAt, q.head = classify(text, toks)
	q.plural = q.head != "" && isPlural(headWord(toks, q.head))
	neg := 0
	seen := map[string]int{}
	prevTerm := -1
	for i, t := range toks {
		if negations[t.Norm] {
			neg++
		}
		if t.Stem == "" || (q.whAt >= 0 && i == q.whAt+1 && toks[q.whAt].Norm == "how" && howWords[t.Norm]) {
			if !isLight(t.Norm) {
				prevTerm = -1
			}
			continue
		}
		if j, ok := seen[t.Stem]; ok {
			prevTerm = j
			continue
		}
		qt := qterm{stem: t.Stem, norm: t.Norm, num: isNumber(t), pos: i}
		qt.idf = st.IDF(t.Stem)
		qt.entity = qt.num || ((t.Cap && i > 0) || st.Proper(t.Norm))
		qt.capital = t.Cap && i > 0 && !t.Num
		if st.DocFreq(t.Stem) == 0 || len(t.Stem) >= 5 {
			qt.variants = st.variants(t.Stem)
			if st.DocFreq(t.Stem) == 0 && len(qt.variants) > 0 {
				// A word the corpus lacks is a typo or a variant, not the
				// rarest word of all: weigh it as its best match.
				best, bestDF := "", -1
				for v := range qt.variants {
					if df := st.DocFreq(v); df > bestDF || (df == bestDF && v < best) {
						best, bestDF = v, df
					}
				}
				qt.idf = st.IDF(best)
			}
		}
		qt.unknown = st.DocFreq(t.Stem) == 0 && len(qt.variants) == 0
		seen[t.Stem] = len(q.terms)
		if prevTerm >= 0 {
			q.bigrams = append(q.bigrams, [2]int{prevTerm, len(q.terms)})
		}
		prevTerm = len(q.terms)
		q.terms = append(q.terms, qt)
		q.weight += qt.idf
	}
	q.negated = neg%2 == 1
	q.markFocus()
	q.indexTerms()
	return q
}

// howWords complete "how" into a question word ("how many", "how long");
// they say what is asked, not what it is about.
var howWords = map[string]bool{"many": true, "much": true, "long": true, "old": true, "often": true, "far": true}

// isLight reports function words that may sit inside a phrase without
// breaking it ("Bank of America", "the Battle of Long Island").
func isLight(norm string) bool {
	switch norm {
	case "of", "the", "a", "an", "and", "&", "de", "for":
		return true
	}
	return false
}

// classify finds the question word, what it asks for and its head noun,
// in the question's main clause.
func classify(text string, toks []words.Token) (wh, int, string) {
	m := mainClause(text, toks)
	w, at, head := classifyClause(toks[m:])
	if at >= 0 {
		at += m
	}
	return w, at, head
}

// subordinators open a clause that sets the scene for a question rather
// than asking it: "If I add a directory, are its subdirectories watched?",
// "When Liszt lived close to Chopin, where did he call home?".
var subordinators = map[string]bool{
	"if": true, "when": true, "whenever": true, "while": true, "after": true, "before": true,
	"once": true, "since": true, "although": true, "though": true, "unless": true, "because": true,
	"until": true, "assuming": true, "suppose": true, "supposing": true,
}

// mainClause returns the index of the token that opens the question's main
// clause: 0, or the first token after the comma that closes an opening
// subordinate clause, when that token asks (a question word or an
// auxiliary). "When did …" asks with its first word and is not a clause.
func mainClause(text string, toks []words.Token) int {
	if len(toks) < 3 || !subordinators[toks[0].Norm] || words.IsAuxiliary(toks[1].Norm) {
		return 0
	}
	for i := 1; i < len(toks); i++ {
		if strings.Contains(text[toks[i-1].End:toks[i].Start], ",") {
			if words.IsAuxiliary(toks[i].Norm) || words.IsQuestionWord(toks[i].Norm) {
				return i
			}
			return 0
		}
		if words.IsQuestionWord(toks[i].Norm) {
			// "After what movie …, did …": the opening clause asks.
			return 0
		}
	}
	return 0
}

// classifyClause classifies a question that opens with toks[0].
func classifyClause(toks []words.Token) (wh, int, string) {
	if len(toks) > 0 && words.IsAuxiliary(toks[0].Norm) {
		// "Is cgo enabled when cross-compiling?" asks yes or no; its
		// "when" opens a clause, not the question.
		return whYesNo, -1, ""
	}
	for i, t := range toks {
		next := ""
		if i+1 < len(toks) {
			next = toks[i+1].Norm
		}
		switch t.Norm {
		case "when":
			return whWhen, i, ""
		case "where":
			return whWhere, i, ""
		case "who", "whom":
			return whWho, i, ""
		case "whose":
			return whWhose, i, headAfter(toks, i+1)
		case "why":
			return whWhy, i, ""
		case "how":
			switch next {
			case "many":
				return whHowMany, i, headAfter(toks, i+2)
			case "much":
				return whHowMuch, i, headAfter(toks, i+2)
			case "long":
				return whHowLong, i, ""
			case "":
				return whHow, i, ""
			}
			if i+1 < len(toks) && toks[i+1].Stem != "" && !words.IsAuxiliary(next) {
				return whHowAdj, i, ""
			}
			return whHow, i, ""
		case "what", "which":
			head := headAfter(toks, i+1)
			if head == "" && i+2 < len(toks) && (next == "is" || next == "was" || next == "are" || next == "were") {
				// "what is the name of …", "what was the second album …"
				j := i + 2
				for j < len(toks) && (toks[j].Norm == "the" || toks[j].Norm == "a" || toks[j].Norm == "an") {
					j++
				}
				if j > i+2 {
					head = headAfter(toks, j)
				}
			}
			switch {
			case head == "":
				return whWhat, i, ""
			case timeNouns[words.Fold(headWord(toks, head))]:
				return whWhen, i, head
			}
			return whWhatNoun, i, head
		}
	}
	return whOther, -1, ""
}

// headAfter returns the stem of the last word of the run of content words
// that starts at token i: "team" in "what Women's National Basketball
// Association team is …".
func headAfter(toks []words.Token, i int) string {
	head := ""
	for j := i; j < len(toks); j++ {
		t := toks[j]
		if t.Stem == "" || words.IsAuxiliary(t.Norm) || (j > i && words.PastTense(t.Norm)) {
			break
		}
		head = t.Stem
		if j+1 < len(toks) && strings.HasSuffix(t.Norm, "s") && toks[j+1].Stem == "" {
			break
		}
	}
	return head
}

// isPlural guesses whether a folded noun is an English plural by its
// ending: "countries", "albums", but not "class", "status" or "analysis".
func isPlural(w string) bool {
	if len(w) < 4 || !strings.HasSuffix(w, "s") {
		return false
	}
	for _, end := range []string{"ss", "us", "is", "ics"} {
		if strings.HasSuffix(w, end) {
			return false
		}
	}
	return true
}

// headWord returns the folded word of toks whose stem is head.
func headWord(toks []words.Token, head string) string {
	for _, t := range toks {
		if t.Stem == head {
			return t.Norm
		}
	}
	return head
}

// markFocus marks the terms nearest the question word: the first content
// words after it (past the head noun and auxiliaries), or before it when
// the question word comes last ("… became part of what?").
func (q *question) markFocus() {
	if q.whAt < 0 {
		return
	}
	after := 0
	for ti := range q.terms {
		t := &q.terms[ti]
		if t.pos > q.whAt && t.stem != q.head && after < 2 {
			t.focus = true
			after++
		}
	}
	if after > 0 {
		return
	}
	for ti := len(q.terms) - 1; ti >= 0 && after < 2; ti-- {
		if q.terms[ti].pos < q.whAt {
			q.terms[ti].focus = true
			after++
		}
	}
}

// Kind names the kind of answer question asks for: "when", "who",
// "how-many", "what-noun", "yes-no" and so on.
func Kind(question string) string {
	w, _, _ := classify(question, words.Split(question))
	return w.String()
}
