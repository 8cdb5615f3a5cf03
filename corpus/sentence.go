package corpus

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Sentences splits the part of text inside within into sentences and returns
// them as spans of text, in order, trimmed of surrounding white space and
// never empty. The spans are verbatim, so a quote built from them can be
// found in the text again. A single line break inside a sentence stays in
// its span; Split reads it as a space.
//
// A sentence ends at . ! ? or … (with any closing quotes or brackets, and
// footnote marks such as "[c]" or "[12]", after them) when white space and
// then an upper-case letter, a digit or an opening quote follow. A blank
// line always ends one, and CJK full stops end one without needing a
// space. A straight quote opens a quotation only where a word could start.
// These do not end a sentence:
//   - a stop after a title ("Mr.", "Gen.", "Dr.");
//   - a stop after an initial ("Hans-J. Boehm", "Sarita V. Adve"), a short
//     dotted abbreviation ("U.S.", "e.g.", "Ph.D.") or a common abbreviation
//     ("etc.", "Inc.", "Jan."), unless the next word is one that opens
//     sentences ("The", "If", "All"), as in "before B. All operations", or
//     a closing quote follows a common abbreviation ("etc.\" Liszt");
//   - a stop after "No.", "Fig.", "p." and the like when a number follows,
//     and after any lower-case letter then ("r. 1402", "c. 1340", "b. 1950");
//   - a stop inside a number or version ("3.5", "Go 1.23.4"); after a number
//     the stop does end the sentence ("released in Go 1.23. It"), except
//     after a list number at the start of a sentence ("1. Install");
//   - punctuation inside a code span (`x.Y(). Z`) or inside a quotation of
//     one or two words ("C? Go? Cgo!");
//   - an ellipsis followed by a lower-case word.
//
// A stop after a dotted name such as "unsafe.Pointer" or "example.com" ends
// a sentence like any other word.
//
// within is clamped to text and to whole UTF-8 characters.
func Sentences(text string, within Span) []Span {
	start, end := clampSpan(text, within)
	if start >= end {
		return nil
	}
	sg := segmenter{text: text, end: end, s: start, quote: -1}
	i := start
	for i < end {
		// Most bytes are plain letters and spaces: skip them fast.
		for i < end && !sentenceByte[text[i]] {
			i++
		}
		if i >= end {
			break
		}
		c := text[i]
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(text[i:end])
			switch {
			case r == '“' || r == '«' || r == '„':
				if sg.quote < 0 {
					sg.quote = i
				}
			case r == '”' || r == '»':
				sg.quote = -1
			case isTerminal(r):
				i = sg.terminal(i, r, size)
				continue
			}
			i += size
			continue
		}
		switch c {
		case '\n':
			// A blank line is a paragraph break even without punctuation.
			j := i + 1
			for j < end && (text[j] == ' ' || text[j] == '\t' || text[j] == '\r') {
				j++
			}
			if j < end && text[j] == '\n' {
				sg.emit(i, j)
				i = j
				continue
			}
		case '`':
			i = sg.codeSpan(i)
			continue
		case '"':
			// A straight quote opens a quotation where a word could
			// start, and closes one after a word: a sentence that starts
			// inside a quotation ("… rule\", and yet \"despite …\". Thus")
			// must not read its closing quotes as opening ones.
			switch {
			case !opensQuote(text, sg.s, i):
				sg.quote = -1
			case sg.quote < 0:
				sg.quote = i
			default:
				sg.quote = -1
			}
		case '.', '!', '?':
			i = sg.terminal(i, rune(c), 1)
			continue
		}
		i++
	}
	sg.emit(end, end)
	return sg.out
}

// opensQuote reports whether the straight quote at i, in the sentence
// that starts at start, stands where a quotation opens: first in the
// sentence, or after white space or an opening bracket or dash.
func opensQuote(text string, start, i int) bool {
	if i <= start {
		return true
	}
	r, _ := utf8.DecodeLastRuneInString(text[start:i])
	return unicode.IsSpace(r) || isOpener(r) || r == '-' || r == '/'
}

// sentenceByte marks the bytes Sentences must look at: punctuation that may
// end a sentence, line breaks, backticks and quotes, and the first bytes
// of multi-byte characters (… and curly quotes among them).
var sentenceByte = func() (t [256]bool) {
	for _, c := range []byte("\n`\".!?") {
		t[c] = true
	}
	for c := utf8.RuneSelf; c < 256; c++ {
		t[c] = true
	}
	return t
}()

// segmenter is the state of one Sentences call.
type segmenter struct {
	text  string
	end   int
	s     int // start of the current sentence
	quote int // offset of a double quote opened in this sentence, or -1
	out   []Span
}

// emit ends the current sentence at end and starts the next at next.
func (sg *segmenter) emit(end, next int) {
	sg.out = appendTrimmed(sg.out, sg.text, sg.s, end)
	sg.s, sg.quote = next, -1
}

// maxCodeSpan is how far a code span's closing backticks are looked for; a
// lone backtick then costs a bounded search.
const maxCodeSpan = 256

// codeSpan returns where to go on from the backticks at i: past the code
// span they open if it closes soon, on the same paragraph, or just past
// them.
func (sg *segmenter) codeSpan(i int) int {
	text := sg.text
	n := i
	for n < sg.end && text[n] == '`' {
		n++
	}
	run := text[i:n]
	limit := min(sg.end, n+maxCodeSpan)
	j := strings.Index(text[n:limit], run)
	if j < 0 || strings.Contains(text[n:n+j], "\n\n") {
		return n
	}
	return n + j + len(run)
}

// terminal handles sentence punctuation r (size bytes) at i and returns
// where to go on.
func (sg *segmenter) terminal(i int, r rune, size int) int {
	text, end := sg.text, sg.end
	j := i + size
	single := r == '.'
	closed := false // a closing double quote follows the punctuation
	for j < end {
		r2, sz := utf8.DecodeRuneInString(text[j:end])
		switch {
		case isTerminal(r2):
			single = false
		case r2 == '"' || r2 == '”' || r2 == '»':
			closed = true
		case !isCloser(r2):
			goto scanned
		}
		j += sz
	}
scanned:
	if isCJKTerminal(r) {
		sg.emit(j, j)
		return j
	}
	// A footnote mark after the stop belongs to its sentence: "a
	// ledge.[c] Link uses", "in 1830.[n 6] Here", as Wikipedia's text
	// keeps them.
	if mark := footnoteMarks(text[j:end]); mark > 0 {
		if j+mark >= end || asciiSpace(text[j+mark]) {
			j += mark
		}
	}
	if j >= end {
		return j
	}
	if r2, _ := utf8.DecodeRuneInString(text[j:end]); !unicode.IsSpace(r2) {
		return j
	}
	k := j
	for k < end {
		c := text[k]
		if c < utf8.RuneSelf {
			if !asciiSpace(c) {
				break
			}
			k++
			continue
		}
		r3, sz := utf8.DecodeRuneInString(text[k:end])
		if !unicode.IsSpace(r3) {
			break
		}
		k += sz
	}
	if k >= end {
		return k
	}
	next, _ := utf8.DecodeRuneInString(text[k:end])
	if !startsSentence(next) {
		return j
	}
	if sg.quote >= 0 && !closed && shortQuote(text[sg.quote:i]) {
		return j // "C? Go? Cgo!" is a title, not three sentences
	}
	if single && !stopEnds(text[sg.s:i], text[k:end], closed) {
		return j
	}
	sg.emit(j, k)
	return k
}

// footnoteMarks returns the length of the footnote marks that open s,
// such as "[c]", "[n 6]" or "[citation needed][12]": a short bracketed
// text on one line, without brackets inside. It is 0 when s opens with
// none.
func footnoteMarks(s string) int {
	n := 0
	for n < len(s) && s[n] == '[' {
		closing := -1
	scan:
		for k := n + 1; k < len(s) && k-n < maxFootnoteMark; k++ {
			switch s[k] {
			case ']':
				closing = k
				break scan
			case '[', '\n', '(':
				break scan
			}
		}
		if closing <= n+1 {
			break
		}
		n = closing + 1
	}
	return n
}

// maxFootnoteMark is the longest footnote mark, brackets included:
// "[citation needed]" fits, a bracketed clause does not.
const maxFootnoteMark = 24

// shortQuote reports whether a quotation so far, from its opening mark,
// has fewer than three words.
func shortQuote(q string) bool {
	words, in := 0, false
	for i := 0; i < len(q); i++ {
		sp := asciiSpace(q[i])
		if !sp && !in {
			words++
			if words >= 3 {
				return false
			}
		}
		in = !sp
	}
	return true
}

// clampSpan limits sp to text and moves its ends onto character boundaries,
// so that callers may pass any span without risking a panic.
func clampSpan(text string, sp Span) (int, int) {
	start, end := max(sp.Start, 0), min(sp.End, len(text))
	if start >= end {
		return 0, 0
	}
	for start < end && !utf8.RuneStart(text[start]) {
		start++
	}
	for end < len(text) && end > start && !utf8.RuneStart(text[end]) {
		end--
	}
	return start, end
}

// appendTrimmed appends text[start:end] trimmed of white space, if anything
// is left.
func appendTrimmed(out []Span, text string, start, end int) []Span {
	if sp, ok := trimSpan(text, start, end); ok {
		out = append(out, sp)
	}
	return out
}

// trimSpan trims white space from both ends of text[start:end].
func trimSpan(text string, start, end int) (Span, bool) {
	for start < end {
		r, size := utf8.DecodeRuneInString(text[start:end])
		if !unicode.IsSpace(r) && !isInvisible(r) {
			break
		}
		start += size
	}
	for end > start {
		r, size := utf8.DecodeLastRuneInString(text[start:end])
		if !unicode.IsSpace(r) && !isInvisible(r) {
			break
		}
		end -= size
	}
	return Span{start, end}, end > start
}

// isInvisible reports characters that take no room on screen and so must
// not make a span look non-empty: zero-width spaces, joiners and BOMs.
func isInvisible(r rune) bool {
	switch r {
	case '\u200b', '\u200c', '\u200d', '\u2060', '\ufeff', '\u00ad':
		return true
	}
	return false
}

func isTerminal(r rune) bool {
	switch r {
	case '.', '!', '?', '…', '。', '！', '？', '‼', '⁇', '⁈', '⁉':
		return true
	}
	return false
}

func isCJKTerminal(r rune) bool {
	return r == '。' || r == '！' || r == '？'
}

// isCloser reports characters that may follow sentence punctuation and
// still belong to the sentence: closing quotes and brackets, and Markdown
// emphasis.
func isCloser(r rune) bool {
	switch r {
	case '"', '\'', '”', '’', '»', '›', ')', ']', '}', '」', '』', '）', '*', '_':
		return true
	}
	return false
}

// isOpener reports characters that may open a sentence before its first
// letter.
func isOpener(r rune) bool {
	switch r {
	case '"', '\'', '“', '‘', '„', '‚', '«', '‹', '(', '[', '¿', '¡', '「', '『', '（', '—', '–', '*', '_':
		return true
	}
	return false
}

// startsSentence reports whether r can be the first character of a new
// sentence: a capital, a digit, an opening quote, or a letter of a script
// without case.
func startsSentence(r rune) bool {
	switch {
	case unicode.IsUpper(r), unicode.IsTitle(r), unicode.IsDigit(r), isOpener(r):
		return true
	case unicode.IsLetter(r):
		return !unicode.IsLower(r)
	}
	return false
}

// titles never end a sentence when followed by a full stop: a name follows.
var titles = toSet(`mr mrs ms mx dr prof st gen sen rep gov lt col capt cpt sgt maj adm cmdr brig
	pres supt insp det rev hon fr mt ft messrs mme mlle`)

// abbreviations do not end a sentence when followed by a full stop, unless
// the next word is one that opens sentences.
var abbreviations = toSet(`jr sr ave blvd rd vs etc approx dept est inc ltd corp co bros cf viz ca al
	jan feb mar apr jun jul aug sep sept oct nov dec`)

// numberAbbreviations are abbreviations only when a number follows, as in
// "No. 5" or "Art. 3"; otherwise the word may well end a sentence ("No.").
var numberAbbreviations = toSet(`no nos art vol vols fig figs pp ch sec para op opp nr fl`)

// sentenceOpeners are words that often open an English sentence and are
// rarely a name, so after "B." or "etc." they mark a new sentence. They are
// part of the language, like the abbreviations, not of any topic.
var sentenceOpeners = toSet(`the a an this that these those it its if in on at for from all some many
	most each every any no not we i you he she they there then when while but and or so as to of by
	with after before although though however also our their his her my your what which who how why
	where both one such since because once only even yet still thus hence here see note`)

// stopEnds reports whether a full stop ends the sentence: before is the
// sentence up to the stop, and after the text from the next word on;
// closed reports a closing quote right after the stop, which ends the
// sentence after an abbreviation too ("Herz, Liszt, Hiller, etc.\" Liszt
// was there").
func stopEnds(before, after string, closed bool) bool {
	// The word before the stop: letters and inner dots ("U.S", "e.g").
	i := len(before)
	for n := 0; i > 0 && n < 24; n++ {
		c := before[i-1]
		if c < utf8.RuneSelf {
			if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '.') {
				break
			}
			i--
			continue
		}
		r, size := utf8.DecodeLastRuneInString(before[:i])
		if !unicode.IsLetter(r) {
			break
		}
		i -= size
	}
	for i < len(before) && before[i] == '.' {
		i++
	}
	word := before[i:]
	if word == "" {
		// A number or code before the stop. A list number at the start of
		// the sentence ("1.", "2.1.") is not a sentence of its own.
		return !isListNumber(trimOpeners(before))
	}
	if len(word) > 7 && strings.IndexByte(word, '.') < 0 {
		return true // the common case: an ordinary word
	}
	atStart := trimOpeners(before[:i]) == ""
	if strings.IndexByte(word, '.') >= 0 {
		// U.S, e.g, i.e, a.m, Ph.D are abbreviations; unsafe.Pointer,
		// example.com and C.putchar are names.
		for part := range strings.SplitSeq(word, ".") {
			if utf8.RuneCountInString(part) > 2 {
				return true
			}
		}
		if word == "e.g" || word == "i.e" {
			return false
		}
		return opensSentence(after)
	}
	if utf8.RuneCountInString(word) == 1 {
		r, _ := utf8.DecodeRuneInString(word)
		switch {
		case atStart:
			return false // a list letter: "a. Install", "B. Usage"
		case unicode.IsUpper(r):
			return opensSentence(after) // an initial, as in "J. Smith", unless "B. All"
		}
		// A lower-case letter before a number abbreviates a word that
		// dates or places it: "(r. 1402–1424)", "(c. 1340)", "(b. 1950)",
		// "p. 12".
		return !startsWithDigit(after)
	}
	var buf [8]byte
	lw := lowerASCII(buf[:0], word)
	switch {
	case titles[string(lw)]:
		return false
	case abbreviations[string(lw)]:
		return closed || opensSentence(after)
	case numberAbbreviations[string(lw)]:
		return !startsWithDigit(after)
	case atStart && isRoman(word):
		return false // "IV. Results"
	}
	return true
}

// startsWithDigit reports whether s opens with an ASCII digit.
func startsWithDigit(s string) bool { return s != "" && '0' <= s[0] && s[0] <= '9' }

// trimOpeners trims white space and opening quotes and brackets from the
// start of s.
func trimOpeners(s string) string {
	return strings.TrimLeftFunc(s, func(r rune) bool { return unicode.IsSpace(r) || isOpener(r) })
}

// opensSentence reports whether s starts with a word that often opens a
// sentence.
func opensSentence(s string) bool {
	var buf [16]byte
	n := 0
	for n < len(s) && n < len(buf) {
		c := s[n]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		} else if c < 'a' || c > 'z' {
			break
		}
		buf[n] = c
		n++
	}
	if n == len(s) || n == len(buf) || !isLetterByte(s[n]) {
		return sentenceOpeners[string(buf[:n])]
	}
	return false
}

func isLetterByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c >= utf8.RuneSelf
}

// lowerASCII appends s lower-cased to dst, ASCII letters only; other bytes
// are copied.
func lowerASCII(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}

// isListNumber reports a list or section number: "1", "12", "2.1", "3.4.1".
func isListNumber(s string) bool {
	if s == "" || len(s) > 9 {
		return false
	}
	digits := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits++
			if digits > 3 {
				return false
			}
		case c == '.' && digits > 0:
			digits = 0
		default:
			return false
		}
	}
	return digits > 0
}

// isRoman reports a short upper-case Roman numeral.
func isRoman(w string) bool {
	if len(w) > 5 {
		return false
	}
	for i := 0; i < len(w); i++ {
		switch w[i] {
		case 'I', 'V', 'X', 'L', 'C':
		default:
			return false
		}
	}
	return true
}
