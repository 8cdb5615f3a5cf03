package corpus

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Sentences splits the part of text inside within into sentences and returns
// them as spans of text, in order, trimmed of surrounding white space and
// never empty. The spans are verbatim, so a quote built from them can be
// found in the text again.
//
// A sentence ends at . ! ? or … (with any closing quotes or brackets after
// them) when white space and then an upper-case letter, a digit or an
// opening quote follow. A full stop after a common abbreviation ("Mr.",
// "Gen.", "Jan.", "e.g.", "U.S."), after a single initial ("J.") or in a
// number ("3.5") does not end a sentence, nor does an ellipsis followed by
// a lower-case word. A blank line always ends one. CJK full stops end a
// sentence without needing a space.
//
// within is clamped to text and to whole UTF-8 characters.
func Sentences(text string, within Span) []Span {
	start, end := clampSpan(text, within)
	if start >= end {
		return nil
	}
	var out []Span
	s, i := start, start
	for i < end {
		r, size := utf8.DecodeRuneInString(text[i:end])
		switch {
		case r == '\n':
			// A blank line is a paragraph break even without punctuation.
			j := i + size
			for j < end && (text[j] == ' ' || text[j] == '\t' || text[j] == '\r') {
				j++
			}
			if j < end && text[j] == '\n' {
				out = appendTrimmed(out, text, s, i)
				s, i = j, j
				continue
			}
		case isTerminal(r):
			j := i + size
			single := r == '.'
			for j < end {
				r2, sz := utf8.DecodeRuneInString(text[j:end])
				if isTerminal(r2) {
					single = false
				} else if !isCloser(r2) {
					break
				}
				j += sz
			}
			if isCJKTerminal(r) {
				out = appendTrimmed(out, text, s, j)
				s, i = j, j
				continue
			}
			if j >= end {
				i = j
				continue
			}
			r2, _ := utf8.DecodeRuneInString(text[j:end])
			if !unicode.IsSpace(r2) {
				i = j
				continue
			}
			k := j
			for k < end {
				r3, sz := utf8.DecodeRuneInString(text[k:end])
				if !unicode.IsSpace(r3) {
					break
				}
				k += sz
			}
			if k >= end {
				i = k
				continue
			}
			next, _ := utf8.DecodeRuneInString(text[k:end])
			if !startsSentence(next) {
				i = j
				continue
			}
			if single && r == '.' && isAbbreviation(text[s:i], next) {
				i = j
				continue
			}
			out = appendTrimmed(out, text, s, j)
			s, i = k, k
			continue
		}
		i += size
	}
	return appendTrimmed(out, text, s, end)
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

// abbreviations never end a sentence when followed by a full stop.
var abbreviations = map[string]bool{
	"mr": true, "mrs": true, "ms": true, "mx": true, "dr": true, "prof": true,
	"st": true, "gen": true, "sen": true, "rep": true, "gov": true, "lt": true,
	"col": true, "capt": true, "cpt": true, "sgt": true, "maj": true,
	"adm": true, "cmdr": true, "brig": true, "pres": true, "supt": true,
	"insp": true, "det": true, "rev": true, "hon": true, "fr": true,
	"jr": true, "sr": true, "mt": true, "ft": true, "ave": true, "blvd": true,
	"rd": true, "vs": true, "etc": true, "approx": true, "dept": true,
	"est": true, "inc": true, "ltd": true, "corp": true, "co": true,
	"bros": true, "cf": true, "viz": true, "ca": true, "al": true,
	"jan": true, "feb": true, "mar": true, "apr": true, "jun": true,
	"jul": true, "aug": true, "sep": true, "sept": true, "oct": true,
	"nov": true, "dec": true,
}

// numberAbbreviations are abbreviations only when a number follows, as in
// "No. 5" or "Art. 3"; otherwise the word may well end a sentence ("No.").
var numberAbbreviations = map[string]bool{
	"no": true, "nos": true, "art": true, "vol": true, "vols": true,
	"fig": true, "figs": true, "pp": true, "p": true, "ch": true,
	"sec": true, "para": true, "op": true, "nr": true,
}

// isAbbreviation reports whether the text before a full stop ends with an
// abbreviation, so that the stop does not end the sentence. next is the
// first character after the stop and its white space.
func isAbbreviation(before string, next rune) bool {
	// The word before the stop: letters and inner dots ("U.S", "e.g").
	i := len(before)
	for n := 0; i > 0 && n < 24; n++ {
		r, size := utf8.DecodeLastRuneInString(before[:i])
		if !unicode.IsLetter(r) && r != '.' {
			break
		}
		i -= size
	}
	word := strings.TrimLeft(before[i:], ".")
	if word == "" {
		return false
	}
	if strings.Contains(word, ".") {
		return true // U.S., e.g., i.e., a.m.
	}
	if utf8.RuneCountInString(word) == 1 {
		r, _ := utf8.DecodeRuneInString(word)
		return unicode.IsUpper(r) // an initial, as in "J. Smith"
	}
	if len(word) > 6 {
		return false
	}
	lw := strings.ToLower(word)
	if abbreviations[lw] {
		return true
	}
	return numberAbbreviations[lw] && unicode.IsDigit(next)
}
