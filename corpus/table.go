package corpus

import "strings"

// A Markdown pipe table is kept as its author wrote it: each row is a
// sentence of its own, and the header row's sentence runs on through the
// delimiter row below it ("Name | Default | --- | --- |"), so that a
// header can be told from a row by its text alone, in a chunk read back
// from any index. Split carries a table's header into every chunk that
// holds its rows, because a row means little without its column names:
// "GOGC | 100" answers "What is the default GOGC?" only beside "Variable |
// Default".

// TableCells splits a table row, as a sentence holds it (without its
// outer pipes), at the pipes that are not escaped, and returns each cell's
// span in row with the space around it trimmed.
func TableCells(row string) []Span {
	var out []Span
	start := 0
	cell := func(end int) {
		s, e := start, end
		for s < e && isCellSpace(row[s]) {
			s++
		}
		for e > s && isCellSpace(row[e-1]) {
			e--
		}
		out = append(out, Span{s, e})
	}
	for i := 0; i < len(row); i++ {
		switch row[i] {
		case '\\':
			i++ // "\|" is a pipe inside a cell
		case '|':
			cell(i)
			start = i + 1
		}
	}
	cell(len(row))
	return out
}

func isCellSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r'
}

// TableHeader reports whether s, a sentence, is the header row of a pipe
// table followed by its delimiter row, and returns the header's cells as
// spans of s. The delimiter row has one cell of dashes (with optional
// alignment colons) for each header cell, as GitHub's tables require.
func TableHeader(s string) ([]Span, bool) {
	if !strings.Contains(s, "-") || !strings.Contains(s, "|") {
		return nil, false
	}
	cells := TableCells(s)
	// The header's closing pipe and the delimiter row's opening one leave
	// an empty cell between them, and a closing pipe one at the end.
	for len(cells) > 0 && cells[len(cells)-1].Start == cells[len(cells)-1].End {
		cells = cells[:len(cells)-1]
	}
	n := len(cells)
	for n > 0 && isDelimiterCell(s[cells[n-1].Start:cells[n-1].End]) {
		n--
	}
	dashes := len(cells) - n
	head := cells[:n]
	if len(head) > 0 && head[len(head)-1].Start == head[len(head)-1].End {
		head = head[:len(head)-1]
	}
	if dashes == 0 || len(head) != dashes {
		return nil, false
	}
	return head, true
}

// isDelimiterCell reports whether c reads as a cell of a delimiter row:
// "---", ":--", "--:", ":-:".
func isDelimiterCell(c string) bool {
	c = strings.TrimPrefix(strings.TrimSuffix(c, ":"), ":")
	return c != "" && strings.Trim(c, "-") == ""
}

// tableLine reports whether the text of sp is a line of a pipe table: on
// its line, only white space, quote markers and the row's opening pipe
// come before it.
func tableLine(text string, sp Span) bool {
	i := sp.Start - 1
	for i >= 0 && (text[i] == ' ' || text[i] == '\t') {
		i--
	}
	if i < 0 || text[i] != '|' {
		return false
	}
	for i--; i >= 0 && text[i] != '\n'; i-- {
		if c := text[i]; c != ' ' && c != '\t' && c != '>' {
			return false
		}
	}
	return true
}

// pipeRow returns the span of the table row on the line text[start:end]
// inside its outer pipes, trimmed; the row's first pipe starts at open.
func pipeRow(text string, start, open, end int) (Span, bool) {
	line := strings.TrimRight(text[start:end], " \t")
	last := start + len(line)
	if strings.HasSuffix(line, "|") && !strings.HasSuffix(line, `\|`) && last-1 > open {
		last--
	}
	return trimSpan(text, open+1, last)
}

// joinDelimiter extends the table row that ends out through sp, the
// delimiter row on the line that starts at lineStart, when that row is
// on the line just above: the header then reads as one (TableHeader)
// wherever its sentence goes.
func joinDelimiter(text string, out []block, lineStart int, sp Span) {
	if n := len(out); n > 0 && out[n-1].kind == kindTable && strings.Count(text[out[n-1].span.End:lineStart], "\n") == 1 {
		out[n-1].span.End = sp.End
	}
}
