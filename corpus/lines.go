package corpus

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// blockKind says what markup, if any, introduced a block.
type blockKind uint8

const (
	kindPara     blockKind = iota // a plain paragraph or line
	kindHeading                   // a Markdown heading
	kindList                      // a Markdown list item
	kindQuote                     // a Markdown block quote line
	kindTable                     // a Markdown table row
	kindCode                      // a line of a Markdown fenced code block
	kindLinkOnly                  // a Markdown line made only of links or images
)

// block is one candidate body paragraph: a span of Document.Text trimmed of
// white space and of leading markup.
type block struct {
	span  Span
	kind  blockKind
	level int // heading level, for kindHeading
}

// format is the text format of a document, taken from its file extension.
type format uint8

const (
	formatText format = iota
	formatMarkdown
	formatHTML
)

func formatOf(source string) format {
	ext := strings.ToLower(source[strings.LastIndexByte(source, '.')+1:])
	if !strings.Contains(source, ".") {
		ext = ""
	}
	switch ext {
	case "md", "markdown":
		return formatMarkdown
	case "html", "htm":
		return formatHTML
	}
	return formatText
}

// segment splits a document's text into candidate blocks according to its
// format.
func segment(text string, f format) []block {
	switch f {
	case formatMarkdown:
		return markdownBlocks(text)
	case formatHTML:
		return plainBlocks(text, 0)
	}
	return plainBlocks(text, wrapWidth(text))
}

// plainBlocks makes one block per non-blank line. When width > 0 the text is
// hard-wrapped at about that many characters, and a line that was broken
// only because the next word did not fit is joined with the next line, so
// that a paragraph is one block.
func plainBlocks(text string, width int) []block {
	var out []block
	open := false // whether the last block may continue on the next line
	for start := 0; start <= len(text); {
		end := strings.IndexByte(text[start:], '\n')
		if end < 0 {
			end = len(text)
		} else {
			end += start
		}
		sp, ok := trimSpan(text, start, end)
		switch {
		case !ok:
			open = false
		case open && width > 0 && !looksLikeItem(text[sp.Start:sp.End]):
			out[len(out)-1].span.End = sp.End
		default:
			out = append(out, block{span: sp})
		}
		if ok && width > 0 {
			// Greedy wrapping broke this line here only if the next word
			// would not have fitted.
			n := utf8.RuneCountInString(text[sp.Start:sp.End])
			open = n+1+firstWordLen(text[end:]) > width*85/100
		}
		start = end + 1
	}
	return out
}

// wrapWidth reports the column a plain text file is hard-wrapped at, or 0
// when it is not: every line is short, several lines come close to the
// longest, and those mostly run on into the next line without ending a
// sentence.
func wrapWidth(text string) int {
	maxLen := 0
	for line := range strings.Lines(text) {
		maxLen = max(maxLen, utf8.RuneCountInString(strings.TrimRightFunc(line, unicode.IsSpace)))
		if maxLen > 120 {
			return 0
		}
	}
	if maxLen < 40 {
		return 0
	}
	long, runOn := 0, 0
	prevLong, prevEnds := false, false
	for line := range strings.Lines(text) {
		line = strings.TrimRightFunc(line, unicode.IsSpace)
		if prevLong && strings.TrimSpace(line) != "" {
			long++
			if !prevEnds {
				runOn++
			}
		}
		prevLong = utf8.RuneCountInString(line) >= maxLen*3/4
		prevEnds = endsSentence(line)
	}
	if long >= 3 && runOn*2 >= long {
		return maxLen
	}
	return 0
}

// endsSentence reports whether s ends with sentence punctuation, possibly
// followed by closing quotes or brackets.
func endsSentence(s string) bool {
	return isTerminal(lastNonCloser(s))
}

// firstWordLen is the length in characters of the first word on the line
// that starts s (s begins at a line break or is empty).
func firstWordLen(s string) int {
	s = strings.TrimPrefix(s, "\n")
	s = strings.TrimLeft(s, " \t")
	n := 0
	for _, r := range s {
		if unicode.IsSpace(r) {
			break
		}
		n++
	}
	return n
}

// looksLikeItem reports lines that start a new item even in wrapped text:
// bullets and numbered points.
func looksLikeItem(line string) bool {
	r, size := utf8.DecodeRuneInString(line)
	switch r {
	case '-', '*', '+', '•', '–', '—', '·':
		return len(line) > size && line[size] == ' '
	}
	i := 0
	for i < len(line) && i < 4 && line[i] >= '0' && line[i] <= '9' {
		i++
	}
	return i > 0 && i+1 < len(line) && (line[i] == '.' || line[i] == ')') && line[i+1] == ' '
}
