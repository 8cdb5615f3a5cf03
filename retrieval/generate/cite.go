package generate

import (
	"fmt"
	"log/slog"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/citebot/citebot"
	"github.com/citebot/citebot/retrieval/words"

	"github.com/citebot/citebot/corpus"
	"github.com/citebot/citebot/retrieval"
)

// citer turns a model's answer, as it streams in, into the text users see.
// Every marker [n] is checked as soon as it is complete: a number that
// names no passage is dropped, as are the markers of a sentence that shares
// nothing with the passages it cites; the rest are renumbered in order of
// first use, so that [k] in the text is Citations[k-1]. A leading
// NOT_COVERED mark is recognised and removed before anything is emitted.
// Then each sentence is shown only once it is known to cite a passage:
// a sentence that cites none is the model's own, unchecked, and is
// dropped (a sentence that states nothing checkable, such as "Yes.",
// stays). The
// text shown stops at maxChars, marked as cut with an ellipsis.
//
// Text is held back while it could still be the start of a marker or of
// the mark, and each sentence until its markers have come, so the stream
// flows a sentence at a time. write and close return the text that may be
// shown now; together they are the final text exactly.
type citer struct {
	e        Retriever
	passages []retrieval.Passage
	log      *slog.Logger
	maxChars int // 0: no limit

	pending    string          // raw text not yet checked
	out        strings.Builder // clean text so far, every sentence
	decided    bool            // whether the answer starts with the mark is known
	notCovered bool
	order      []int            // cited passages (0-based), in order of first citation
	number     map[int]int      // passage → its marker number (1-based)
	claims     map[int][]string // passage → the sentences that cite it
	invented   []int            // numbers that named no passage
	unbacked   []string         // sentences whose markers were dropped as unsupported

	held    string          // clean text whose sentences are not yet decided
	shown   strings.Builder // the sentences shown
	uncited []string        // sentences dropped for citing no passage
	cut     bool            // the text reached maxChars and was cut
}

func newCiter(e Retriever, passages []retrieval.Passage, maxChars int, log *slog.Logger) *citer {
	return &citer{e: e, passages: passages, maxChars: maxChars, log: log, number: map[int]int{}, claims: map[int][]string{}}
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

// openBracketRE matches text that ends inside what could become a marker.
var openBracketRE = regexp.MustCompile(`\[\d*$`)

// cleanMarkerRE matches the markers citer itself writes.
var cleanMarkerRE = regexp.MustCompile(`\[\d+\]`)

// write takes the next piece of the model's answer and returns the text
// that can be shown now.
func (c *citer) write(s string) string {
	c.pending += s
	if !c.decided && !c.decide(false) {
		return ""
	}
	return c.gate(c.drain(false), false)
}

// close returns the rest of the text once the model has finished.
func (c *citer) close() string {
	if !c.decided {
		c.decide(true)
	}
	return c.gate(c.drain(true), true)
}

// end finishes the text by how the model said it finished, and returns
// the text that may be shown now. "stop" is a clean end. "length" means the
// model ran out of tokens: the sentences already complete stand, the one
// it was writing is dropped, and the text is marked as cut. Any other
// reason, or none (the stream just ended), means the answer stopped short
// of its end and cannot be trusted: that is an error. Once the text was
// cut at maxChars, how the model finished no longer matters.
func (c *citer) end(finish string) (string, error) {
	switch {
	case c.cut:
		return "", nil
	case finish == "stop":
		return c.close(), nil
	case finish == "length":
		return c.truncate(), nil
	case finish == "":
		return "", errIncomplete("the answer ended without a finish reason")
	}
	return "", errIncomplete("the answer ended with finish reason " + strconv.Quote(finish))
}

// truncate ends the text when the model ran out of tokens: the sentences
// already complete stand, the one it was writing is dropped, and the
// answer is marked as cut. It returns the text that may be shown now.
func (c *citer) truncate() string {
	if !c.decided {
		c.decide(true)
	}
	emit := c.gate(c.drain(false), false)
	if sentenceClosedRE.MatchString(c.held) {
		// The last sentence reached its full stop (and its markers)
		// before the tokens ran out.
		emit += c.gate("", true)
	}
	c.held = ""
	if c.shown.Len() > 0 && !c.cut {
		c.cut = true
		emit += c.mark()
	}
	return emit
}

// sentenceClosedRE matches text that ends a sentence: its closing
// punctuation, then any markers.
var sentenceClosedRE = regexp.MustCompile(`[.!?。！？…]["'”’)\]*_]*(?:\s*\[\d+\])*\s*$`)

// text is the answer to show: the sentences kept.
func (c *citer) text() string { return strings.TrimSpace(c.shown.String()) }

// full reports whether the text has reached maxChars, so that the rest of
// the model's answer need not be read.
func (c *citer) full() bool { return c.cut }

// gate passes on, from the clean text s, the sentences that are complete
// and cite a passage, holding back the last one until the text after it
// shows where it ends; final passes on the rest.
func (c *citer) gate(s string, final bool) string {
	c.held += s
	var emit strings.Builder
	for !c.cut {
		lead := len(c.held) - len(strings.TrimLeftFunc(c.held, unicode.IsSpace))
		body := c.held[lead:]
		if body == "" {
			break
		}
		end, ok := sentenceEnd(body)
		if !ok {
			if !final {
				break
			}
			end = len(body)
		}
		sent := strings.TrimRightFunc(body[:end], unicode.IsSpace)
		if c.notCovered || cleanMarkerRE.MatchString(sent) || claimless(sent) {
			emit.WriteString(c.show(separator(c.held[:lead]), sent))
		} else {
			c.uncited = append(c.uncited, sent)
		}
		c.held = body[end:]
	}
	return emit.String()
}

// claimless reports whether a sentence states nothing that a passage could
// back: it has only stop words and yes or no ("Yes.", "No, it did not.").
func claimless(sent string) bool {
	for _, t := range words.Split(sent) {
		if t.Stem != "" && t.Norm != "yes" && t.Norm != "no" {
			return false
		}
	}
	return true
}

// show adds sent, after sep, to the text shown and returns what it added:
// all of it, or as much as maxChars allows, cut with an ellipsis.
func (c *citer) show(sep, sent string) string {
	if c.shown.Len() == 0 {
		sep = ""
	}
	// Two characters stay free for the " …" that marks a cut.
	budget := c.maxChars - 2
	used := utf8.RuneCountInString(c.shown.String())
	if c.maxChars <= 0 || used+utf8.RuneCountInString(sep+sent) <= budget {
		c.shown.WriteString(sep + sent)
		return sep + sent
	}
	c.cut = true
	// Keep the sentence's markers: the part kept is still what they cite.
	markers := strings.Join(cleanMarkerRE.FindAllString(sent, -1), "")
	room := budget - used - utf8.RuneCountInString(sep) - utf8.RuneCountInString(markers) - 1
	if room < 40 {
		// Too little room for a useful part of it: end with the sentences
		// shown so far.
		return c.mark()
	}
	part := words.Truncate(strings.TrimSpace(cleanMarkerRE.ReplaceAllString(sent, "")), room)
	out := sep + part
	if markers != "" {
		out += " " + markers
	}
	c.shown.WriteString(out)
	return out
}

// mark ends the text shown with an ellipsis to say it was cut, and
// returns what it added.
func (c *citer) mark() string {
	if c.shown.Len() == 0 || strings.HasSuffix(c.shown.String(), "…") {
		return ""
	}
	c.shown.WriteString(" …")
	return " …"
}

// separator is the white space to put between two sentences shown, from
// the white space between them in the model's text: a paragraph break, a
// line break or a space.
func separator(ws string) string {
	switch n := strings.Count(ws, "\n"); {
	case n >= 2:
		return "\n\n"
	case n == 1:
		return "\n"
	}
	return " "
}

// sentenceEnd finds where the first sentence of text ends, its markers
// included, and reports false while that cannot be known yet: until the
// next sentence has begun, or the line has ended.
func sentenceEnd(text string) (int, bool) {
	line := len(text)
	if k := strings.IndexByte(text, '\n'); k >= 0 {
		line = k
	}
	sents := corpus.Sentences(text, corpus.Span{Start: 0, End: line})
	if len(sents) == 0 {
		return line, line < len(text)
	}
	end := sents[0].End
	if len(sents) == 1 && line == len(text) {
		return 0, false
	}
	// Markers written after the full stop ("… in 2004. [1]") belong to
	// the sentence before them.
	end += leadingMarkers(text[end:line])
	if strings.TrimSpace(text[end:line]) == "" {
		if line == len(text) {
			return 0, false
		}
		end = line
	}
	return end, true
}

// leadingMarkersRE matches markers, with white space, at the start of text.
var leadingMarkersRE = regexp.MustCompile(`^(?:\s*\[\d+\])+`)

// leadingMarkers is the length of the markers that start text.
func leadingMarkers(text string) int {
	return len(leadingMarkersRE.FindString(text))
}

// decide looks for the not-covered mark at the start of the answer. It
// reports false while the text so far could still be the mark.
func (c *citer) decide(final bool) bool {
	t := strings.TrimLeft(c.pending, " \t\r\n*_`\"'#>")
	norm := strings.ToUpper(strings.NewReplacer(" ", "_", "-", "_").Replace(t))
	if strings.HasPrefix(norm, notCoveredMark) {
		c.notCovered = true
		c.pending = strings.TrimLeft(t[len(notCoveredMark):], markTail)
		c.decided = true
		return true
	}
	if !final && len(norm) < len(notCoveredMark) && strings.HasPrefix(notCoveredMark, norm) {
		return false
	}
	c.decided = true
	return true
}

// markTail is what may follow the not-covered mark before the model's
// sentence: emphasis, quotes, a colon, a dash.
const markTail = " \t\r\n*_`\"':.-–—"

// drain emits pending text up to what must still be held back.
func (c *citer) drain(final bool) string {
	if c.notCovered && c.out.Len() == 0 {
		// What follows the mark may arrive after it.
		c.pending = strings.TrimLeft(c.pending, markTail)
	}
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
			// "[[7]1]" must not become "[1]", a marker citer did not
			// write: keep the two sides apart.
			if openBracketRE.MatchString(c.out.String() + b.String()) {
				repl = " "
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
		for _, s := range c.passages[p].Sentences {
			if c.e.Coverage(claim, s) > 0 {
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

// cited lists the passages the text shown cites, in marker order: the
// markers are numbered by first use, so when the text was cut the ones it
// still holds are the first few.
func (c *citer) cited() []int {
	last := 0
	for _, m := range cleanMarkerRE.FindAllString(c.shown.String(), -1) {
		if n, err := strconv.Atoi(strings.Trim(m, "[]")); err == nil {
			last = max(last, n)
		}
	}
	return c.order[:min(last, len(c.order))]
}

// citations returns a Citation for each cited passage, in marker order,
// with the passage sentence that best supports what cites it as the quote.
func (c *citer) citations(question string) []citebot.Citation {
	order := c.cited()
	out := make([]citebot.Citation, 0, len(order))
	for _, p := range order {
		out = append(out, citePassage(c.e, c.passages[p], strings.Join(c.claims[p], " "), question))
	}
	return out
}

// relevant reports whether a cited answer is about the question at all:
// some sentence that cites a passage, or the passage sentence it is quoted
// with, must share a content word with the question. It catches answers
// that faithfully repeat a passage that is off the point, such as one
// planted to steer the model.
func (c *citer) relevant(question string, cites []citebot.Citation) bool {
	if len(words.Terms(question)) == 0 {
		return true
	}
	for i, p := range c.cited() {
		for _, text := range append(c.claims[p], cites[i].Quote) {
			if c.e.Coverage(question, text) > 0 {
				return true
			}
		}
	}
	return false
}

// citePassage cites p with the sentence that best matches claim, or,
// failing that, the question, or else its first; the quote is verbatim.
func citePassage(r Retriever, p retrieval.Passage, claim, question string) citebot.Citation {
	at := -1
	for _, text := range []string{claim, question} {
		if text == "" {
			continue
		}
		best := 0.0
		for i, s := range p.Sentences {
			if cov := r.Coverage(text, s); cov > best {
				best, at = cov, i
			}
		}
		if at >= 0 {
			break
		}
	}
	return p.Cite(max(at, 0))
}

// nearest cites up to three passages from different sources, for an
// answer that says the sources do not cover the question.
func nearest(r Retriever, passages []retrieval.Passage, question string) []citebot.Citation {
	out := []citebot.Citation{}
	for _, p := range passages {
		if len(out) >= 3 {
			break
		}
		if p.Score == 0 || slices.ContainsFunc(out, func(c citebot.Citation) bool { return c.Source == p.Source }) {
			continue
		}
		out = append(out, citePassage(r, p, "", question))
	}
	return out
}

// logDrops logs the markers and sentences of the model's answer that were
// dropped.
func (c *citer) logDrops(model string) {
	for _, sent := range c.uncited {
		c.log.Warn("model wrote a sentence that cites no passage; dropped",
			"model", model, "sentence", words.Truncate(sent, 200))
	}
	if len(c.invented) > 0 {
		c.log.Warn("model cited passages that were not provided; markers removed",
			"model", model, "cited", c.invented, "provided", len(c.passages))
	}
	for _, claim := range c.unbacked {
		c.log.Warn("model cited passages that do not support the sentence; markers removed",
			"model", model, "sentence", words.Truncate(claim, 200))
	}
}

// formatMarker is the citation marker of passage number n.
func formatMarker(n int) string { return fmt.Sprintf("[%d]", n) }

func containsInt(xs []int, x int) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}
