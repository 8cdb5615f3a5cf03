package reader

import (
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/citebot/citebot/retrieval/words"
)

// span is a candidate answer inside a sentence: tokens [i, j) and the
// bytes [start, end) of the sentence text they cover, punctuation that
// belongs to them ("$", "%") included.
type span struct {
	i, j       int
	start, end int
	kind       spanKind
}

// spanKind says how a candidate was found. The fitted weights decide how
// much each kind is worth.
type spanKind int

const (
	kindRun      spanKind = iota // a run of content words: a noun phrase or a name
	kindSubRun                   // part of a longer run
	kindBridged                  // runs joined by "of", "the", "and" …: "Bank of America"
	kindList                     // runs joined by commas and "and": "Houston, Texas"
	kindDate                     // a calendar date: "September 4, 1981"
	kindClause                   // from a clause opener to the next break: "to secure needed horses"
	kindSegment                  // the text between two breaks
	kindSentence                 // the whole sentence
	kindLiteral                  // what stands between quotes or backticks: "Unordered output:", `_test.go`
	numKinds
)

var kindNames = [...]string{"run", "subrun", "bridged", "list", "date", "clause", "segment", "sentence", "literal"}

// Limits on candidate length, in tokens.
const (
	maxRun    = 10
	maxSubRun = 6
	maxClause = 24
)

// months are the English month names, which make a number a date.
var months = map[string]bool{
	"january": true, "february": true, "march": true, "april": true, "may": true, "june": true, "july": true,
	"august": true, "september": true, "october": true, "november": true, "december": true,
	"jan": true, "feb": true, "mar": true, "apr": true, "jun": true, "jul": true, "aug": true, "sep": true,
	"sept": true, "oct": true, "nov": true, "dec": true,
}

// determiners may open a noun phrase.
var determiners = map[string]bool{
	"the": true, "a": true, "an": true, "his": true, "her": true, "their": true, "its": true, "our": true,
	"this": true, "these": true, "that": true, "those": true, "my": true, "your": true,
}

// approximators qualify a quantity: "over 300", "about 12 million".
var approximators = map[string]bool{
	"over": true, "about": true, "around": true, "nearly": true, "almost": true, "approximately": true,
	"roughly": true, "under": true, "some": true, "up": true, "more": true, "less": true, "fewer": true,
	"least": true, "most": true, "only": true, "just": true, "than": true, "to": true, "at": true,
	"estimated": true, "exactly": true,
}

// clauseOpeners start a phrase that can answer a why or how question, or
// stand as a description: "to secure …", "because …", "by …".
var clauseOpeners = map[string]bool{
	"to": true, "because": true, "by": true, "for": true, "in": true, "on": true, "at": true, "with": true,
	"from": true, "as": true, "that": true, "which": true, "who": true, "when": true, "where": true,
	"since": true, "after": true, "before": true, "during": true, "through": true, "into": true,
	"due": true, "so": true, "while": true, "until": true, "about": true, "of": true, "than": true,
	"via": true, "using": true, "without": true, "against": true, "under": true, "over": true, "between": true,
}

// gapKind classifies the text between two tokens.
type gapKind int

const (
	gapTight gapKind = iota // white space, or a dash or slash joining two words
	gapComma
	gapBreak // any other punctuation: ; : ( ) quotes, full stops
)

func gapOf(text string, toks []words.Token, i int) gapKind {
	if i <= 0 || i >= len(toks) {
		return gapBreak
	}
	g := text[toks[i-1].End:toks[i].Start]
	if strings.TrimSpace(g) == "" {
		return gapTight
	}
	t := strings.TrimSpace(g)
	switch t {
	case ",":
		return gapComma
	case "-", "–", "—", "/", "&", "+":
		if t == "—" && g != t {
			return gapBreak
		}
		return gapTight
	case ".":
		// "St. John's", "J. Smith", "Hans-J. Boehm": an abbreviation's
		// full stop, after a short capitalised word or word part.
		prev := text[toks[i-1].Start:toks[i-1].End]
		if k := strings.LastIndexAny(prev, "-‐‑"); k >= 0 {
			_, size := utf8.DecodeRuneInString(prev[k:])
			prev = prev[k+size:]
		}
		first, _ := utf8.DecodeRuneInString(prev)
		if unicode.IsUpper(first) && utf8.RuneCountInString(prev) <= 3 {
			return gapTight
		}
	}
	return gapBreak
}

// addresses match a web address and the target of a Markdown link
// ("[blog post](https://…)"): text a reader follows, not an answer.
var addresses = regexp.MustCompile(`\]\([^()\s]*\)|(?i:https?://|www\.)[^\s<>()\[\]"']+`)

// mayHoldAddress reports whether text has what every match of addresses
// starts with: "](", "://" or "www." in any case. Running the expression
// on every candidate sentence was a thirtieth of the reader's cost, and
// most sentences hold none of them.
func mayHoldAddress(text string) bool {
	if strings.Contains(text, "](") || strings.Contains(text, "://") {
		return true
	}
	for i := strings.IndexByte(text, '.'); i >= 0; {
		// c|0x20 == 'w' holds for 'w' and 'W' alone.
		if i >= 3 && text[i-1]|0x20 == 'w' && text[i-2]|0x20 == 'w' && text[i-3]|0x20 == 'w' {
			return true
		}
		next := strings.IndexByte(text[i+1:], '.')
		if next < 0 {
			break
		}
		i += 1 + next
	}
	return false
}

// inAddress marks the tokens of text that fall inside a web address.
func inAddress(text string, toks []words.Token) []bool {
	if !mayHoldAddress(text) {
		return nil
	}
	locs := addresses.FindAllStringIndex(text, -1)
	if locs == nil {
		return nil
	}
	out := make([]bool, len(toks))
	for k, t := range toks {
		for _, l := range locs {
			if t.Start < l[1] && t.End > l[0] {
				out[k] = true
				break
			}
		}
	}
	return out
}

// candidates finds the candidate answers of a tokenised sentence.
func candidates(text string, toks []words.Token) []span {
	n := len(toks)
	if n == 0 {
		return nil
	}
	address := inAddress(text, toks)
	gaps := make([]gapKind, n+1)
	for i := 0; i <= n; i++ {
		gaps[i] = gapOf(text, toks, i)
	}
	out := make([]span, 0, 2*n)
	// seen stands in for a scan of out once out is long: most sentences
	// have a few dozen candidates, and a map for each was a twelfth of
	// what reading a question allocated.
	var seen map[[2]int]bool
	const scanUpTo = 48
	// dup reports whether out has a candidate of these bounds already;
	// when not, the caller adds one.
	dup := func(start, end int) bool {
		key := [2]int{start, end}
		if seen != nil {
			if seen[key] {
				return true
			}
			seen[key] = true
			return false
		}
		for _, o := range out {
			if o.start == start && o.end == end {
				return true
			}
		}
		if len(out) >= scanUpTo {
			seen = make(map[[2]int]bool, 2*len(out))
			for _, o := range out {
				seen[[2]int{o.start, o.end}] = true
			}
			seen[key] = true
		}
		return false
	}
	add := func(i, j int, k spanKind) {
		if i < 0 || j > n || i >= j {
			return
		}
		if address != nil && k != kindSentence {
			for x := i; x < j; x++ {
				if address[x] {
					return
				}
			}
		}
		start, end := extend(text, toks[i].Start, toks[j-1].End)
		if dup(start, end) {
			return
		}
		out = append(out, span{i: i, j: j, start: start, end: end, kind: k})
	}

	// Runs of content words, and their parts.
	type run struct{ i, j int }
	var runs []run
	for i := 0; i < n; {
		if toks[i].Stem == "" {
			i++
			continue
		}
		j := i + 1
		for j < n && toks[j].Stem != "" && gaps[j] == gapTight && j-i < maxRun {
			j++
		}
		runs = append(runs, run{i, j})
		i = j
	}
	for _, r := range runs {
		add(r.i, r.j, kindRun)
		if r.j-r.i > 1 && r.j-r.i <= 8 {
			for a := r.i; a < r.j; a++ {
				for b := a + 1; b <= r.j && b-a <= maxSubRun; b++ {
					if a != r.i || b != r.j {
						add(a, b, kindSubRun)
					}
				}
			}
		}
		// Open with a determiner or a quantity's qualifier when one
		// stands right before the run.
		if p := r.i - 1; p >= 0 && gaps[r.i] == gapTight {
			switch {
			case determiners[toks[p].Norm]:
				add(p, r.j, kindRun)
			case toks[r.i].Num && approximators[toks[p].Norm]:
				add(p, r.j, kindRun)
				if p-1 >= 0 && gaps[p] == gapTight && approximators[toks[p-1].Norm] {
					add(p-1, r.j, kindRun) // "more than 300"
				}
			}
		}
	}
	// Runs bridged by a function word: "Bank of America", "The Legend of
	// Zelda", "Destiny's Child and Beyoncé".
	for a := 0; a < len(runs); a++ {
		for b := a + 1; b < len(runs) && b <= a+2; b++ {
			gap := runs[b].i - runs[b-1].j
			if gap != 1 || !isLight(toks[runs[b-1].j].Norm) || gaps[runs[b-1].j] != gapTight || gaps[runs[b].i] != gapTight {
				break
			}
			if runs[b].j-runs[a].i > maxRun+2 {
				break
			}
			add(runs[a].i, runs[b].j, kindBridged)
			if p := runs[a].i - 1; p >= 0 && determiners[toks[p].Norm] && gaps[runs[a].i] == gapTight {
				add(p, runs[b].j, kindBridged)
			}
		}
	}
	// Lists of short runs: "Britney Spears, Pink, and Enrique Iglesias",
	// "Houston, Texas".
	for a := 0; a < len(runs); a++ {
		if runs[a].j-runs[a].i > 4 {
			continue
		}
		end := runs[a].j
		for b := a + 1; b < len(runs) && b <= a+6; b++ {
			// A list joins like with like: "Latvia and Ukraine", "2003
			// and 2004", never "2003, Estonia", where the comma closes
			// one clause of a list and opens the next.
			if runs[b].j-runs[b].i > 4 || toks[runs[b].i].Num != toks[runs[a].i].Num || !listJoin(toks, gaps, end, runs[b].i) {
				break
			}
			end = runs[b].j
			add(runs[a].i, end, kindList)
			// A list of heads that share a complement: "the use,
			// stockpiling and transfer of anti-personnel mines".
			if b+1 < len(runs) && runs[b+1].i == end+1 && toks[end].Norm == "of" &&
				gaps[end] == gapTight && gaps[end+1] == gapTight && runs[b+1].j-runs[b+1].i <= 4 {
				start := runs[a].i
				if p := start - 1; p >= 0 && determiners[toks[p].Norm] && gaps[start] == gapTight {
					start = p
				}
				add(start, runs[b+1].j, kindList)
			}
		}
	}
	// Dates: "September 4, 1981", "4 September 1981", "June 2005".
	for i := 0; i < n; i++ {
		if !months[toks[i].Norm] || !toks[i].Cap {
			continue
		}
		j := i + 1
		if j < n && toks[j].Num && len(toks[j].Norm) <= 2 && gaps[j] == gapTight {
			j++
		}
		if j < n && isYear(toks[j]) && gaps[j] != gapBreak {
			j++
		}
		if j > i+1 {
			add(i, j, kindDate)
		}
		if p := i - 1; p >= 0 && toks[p].Num && len(toks[p].Norm) <= 2 && gaps[i] == gapTight {
			add(p, j, kindDate)
		}
	}
	// Clauses from an opener to the next break, and the segments between
	// breaks.
	for i := 0; i < n; i++ {
		if clauseOpeners[toks[i].Norm] || (i > 0 && gaps[i] != gapTight) {
			j := i + 1
			for j < n && gaps[j] != gapBreak && !(gaps[j] == gapComma && j-i > 3) && j-i < maxClause {
				j++
			}
			if j-i >= 2 {
				kind := kindClause
				if !clauseOpeners[toks[i].Norm] {
					kind = kindSegment
				}
				add(i, j, kind)
			}
		}
	}
	// Literals, whole: a name, title, file name or code between quotes
	// or backticks is one thing however it is spelt inside.
	for _, l := range literals(text) {
		i := sort.Search(n, func(k int) bool { return toks[k].Start >= l[0] })
		j := sort.Search(n, func(k int) bool { return toks[k].End > l[1] })
		if i >= j {
			continue
		}
		if address != nil && address[i] {
			continue
		}
		if !dup(l[0], l[1]) {
			out = append(out, span{i: i, j: j, start: l[0], end: l[1], kind: kindLiteral})
		}
	}
	add(0, n, kindSentence)
	return out
}

// maxLiteral is the longest literal, in bytes, that is a candidate: a
// longer quotation is a sentence of its own, not a phrase.
const maxLiteral = 80

// literalPairs are the marks that open and close a literal.
var literalPairs = [][2]rune{{'`', '`'}, {'"', '"'}, {'“', '”'}, {'‘', '’'}}

// literals returns the byte ranges of text that stand between a pair of
// quotes or backticks, the marks left out: `_test.go`, "Unordered
// output:", ‘all:’. A straight quote closes the nearest one opened; a
// curly one needs its own closing mark, and an apostrophe (’ inside a
// word) closes nothing.
func literals(text string) [][2]int {
	var out [][2]int
	for _, p := range literalPairs {
		open := -1
		for i, r := range text {
			switch {
			case open < 0 && r == p[0] && !inWord(text, i, r):
				open = i + utf8.RuneLen(r)
			case open >= 0 && r == p[1] && !inWord(text, i, r):
				if i > open && i-open <= maxLiteral && strings.TrimSpace(text[open:i]) == text[open:i] {
					out = append(out, [2]int{open, i})
				}
				open = -1
			}
		}
	}
	return out
}

// inWord reports a mark between two letters or digits: the apostrophe of
// "don’t", not a quote.
func inWord(text string, i int, r rune) bool {
	if r == '`' || r == '"' {
		return false
	}
	before, _ := utf8.DecodeLastRuneInString(text[:i])
	after, _ := utf8.DecodeRuneInString(text[i+utf8.RuneLen(r):])
	return isLetterOrDigit(before) && isLetterOrDigit(after)
}

func isLetterOrDigit(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// listJoin reports whether the words between tokens end and next join two
// items of a list: a comma, "and", "or", or a comma and "and".
func listJoin(toks []words.Token, gaps []gapKind, end, next int) bool {
	switch next - end {
	case 0:
		return gaps[next] == gapComma
	case 1:
		w := toks[end].Norm
		return (w == "and" || w == "or") && gaps[next] == gapTight && gaps[end] != gapBreak
	}
	return false
}

// isYear reports a token that reads as a year: four digits from 1000 to
// 2199, or a decade ("1990s").
func isYear(t words.Token) bool {
	s := strings.TrimSuffix(t.Norm, "s")
	if len(s) != 4 {
		return false
	}
	for i := 0; i < 4; i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s[0] == '1' || (s[0] == '2' && s[1] <= '1')
}

// extend widens [start, end) over a currency sign before it and a percent
// sign or closing bracket of an opened one after it, which belong to
// the answer ("$84.7 million", "19%").
func extend(text string, start, end int) (int, int) {
	if start > 0 {
		r, size := utf8.DecodeLastRuneInString(text[:start])
		if unicode.Is(unicode.Sc, r) {
			start -= size
		}
	}
	if end < len(text) {
		r, size := utf8.DecodeRuneInString(text[end:])
		if r == '%' || r == '‰' {
			end += size
		}
	}
	return start, end
}
