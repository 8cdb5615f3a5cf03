package corpus

import (
	"iter"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// blockKind says what markup, if any, introduced a block.
type blockKind uint8

const (
	kindPara     blockKind = iota // a plain paragraph or line
	kindHeading                   // a heading: Markdown, HTML or a text file's "# Title"
	kindList                      // a list item
	kindQuote                     // a Markdown block quote line
	kindTable                     // a Markdown table row
	kindCode                      // a line of code: fenced, indented or <pre>
	kindLinkOnly                  // a line made only of links or images
)

// block is one candidate body paragraph: a span of Document.Text trimmed of
// white space and of leading markup.
type block struct {
	span  Span
	kind  blockKind
	level int // heading level, for kindHeading; 0 for a heading found by its shape
	// links is the share of the block's letters that are link text, and
	// away the share that links off the page (not to a #anchor), in
	// percent. HTML pages measure it; a Markdown line made only of links
	// counts 100.
	links, away int
}

// format is the text format of a document, taken from its file extension.
type format uint8

const (
	formatText format = iota
	formatMarkdown
	formatHTML
	formatDOCX
	formatPPTX
	formatPDF
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
	case "docx":
		return formatDOCX
	case "pptx":
		return formatPPTX
	case "pdf":
		return formatPDF
	}
	return formatText
}

// segment splits a document's text into candidate blocks according to its
// format.
func segment(doc Document) []block {
	switch formatOf(doc.Source) {
	case formatMarkdown:
		return markdownBlocks(doc.Text)
	case formatHTML, formatDOCX, formatPPTX:
		return pageBlocks(doc.Text, doc.layout)
	}
	return textBlocks(doc.Text)
}

// lineSpans yields the start and end of each line of text, without its
// line break; text that ends with a line break ends with an empty line.
func lineSpans(text string) iter.Seq2[int, int] {
	return func(yield func(int, int) bool) {
		for start := 0; start <= len(text); {
			end := strings.IndexByte(text[start:], '\n')
			if end < 0 {
				end = len(text)
			} else {
				end += start
			}
			if !yield(start, end) {
				return
			}
			start = end + 1
		}
	}
}

// lineBlocks makes one block per non-blank line.
func lineBlocks(text string) []block {
	var out []block
	for start, end := range lineSpans(text) {
		if sp, ok := trimSpan(text, start, end); ok {
			out = append(out, block{span: sp})
		}
	}
	return out
}

// textLine is one line of a plain text file, measured.
type textLine struct {
	start, end int  // the line in the text, without its line break
	content    Span // the line trimmed of white space
	indent     int  // columns of leading white space, a tab counting 4
	width      int  // indent plus the characters of the content
	blank      bool
}

// textLines splits text into measured lines.
func textLines(text string) []textLine {
	out := make([]textLine, 0, strings.Count(text, "\n")+1)
	for start, end := range lineSpans(text) {
		l := textLine{start: start, end: end}
		sp, ok := trimSpan(text, start, end)
		l.blank = !ok
		if ok {
			l.content = sp
			for i := start; i < sp.Start; i++ {
				if text[i] == '\t' {
					l.indent += 4 - l.indent%4
				} else if text[i] == ' ' {
					l.indent++
				}
			}
			l.width = l.indent + utf8.RuneCountInString(text[sp.Start:sp.End])
		}
		out = append(out, l)
	}
	return out
}

// textBlocks splits plain text into blocks: paragraphs, list items,
// headings and lines of code. Hard-wrapped lines (an 80-column README, a
// manual, Go package documentation) are joined into one paragraph by
// general rules, never by the words on them:
//   - a blank line ends a paragraph;
//   - a list item ("- x", "* x", "1. x", "a) x") starts a block, and lines
//     indented under it continue it;
//   - "# Title" after a blank line is a heading;
//   - a line indented four or more columns deeper than the text around it,
//     after a blank line or a line ending in ":", starts code, one block a
//     line;
//   - otherwise a line continues the paragraph above when it has the same
//     indentation (or the paragraph's first line was indented) and the line
//     above was broken only for width: it was full (the next word would not
//     have fitted within the file's wrap width), or it was not short (40
//     columns, or half the wrap width) and either did not end a sentence
//     while this line starts in lower case, or ended in a comma, semicolon
//     or dash.
//
// A short line that does not end a sentence, followed by a capitalised
// line, is a title or heading: it stays a block of its own.
func textBlocks(text string) []block {
	lines := textLines(text)
	width := wrapWidth(text, lines)
	var (
		out         []block
		open        = -1 // index in out of the block the next line may continue
		openLines   int  // lines in the open block
		openIndent  int  // indentation of the open block's first line (list: its marker)
		proseIndent = -1 // indentation of the last paragraph line
		codeIndent  = -1 // indentation of the code block being read, or -1
		prev        *textLine
		prevBlank   = true
		alone       []int // blocks of one line between blank lines
		openWordy   bool  // the open code block started with a line of words
	)
	for i := range lines {
		l := &lines[i]
		if l.blank {
			open, prevBlank = -1, true
			continue
		}
		content := text[l.content.Start:l.content.End]
		if codeIndent >= 0 && l.indent < codeIndent {
			codeIndent = -1
		}
		item, itemOff := listMarker(content)
		switch {
		case codeIndent >= 0 || (!item && proseIndent >= 0 && l.indent >= proseIndent+4 &&
			(prevBlank || (prev != nil && endsWithByte(text[prev.content.Start:prev.content.End], ':')))):
			if codeIndent < 0 {
				codeIndent = l.indent
			}
			// Go documentation indents prose too (lists of settings):
			// lines that read as words join like a paragraph's.
			if open >= 0 && out[open].kind == kindCode && openWordy &&
				continues(text, &out[open], openLines, openIndent, prev, l, width) {
				out[open].span.End = l.content.End
				openLines++
				break
			}
			out = append(out, block{span: l.content, kind: kindCode})
			open, openLines, openIndent = len(out)-1, 1, l.indent
			openWordy = wordy(content)
		case l.indent <= 3 && (prevBlank || open < 0 || endsSentence(text[prev.content.Start:prev.content.End])) &&
			headingMarker(content) > 0:
			level := headingMarker(content)
			sp, ok := trimSpan(text, l.content.Start+level, l.content.End)
			if !ok {
				open = -1
				break
			}
			if loc := mdClosingAtx.FindStringIndex(text[sp.Start:sp.End]); loc != nil && loc[0] > 0 {
				sp.End = sp.Start + loc[0]
			}
			out = append(out, block{span: sp, kind: kindHeading, level: level})
			open = -1
		case item:
			sp, ok := trimSpan(text, l.content.Start+itemOff, l.content.End)
			if !ok {
				open = -1
				break
			}
			out = append(out, block{span: sp, kind: kindList})
			open, openLines, openIndent = len(out)-1, 1, l.indent
		case open >= 0 && continues(text, &out[open], openLines, openIndent, prev, l, width):
			out[open].span.End = l.content.End
			openLines++
			if out[open].kind == kindPara {
				proseIndent = l.indent
			}
		default:
			out = append(out, block{span: l.content})
			open, openLines, openIndent = len(out)-1, 1, l.indent
			proseIndent = l.indent
			if prevBlank && (i+1 == len(lines) || lines[i+1].blank) {
				alone = append(alone, len(out)-1)
			}
		}
		prev, prevBlank = l, false
	}
	// A title-shaped line alone between blank lines, before a paragraph,
	// is a heading. Its level is 0: found by shape, not by markup.
	for _, b := range alone {
		if b+1 < len(out) && out[b+1].kind == kindPara && titleShaped(text[out[b].span.Start:out[b].span.End]) &&
			readsAsProse(text[out[b+1].span.Start:out[b+1].span.End]) {
			out[b].kind, out[b].level = kindHeading, 0
		}
	}
	return out
}

// wordy reports a line made mostly of letters, digits and spaces: prose,
// not code. A URL counts as a word.
func wordy(s string) bool {
	other, n := 0, 0
	for w := range strings.FieldsSeq(s) {
		n += utf8.RuneCountInString(w) + 1
		if strings.Contains(w, "://") {
			continue
		}
		for _, r := range w {
			if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
				other++
			}
		}
	}
	return other*100 < n*15
}

// titleShaped reports a line that could be a heading: one to eight words,
// starting with a capital or a digit, not in capitals, and not ending with
// sentence punctuation or a comma.
func titleShaped(s string) bool {
	f := measure(s)
	if f.words == 0 || f.words > 8 || f.allCaps() || f.url || f.handle {
		return false
	}
	first, _ := utf8.DecodeRuneInString(s)
	if !unicode.IsUpper(first) && !unicode.IsDigit(first) {
		return false
	}
	switch f.endPunct {
	case '.', '!', '?', '…', ',', ';':
		return false
	}
	return true
}

// readsAsProse reports running text: a sentence of at least three words,
// or a long line.
func readsAsProse(s string) bool {
	f := measure(s)
	return f.prose()
}

// continues reports whether line l continues block b, whose last line is
// prev; see textBlocks.
func continues(text string, b *block, lines, firstIndent int, prev, l *textLine, width int) bool {
	switch {
	case b.kind == kindList:
		// Continuation lines of an item are indented under its text, or
		// (lazily) not at all when the line above plainly runs on.
		if l.indent <= firstIndent && !runsOn(text, prev, l, width) {
			return false
		}
	case l.indent == prev.indent:
	case lines == 1 && l.indent < prev.indent:
		// The paragraph's first line was indented.
	default:
		return false
	}
	return runsOn(text, prev, l, width)
}

// runsOn reports whether the text of line prev runs on into line l: prev
// was full for the wrap width, or it is not short and ends mid-sentence
// while l starts in lower case, or ends with a comma, semicolon or dash.
func runsOn(text string, prev, l *textLine, width int) bool {
	p := text[prev.content.Start:prev.content.End]
	next := text[l.content.Start:l.content.End]
	if width > 0 && prev.width <= width*115/100 && l.width <= width*115/100 &&
		prev.width+1+firstWordLen(next) > width*80/100 {
		return true // the line was full: the next word did not fit
	}
	last, _ := utf8.DecodeLastRuneInString(p)
	if prev.width < 40 && (fewWords(p, 3) || width == 0 || prev.width < width/2) {
		return false // a label, a title, a name or a menu entry
	}
	switch last {
	case ',', ';', '-', '–', '—', '(':
		return true
	}
	if endsSentence(p) {
		return false
	}
	first, _ := utf8.DecodeRuneInString(next)
	return unicode.IsLower(first)
}

// fewWords reports whether s has fewer than n words.
func fewWords(s string, n int) bool {
	words, in := 0, false
	for i := 0; i < len(s); i++ {
		sp := asciiSpace(s[i])
		if !sp && !in {
			words++
			if words >= n {
				return false
			}
		}
		in = !sp
	}
	return true
}

func endsWithByte(s string, c byte) bool { return s != "" && s[len(s)-1] == c }

// wrapWidth reports the column a plain text file is hard-wrapped at, or 0
// when it is not. Only lines followed by another line of the same
// paragraph count, and only lines of up to 160 columns: a long URL, a
// table row or an unwrapped paragraph elsewhere in the file does not
// hide the wrapping of the rest. The width is the 90th percentile of their
// lengths; the file is wrapped if at least three lines come close to it
// and most of those run on into the next line without ending a sentence.
func wrapWidth(text string, lines []textLine) int {
	var lens []int
	inPara := func(i int) bool {
		return !lines[i].blank && i+1 < len(lines) && !lines[i+1].blank && lines[i].width <= 160
	}
	for i := range lines {
		if inPara(i) {
			lens = append(lens, lines[i].width)
		}
	}
	if len(lens) < 3 {
		return 0
	}
	slices.Sort(lens)
	w := lens[(len(lens)-1)*9/10]
	if w < 30 {
		return 0
	}
	long, runOn := 0, 0
	for i := range lines {
		l := &lines[i]
		if inPara(i) && l.width >= w*3/4 && l.width <= w {
			long++
			if !endsSentence(text[l.content.Start:l.content.End]) {
				runOn++
			}
		}
	}
	if long >= 3 && runOn*2 >= long {
		return w
	}
	return 0
}

// endsSentence reports whether s ends with sentence punctuation, possibly
// followed by closing quotes or brackets.
func endsSentence(s string) bool {
	return isTerminal(lastNonCloser(s))
}

// firstWordLen is the length in characters of the first word of s.
func firstWordLen(s string) int {
	n := 0
	for _, r := range s {
		if unicode.IsSpace(r) {
			break
		}
		n++
	}
	return n
}

// headingMarker returns the level of a "# Title" line, or 0.
func headingMarker(line string) int {
	n := 0
	for n < len(line) && line[n] == '#' {
		n++
	}
	if n == 0 || n > 6 || n >= len(line) || (line[n] != ' ' && line[n] != '\t') {
		return 0
	}
	return n
}

// listMarker reports whether a line starts a list item, and the length of
// its marker with the space after it: a bullet ("-", "*", "+", "•", "·",
// "◦", "▪") or a number or letter followed by "." or ")" ("1.", "12)",
// "a)"). A dash or an em dash that opens a quotation is not a marker.
func listMarker(line string) (bool, int) {
	r, size := utf8.DecodeRuneInString(line)
	switch r {
	case '-', '*', '+', '•', '·', '◦', '▪':
		if len(line) > size && (line[size] == ' ' || line[size] == '\t') {
			return true, size + 1
		}
		return false, 0
	}
	i := 0
	for i < len(line) && i < 3 && line[i] >= '0' && line[i] <= '9' {
		i++
	}
	if i == 0 && len(line) > 1 && (line[1] == ')') && unicode.IsLetter(rune(line[0])) {
		i = 1 // "a) first"
	}
	if i > 0 && i+1 < len(line) && (line[i] == '.' || line[i] == ')') && line[i+1] == ' ' {
		return true, i + 2
	}
	return false, 0
}
