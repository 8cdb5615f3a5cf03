package reader

import (
	"strings"

	"github.com/citebot/citebot/corpus"
)

// A table row says little alone: "GOGC | 100 | Garbage collection target
// percentage." answers "What is the default GOGC?" only under the header
// "Variable | Default | Meaning". So a row is read as its cells under
// their column names, "Variable: GOGC; Default: 100; Meaning: Garbage
// collection target percentage.", the way table question answering
// flattens a row into text: the question's words then fall beside the
// cell they name, and every feature the models were fitted with (how
// much of the question a sentence covers, how near a phrase stands to
// the question's words) reads the table as it reads prose. The reply
// still quotes the row verbatim, and its lead is a cell of it.

// cellMap ties one cell of a row read with its header to the row itself.
type cellMap struct {
	lin, row int // where the cell starts in the reading and in the row
	n        int // its length, the same in both
}

// linearizeRow reads row, a sentence whose cells line up with header's,
// as its cells after their column names. It reports false for a sentence
// that is not such a row.
func linearizeRow(header []string, row string) (string, []cellMap, bool) {
	cells := corpus.TableCells(row)
	if len(cells) < 2 || len(cells) != len(header) {
		return "", nil, false
	}
	var b strings.Builder
	b.Grow(len(row) + 8*len(header))
	var cm []cellMap
	for k, sp := range cells {
		if sp.End <= sp.Start {
			continue
		}
		if b.Len() > 0 {
			b.WriteString("; ")
		}
		if h := header[k]; h != "" {
			b.WriteString(h)
			b.WriteString(": ")
		}
		cm = append(cm, cellMap{lin: b.Len(), row: sp.Start, n: sp.End - sp.Start})
		b.WriteString(row[sp.Start:sp.End])
	}
	if len(cm) == 0 {
		return "", nil, false
	}
	if last := row[cells[len(cells)-1].Start:cells[len(cells)-1].End]; !strings.HasSuffix(last, ".") {
		b.WriteByte('.')
	}
	return b.String(), cm, true
}

// verbatim returns the sentence as its source has it.
func (s *sentence) verbatim() string {
	if s.cells != nil {
		return s.quote
	}
	return s.text
}

// toVerbatim maps the phrase [start, end) of s.text to the sentence as
// its source has it. For a table row, the phrase is cut to the cells it
// touches; it reports false when it touches none (a column name).
func (s *sentence) toVerbatim(start, end int) (int, int, bool) {
	if s.cells == nil {
		return start, end, true
	}
	lo, hi := -1, -1
	for _, c := range s.cells {
		if start >= c.lin+c.n || end <= c.lin {
			continue
		}
		if lo < 0 {
			lo = c.row + max(start-c.lin, 0)
		}
		hi = c.row + min(end-c.lin, c.n)
	}
	return lo, hi, lo >= 0 && hi > lo
}

// fromVerbatim maps [start, end) of the sentence as its source has it to
// s.text; for a table row, only a phrase inside one cell maps.
func (s *sentence) fromVerbatim(start, end int) (int, int, bool) {
	if s.cells == nil {
		return start, end, true
	}
	for _, c := range s.cells {
		if start >= c.row && end <= c.row+c.n {
			return c.lin + start - c.row, c.lin + end - c.row, true
		}
	}
	return 0, 0, false
}

// phrases returns the candidate phrases of s. A table row's are its
// cells, whole, and the row itself: a cell is the table's unit of
// meaning, and a column name is never an answer. A cell in backticks is
// offered without them, as a literal of prose is.
func (s *sentence) phrases() []span {
	if s.cells == nil {
		return candidates(s.text, s.toks)
	}
	var out []span
	k := 0
	for _, c := range s.cells {
		for k < len(s.toks) && s.toks[k].Start < c.lin {
			k++
		}
		i := k
		for k < len(s.toks) && s.toks[k].End <= c.lin+c.n {
			k++
		}
		if k == i {
			continue // no word in it: "—", "✓"
		}
		sp := span{i: i, j: k, start: c.lin, end: c.lin + c.n, kind: kindSegment}
		if cell := s.text[sp.start:sp.end]; strings.HasSuffix(cell, ".") && !strings.HasSuffix(cell, "..") {
			sp.end-- // a description's full stop
		}
		if cell := s.text[sp.start:sp.end]; len(cell) > 2 && cell[0] == '`' && cell[len(cell)-1] == '`' {
			sp.start, sp.end, sp.kind = sp.start+1, sp.end-1, kindLiteral
		}
		out = append(out, sp)
	}
	if len(s.toks) > 0 {
		out = append(out, span{i: 0, j: len(s.toks), start: 0, end: len(strings.TrimSuffix(s.text, ".")), kind: kindSentence})
	}
	return out
}
