package retrieval

import (
	"strconv"
	"strings"
)

// candidate is a possible direct answer inside a sentence: tokens [i, j).
type candidate struct {
	i, j int
	typ  answerType
	// weak marks a fallback guess (a passive agent) that a real name beats.
	weak bool
	// pre is where the capitalised run began: for a person, tokens
	// [pre, i) are the title that qualifies them ("Polish Defence
	// Minister"), which says whose minister they are.
	pre int
}

var months = map[string]bool{
	"january": true, "february": true, "march": true, "april": true, "may": true, "june": true,
	"july": true, "august": true, "september": true, "october": true, "november": true, "december": true,
	"jan": true, "feb": true, "mar": true, "apr": true, "jun": true, "jul": true, "aug": true,
	"sep": true, "sept": true, "oct": true, "nov": true, "dec": true,
}

var weekdays = map[string]bool{
	"monday": true, "tuesday": true, "wednesday": true, "thursday": true, "friday": true,
	"saturday": true, "sunday": true,
}

var numberWords = map[string]bool{
	"one": true, "two": true, "three": true, "four": true, "five": true, "six": true, "seven": true,
	"eight": true, "nine": true, "ten": true, "eleven": true, "twelve": true, "thirteen": true,
	"fourteen": true, "fifteen": true, "sixteen": true, "seventeen": true, "eighteen": true,
	"nineteen": true, "twenty": true, "thirty": true, "forty": true, "fifty": true, "sixty": true,
	"seventy": true, "eighty": true, "ninety": true, "hundred": true, "thousand": true, "dozen": true,
	"dozens": true, "hundreds": true, "thousands": true, "half": true, "million": true, "billion": true,
	"millions": true, "billions": true, "trillion": true,
}

var scaleWords = map[string]bool{
	"hundred": true, "thousand": true, "million": true, "billion": true, "trillion": true,
	"percent": true, "per": true, "cent": true, "percentage": true, "points": true,
}

// Role and title words that precede a person's name ("Defence Minister
// Antti Hakkanen"); a name is what follows the last of them.
var roleWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`minister ministers prime president vice deputy chief secretary general
		director chairman chairwoman chair spokesman spokeswoman spokesperson ambassador commander head
		leader governor mayor senator ceo king queen prince princess pope judge justice officer colonel
		captain lieutenant sergeant admiral defence defense foreign interior finance affairs state mr mrs
		ms dr prof sir lord lady dame chancellor premier president-elect representative rep sen gov gen
		lt col capt envoy emperor of the for and economy economic health education justice trade labour
		labor environment security national home culture transport energy agriculture by said says
		according`) {
		m[w] = true
	}
	return m
}()

// nameConnectors may stand inside a capitalised name: "Chief of Defence",
// "Ludwig van Beethoven".
var nameConnectors = map[string]bool{
	"of": true, "de": true, "van": true, "von": true, "der": true, "den": true, "la": true, "le": true,
	"du": true, "da": true, "al": true, "bin": true, "del": true, "di": true, "y": true,
}

func isYear(t token) bool {
	if len(t.norm) != 4 {
		if len(t.norm) == 5 && strings.HasSuffix(t.norm, "s") {
			t.norm = t.norm[:4] // "1990s"
		} else {
			return false
		}
	}
	n, err := strconv.Atoi(t.norm)
	return err == nil && n >= 1000 && n <= 2199
}

func isDayNumber(t token) bool {
	s := strings.TrimRight(t.norm, "stndrh")
	n, err := strconv.Atoi(s)
	return err == nil && n >= 1 && n <= 31 && len(s) <= 2
}

// gapIs reports whether the text between tokens a and b holds only the
// given separators and spaces.
func gapIs(text string, a, b token, seps string) bool {
	for _, r := range text[a.end:b.start] {
		if r == ' ' || r == '\u00a0' || strings.ContainsRune(seps, r) {
			continue
		}
		return false
	}
	return true
}

// dateCandidates finds date expressions: "March 6, 2025", "13 March 2025",
// "Tuesday, March 18", "December 2024", "2004", "the 1990s".
func dateCandidates(text string, toks []token) []candidate {
	var out []candidate
	isDatePart := func(t token) bool {
		return months[strings.TrimSuffix(t.norm, ".")] && (t.cap || t.norm != "may") ||
			weekdays[t.norm] || isYear(t) || isDayNumber(t)
	}
	for i := 0; i < len(toks); {
		if !isDatePart(toks[i]) {
			i++
			continue
		}
		j := i + 1
		for j < len(toks) && isDatePart(toks[j]) && gapIs(text, toks[j-1], toks[j], ",") && !isYear(toks[j-1]) {
			j++
		}
		hasAnchor := false
		for k := i; k < j; k++ {
			if isYear(toks[k]) || (months[strings.TrimSuffix(toks[k].norm, ".")] && toks[k].cap) {
				hasAnchor = true
			}
		}
		// A month name needs a day or year beside it to be a date rather
		// than a verb ("may") or a stray word.
		if hasAnchor && !(j-i == 1 && !isYear(toks[i]) && !months[toks[i].norm]) {
			out = append(out, candidate{i: i, j: j, typ: typeDate})
		}
		i = j
	}
	return out
}

// numberCandidates finds quantities: "5%", "5 percent", "$1.5 billion",
// "3,000 troops", "five". Years are left to dates.
func numberCandidates(text string, toks []token) []candidate {
	var out []candidate
	inDate := make([]bool, len(toks))
	for _, d := range dateCandidates(text, toks) {
		for k := d.i; k < d.j; k++ {
			inDate[k] = true
		}
	}
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		// Days of dates and clock times ("17:29") are not quantities.
		clock := i+1 < len(toks) && toks[i+1].num && text[t.end:toks[i+1].start] == ":" ||
			i > 0 && toks[i-1].num && text[toks[i-1].end:t.start] == ":"
		isNum := (t.num && !isYear(t) && !inDate[i] && !clock) || numberWords[t.norm]
		if !isNum {
			continue
		}
		j := i + 1
		for j < len(toks) && (scaleWords[toks[j].norm] || numberWords[toks[j].norm]) && gapIs(text, toks[j-1], toks[j], "-") {
			j++
		}
		out = append(out, candidate{i: i, j: j, typ: typeNumber})
		i = j - 1
	}
	return out
}

// properAt reports whether token k reads as part of a proper name. A
// capitalised first word of a sentence only counts if the corpus usually
// capitalises it elsewhere.
func properAt(text string, toks []token, k int, cs *capStats) bool {
	t := toks[k]
	if !t.cap || t.num {
		return false
	}
	if months[t.norm] || weekdays[t.norm] {
		return false
	}
	if k == 0 {
		// Every sentence starts with a capital. The first word is a name if
		// the corpus capitalises it elsewhere, or if it is never seen in
		// lower case and the next word is capitalised too ("Amnesty
		// International").
		if isStopWord(t.norm) || commonWords[t.norm] {
			return false
		}
		if cs.proper(t.norm) {
			return true
		}
		return cs.lower[t.norm] == 0 && len(toks) > 1 && toks[1].cap && gapIs(text, t, toks[1], "")
	}
	return true
}

// nameCandidates finds runs of capitalised words and, for persons, keeps
// what follows the last role word: "Lithuanian Minister Dovilė Šakalienė"
// gives "Dovilė Šakalienė". Runs joined by "and" or commas become one
// candidate so that "which countries" can be answered by "Latvia and
// Ukraine".
func nameCandidates(text string, toks []token, typ answerType, cs *capStats) []candidate {
	if headline(text, toks) {
		// In a Title Case headline every word looks like a name.
		return nil
	}
	var runs []candidate
	for i := 0; i < len(toks); {
		if !properAt(text, toks, i, cs) {
			i++
			continue
		}
		j := i + 1
		for j < len(toks) {
			// "Brennan & Vale Construction" is one name.
			if properAt(text, toks, j, cs) && gapIs(text, toks[j-1], toks[j], "&") {
				j++
				continue
			}
			if nameConnectors[toks[j].norm] && j+1 < len(toks) && properAt(text, toks, j+1, cs) &&
				gapIs(text, toks[j-1], toks[j], "") && gapIs(text, toks[j], toks[j+1], "") {
				j += 2
				continue
			}
			break
		}
		start := i
		if typ == typePerson {
			for k := j - 1; k >= i; k-- {
				if roleWords[toks[k].norm] {
					start = k + 1
					break
				}
			}
		}
		ok := start < j && !nameConnectors[toks[start].norm]
		switch {
		case !ok:
		case typ == typePerson:
			ok = plausiblePerson(toks, i, start, j)
		case typ == typeEntity || typ == typePlace:
			// A run with a title in it names a person, not a place or an
			// organisation.
			for k := start; k < j; k++ {
				if roleWords[toks[k].norm] && !nameConnectors[toks[k].norm] {
					ok = false
				}
			}
		}
		if ok {
			runs = append(runs, candidate{i: start, j: j, typ: typ, pre: i})
		}
		i = j
	}
	if typ == typePerson {
		return runs
	}
	// Merge coordinated runs: "Latvia and Ukraine", "Estonia, Latvia and Lithuania".
	var out []candidate
	for _, r := range runs {
		if n := len(out); n > 0 {
			prev := out[n-1]
			if r.i == prev.j+1 && toks[prev.j].norm == "and" && gapIs(text, toks[prev.j-1], toks[prev.j], ",") ||
				r.i == prev.j && gapIs(text, toks[prev.j-1], toks[r.i], ",") {
				out[n-1].j = r.j
				continue
			}
		}
		out = append(out, r)
	}
	return out
}

// headline reports whether a sentence is set in Title Case: most of its
// content words capitalised, as in "Harbor City Opens Restored Iron Bridge".
func headline(text string, toks []token) bool {
	if endsSentence(text) {
		return false
	}
	content, caps := 0, 0
	for _, t := range toks {
		if t.num || isStopWord(t.norm) {
			continue
		}
		content++
		if t.cap {
			caps++
		}
	}
	return content >= 3 && caps*10 >= content*7
}

// plausiblePerson reports whether tokens [start, j), titled by [runStart,
// start), read as a person's name. A person is a titled name ("Minister
// Silina") or a name of two or more words; a lone capitalised word is more
// often a place. "Ministers of Defense of Estonia" qualifies the title with
// a place rather than naming anyone, and words that name kinds of things
// ("Convention", "Ministry") or everyday nouns are not parts of names.
func plausiblePerson(toks []token, runStart, start, j int) bool {
	if start == runStart && j-start < 2 {
		return false
	}
	if start > runStart && nameConnectors[toks[start-1].norm] {
		return false
	}
	for k := start; k < j; k++ {
		n := toks[k].norm
		if _, kind := headNounTypes[n]; kind || commonWords[n] || roleWords[n] || institutionWords[n] || orgWords[n] {
			return false
		}
	}
	return true
}

// institutionWords name places and bodies that are not people; a
// capitalised run containing one ("Northfield Library", "Armed Forces") is
// not a person's name.
var institutionWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`library libraries museum school schools university college hospital church
		cathedral mosque temple bridge street road avenue square park station airport port harbour harbor
		river lake mountain mountains range island bay sea ocean forces force army navy police court
		council committee commission parliament senate assembly congress ministry office embassy centre
		center hall stadium tower palace castle building institute academy theatre theater cinema hotel
		restaurant club team league cup festival prize award convention treaty agreement act law times
		post journal news gazette herald weekly daily review`) {
		m[w] = true
	}
	return m
}()

// orgWords end the names of companies and organisations: "Brennan & Vale
// Construction", "Amnesty International".
var orgWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`inc ltd llc plc corp corporation company co group holdings industries
		construction systems technologies bank airlines motors partners associates media international
		organization organisation association foundation trust society union agency institute federation
		network alliance party fund council committee watch`) {
		m[w] = true
	}
	return m
}()

// candidatesFor returns the candidates of the wanted type in a sentence.
func candidatesFor(typ answerType, text string, toks []token, cs *capStats) []candidate {
	switch typ {
	case typeDate:
		return dateCandidates(text, toks)
	case typeNumber:
		return numberCandidates(text, toks)
	case typePerson:
		if c := nameCandidates(text, toks, typ, cs); len(c) > 0 {
			return c
		}
		return agentCandidates(text, toks)
	case typePlace, typeEntity:
		return nameCandidates(text, toks, typ, cs)
	}
	return nil
}

// agentCandidates finds the doer in a passive clause, "approved by the
// parliaments of the countries", for "who" questions whose answer is an
// institution rather than a named person.
func agentCandidates(text string, toks []token) []candidate {
	var out []candidate
	for k := 0; k+1 < len(toks); k++ {
		if toks[k].norm != "by" {
			continue
		}
		// Only after a past participle: "approved by", not "by March".
		if k == 0 || !strings.HasSuffix(toks[k-1].norm, "ed") && !strings.HasSuffix(toks[k-1].norm, "en") {
			continue
		}
		i := k + 1
		j := i
		for j < len(toks) && j-i < 6 && gapIs(text, toks[j-1], toks[j], "") && !toks[j].num {
			j++
		}
		// Trim trailing function words: "the parliaments of the" → "the parliaments".
		for j > i && isStopWord(toks[j-1].norm) {
			j--
		}
		if j > i && !(j-i == 1 && isStopWord(toks[i].norm)) {
			out = append(out, candidate{i: i, j: j, typ: typePerson, pre: i, weak: true})
		}
	}
	return out
}

// clauseIndex numbers the clauses of a sentence: each token gets the count
// of clause punctuation before it. Binding an answer to the question's
// words within one clause is what picks "2004" over "2003" in "Lithuania
// ratified in 2003, Estonia in 2004".
func clauseIndex(text string, toks []token) []int {
	idx := make([]int, len(toks))
	c := 0
	for k := range toks {
		if k > 0 {
			for _, r := range text[toks[k-1].end:toks[k].start] {
				switch r {
				case ',', ';', ':', '(', ')', '—', '–', '"', '“', '”':
					c++
				}
			}
		}
		idx[k] = c
	}
	return idx
}

// capStats counts how often each folded word is capitalised when it is not
// the first word of a sentence, so that a sentence-initial "Finland" is
// known to be a name and a sentence-initial "Notably" is not.
type capStats struct {
	upper, lower map[string]int32
}

func newCapStats() *capStats {
	return &capStats{upper: map[string]int32{}, lower: map[string]int32{}}
}

func (c *capStats) add(toks []token) {
	for k, t := range toks {
		if k == 0 || t.num {
			continue
		}
		if t.cap {
			c.upper[t.norm]++
		} else {
			c.lower[t.norm]++
		}
	}
}

func (c *capStats) proper(norm string) bool {
	if c == nil {
		return false
	}
	return c.upper[norm] > c.lower[norm]
}
