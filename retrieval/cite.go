package retrieval

import (
	"github.com/citebot/citebot/retrieval/words"
	"log/slog"
	"regexp"
	"strconv"
	"strings"
	"unicode"
)

// citer turns a model's answer, as it streams in, into the text users see.
// Every marker [n] is checked as soon as it is complete: a number that
// names no passage is dropped, as are the markers of a sentence that shares
// nothing with the passages it cites; the rest are renumbered in order of
// first use, so that [k] in the text is Citations[k-1]. A leading
// NOT_COVERED mark is recognised and removed before anything is emitted.
//
// Text is held back only while it could still be the start of a marker or
// of the mark, so the stream stays fluid. write and close return the text
// that may be shown now; together they are the final text exactly.
type citer struct {
	e        *Engine
	passages []Passage
	log      *slog.Logger

	pending    string          // raw text not yet emitted
	out        strings.Builder // clean text emitted so far
	decided    bool            // whether the answer starts with the mark is known
	notCovered bool
	order      []int            // cited passages (0-based), in order of first citation
	number     map[int]int      // passage → its marker number (1-based)
	claims     map[int][]string // passage → the sentences that cite it
	invented   []int            // numbers that named no passage
	unbacked   []string         // sentences whose markers were dropped as unsupported
}

func newCiter(e *Engine, passages []Passage, log *slog.Logger) *citer {
	return &citer{e: e, passages: passages, log: log, number: map[int]int{}, claims: map[int][]string{}}
}

// markerRE matches a citation marker as models write them: [1], [2, 3],
// [1-2], [Passage 4], [source 1; 2].
var markerRE = regexp.MustCompile(`(?i)\[\s*(?:(?:passages?|sources?)\s*)?\d{1,4}(?:\s*(?:,|;|-|–|and)\s*(?:(?:passages?|sources?)\s*)?\d{1,4})*\s*\]`)

// partialMarkerRE matches every unfinished marker (and more): a bracket
// followed only by characters that markers are made of.
var partialMarkerRE = regexp.MustCompile(`^\[[\d\s,;\-–acdegnoprsuACDEGNOPRSU]*$`)

// maxMarkerLen bounds what is held back waiting for a marker to close; a
// longer bracket is text, whether it arrives in pieces or at once.
const maxMarkerLen = 64

// cleanMarkerRE matches the markers citer itself writes.
var cleanMarkerRE = regexp.MustCompile(`\[\d+\]`)

// write takes the next piece of the model's answer and returns the text
// that can be shown now.
func (c *citer) write(s string) string {
	c.pending += s
	if !c.decided && !c.decide(false) {
		return ""
	}
	return c.drain(false)
}

// close returns the rest of the text once the model has finished.
func (c *citer) close() string {
	if !c.decided {
		c.decide(true)
	}
	return c.drain(true)
}

// text is the clean answer so far.
func (c *citer) text() string { return strings.TrimSpace(c.out.String()) }

// decide looks for the not-covered mark at the start of the answer. It
// reports false while the text so far could still be the mark.
func (c *citer) decide(final bool) bool {
	t := strings.TrimLeft(c.pending, " \t\r\n*_`\"'#>")
	norm := strings.ToUpper(strings.NewReplacer(" ", "_", "-", "_").Replace(t))
	if strings.HasPrefix(norm, notCoveredMark) {
		c.notCovered = true
		rest := t[len(notCoveredMark):]
		c.pending = strings.TrimLeft(rest, " \t\r\n*_`\"':.-–—")
		c.decided = true
		return true
	}
	if !final && len(norm) < len(notCoveredMark) && strings.HasPrefix(notCoveredMark, norm) {
		return false
	}
	c.decided = true
	return true
}

// drain emits pending text up to what must still be held back.
func (c *citer) drain(final bool) string {
	text := c.pending
	hold := ""
	if !final {
		if k := strings.LastIndexByte(text, '['); k >= 0 && !strings.Contains(text[k:], "]") &&
			len(text)-k < maxMarkerLen && partialMarkerRE.MatchString(text[k:]) {
			text, hold = text[:k], text[k:]
		}
		// Whitespace waits for what follows: a space before a dropped
		// marker must go with it.
		trimmed := strings.TrimRightFunc(text, unicode.IsSpace)
		text, hold = trimmed, text[len(trimmed):]+hold
	}
	c.pending = hold

	var b strings.Builder
	last := 0
	for _, m := range markerRE.FindAllStringIndex(text, -1) {
		if m[1]-m[0] > maxMarkerLen {
			continue
		}
		b.WriteString(text[last:m[0]])
		last = m[1]
		repl := c.marker(text[m[0]:m[1]], c.out.String()+b.String())
		if repl == "" {
			// Drop the space that led up to the dropped marker.
			kept := strings.TrimRight(b.String(), " ")
			if len(kept) < b.Len() {
				b.Reset()
				b.WriteString(kept)
			}
		}
		b.WriteString(repl)
	}
	b.WriteString(text[last:])
	emit := b.String()
	if c.out.Len() == 0 {
		emit = strings.TrimLeftFunc(emit, unicode.IsSpace)
	}
	// A dropped marker can leave whitespace at the end; it waits too.
	trimmed := strings.TrimRightFunc(emit, unicode.IsSpace)
	if !final {
		c.pending = emit[len(trimmed):] + c.pending
	}
	emit = trimmed
	c.out.WriteString(emit)
	return emit
}

// marker checks one raw marker, given the clean text before it, and
// returns its replacement: renumbered markers, or nothing.
func (c *citer) marker(raw, before string) string {
	if c.notCovered {
		return ""
	}
	var valid []int
	for _, n := range markerNumbers(raw) {
		if n < 1 || n > len(c.passages) {
			c.invented = append(c.invented, n)
			continue
		}
		if !containsInt(valid, n-1) {
			valid = append(valid, n-1)
		}
	}
	if len(valid) == 0 {
		return ""
	}
	claim := lastClaim(before)
	valid = c.supporting(claim, valid)
	if len(valid) == 0 {
		c.unbacked = append(c.unbacked, claim)
		return ""
	}
	var b strings.Builder
	for _, p := range valid {
		k, ok := c.number[p]
		if !ok {
			c.order = append(c.order, p)
			k = len(c.order)
			c.number[p] = k
		}
		c.claims[p] = append(c.claims[p], claim)
		b.WriteString(formatMarker(k))
	}
	return b.String()
}

// markerNumbers reads the passage numbers of a marker; "1-3" is 1, 2, 3.
func markerNumbers(raw string) []int {
	var nums []int
	var prev int
	rangeNext := false
	i := 0
	for i < len(raw) {
		if raw[i] >= '0' && raw[i] <= '9' {
			j := i
			for j < len(raw) && raw[j] >= '0' && raw[j] <= '9' {
				j++
			}
			n, _ := strconv.Atoi(raw[i:j])
			if rangeNext && n > prev && n-prev <= 10 {
				for k := prev + 1; k < n; k++ {
					nums = append(nums, k)
				}
			}
			nums = append(nums, n)
			prev, rangeNext = n, false
			i = j
			continue
		}
		if raw[i] == '-' || strings.HasPrefix(raw[i:], "–") {
			rangeNext = true
		}
		i++
	}
	return nums
}

// lastClaim is the sentence a marker closes: the clean text since the
// previous sentence end, without markers.
func lastClaim(before string) string {
	s := strings.TrimRightFunc(before, unicode.IsSpace)
	for {
		loc := cleanMarkerRE.FindAllStringIndex(s, -1)
		if len(loc) == 0 || loc[len(loc)-1][1] != len(s) {
			break
		}
		s = strings.TrimRightFunc(s[:loc[len(loc)-1][0]], unicode.IsSpace)
	}
	s = strings.TrimRight(s, ".!?。！？")
	start := 0
	for i, r := range s {
		switch r {
		case '\n', '。', '！', '？':
			start = i + len(string(r))
		case '.', '!', '?':
			if i+1 < len(s) && s[i+1] == ' ' {
				start = i + 1
			}
		}
	}
	claim := cleanMarkerRE.ReplaceAllString(s[start:], "")
	return strings.TrimSpace(claim)
}

// supporting returns the cited passages that back a claim at all: each
// must share a content word with it, and together they must hold every
// number it states. A claim with no content words ("Yes.") cannot be
// checked, and keeps its passages.
func (c *citer) supporting(claim string, cited []int) []int {
	if len(words.Terms(claim)) == 0 {
		return cited
	}
	var keep []int
	var texts []string
	for _, p := range cited {
		for _, s := range c.passages[p].sents {
			if c.e.reader.Coverage(claim, s) > 0 {
				keep = append(keep, p)
				texts = append(texts, c.passages[p].Text)
				break
			}
		}
	}
	if len(keep) == 0 || len(unsupportedNumbers(claim, texts...)) > 0 {
		return nil
	}
	return keep
}

// unsupportedNumbers lists the numbers of text that none of sources
// contains, comparing digits only, so that "5,000" matches "5000".
func unsupportedNumbers(text string, sources ...string) []string {
	have := map[string]bool{}
	for _, s := range sources {
		for _, t := range words.Split(s) {
			if t.Num {
				have[digitsOf(t.Norm)] = true
			}
		}
	}
	var missing []string
	for _, t := range words.Split(cleanMarkerRE.ReplaceAllString(text, "")) {
		if t.Num && !have[digitsOf(t.Norm)] {
			missing = append(missing, t.Norm)
		}
	}
	return missing
}

func digitsOf(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}

// citations returns a Citation for each cited passage, in marker order,
// with the passage sentence that best supports what cites it as the quote.
func (c *citer) citations(question string) []Citation {
	out := make([]Citation, 0, len(c.order))
	for _, p := range c.order {
		out = append(out, c.e.citePassage(c.passages[p], strings.Join(c.claims[p], " "), question))
	}
	return out
}

// relevant reports whether a cited answer is about the question at all:
// some sentence that cites a passage, or the passage sentence it is quoted
// with, must share a content word with the question. It catches answers
// that faithfully repeat a passage that is off the point, such as one
// planted to steer the model.
func (c *citer) relevant(question string, cites []Citation) bool {
	if len(words.Terms(question)) == 0 {
		return true
	}
	for i, p := range c.order {
		for _, text := range append(c.claims[p], cites[i].Quote) {
			if c.e.reader.Coverage(question, text) > 0 {
				return true
			}
		}
	}
	return false
}

// citePassage cites p with the sentence that best matches claim, or,
// failing that, the question; the quote is verbatim.
func (e *Engine) citePassage(p Passage, claim, question string) Citation {
	quote := ""
	for _, text := range []string{claim, question} {
		if text == "" {
			continue
		}
		best := 0.0
		for _, s := range p.sents {
			if cov := e.reader.Coverage(text, s); cov > best {
				best, quote = cov, s
			}
		}
		if quote != "" {
			break
		}
	}
	if quote == "" && len(p.sents) > 0 {
		quote = p.sents[0]
	}
	return Citation{Source: p.Source, Title: p.Title, Quote: cutQuote(quote, ""), Score: p.Score}
}

// nearest cites up to three passages from different sources, for an
// answer that says the sources do not cover the question.
func (e *Engine) nearest(passages []Passage, question string) []Citation {
	out := []Citation{}
	for _, p := range passages {
		if len(out) >= 3 {
			break
		}
		if p.Score == 0 || citedSource(out, p.Source) {
			continue
		}
		out = append(out, e.citePassage(p, "", question))
	}
	return out
}

// logDrops logs the markers the model got wrong.
func (c *citer) logDrops(model string) {
	if len(c.invented) > 0 {
		c.log.Warn("model cited passages that were not provided; markers removed",
			"model", model, "cited", c.invented, "provided", len(c.passages))
	}
	for _, claim := range c.unbacked {
		c.log.Warn("model cited passages that do not support the sentence; markers removed",
			"model", model, "sentence", truncateRunes(claim, 200))
	}
}

func containsInt(xs []int, x int) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}
