package corpus

import (
	"slices"
	"strings"
	"testing"
)

func TestTableHeader(t *testing.T) {
	tests := []struct {
		name, s string
		want    []string // nil: not a header
	}{
		{"header and delimiter", "Variable | Default | Meaning | |---|:--:|--:|", []string{"Variable", "Default", "Meaning"}},
		{"line break kept", "a | b |\n|---|:-:|", []string{"a", "b"}},
		{"no closing pipe on the header", "a | b\n| --- | --- |", []string{"a", "b"}},
		{"an empty column name", " | b | | --- | --- |", []string{"", "b"}},
		{"counts differ", "a | b | c | | --- | --- |", nil},
		{"a row", "GOGC | 100 | Garbage collection.", nil},
		{"dashes in prose", "Use --verbose | or -v", nil},
		{"only a delimiter", "|---|---|", nil},
		{"empty", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spans, ok := TableHeader(tt.s)
			var got []string
			for _, sp := range spans {
				got = append(got, tt.s[sp.Start:sp.End])
			}
			if ok != (tt.want != nil) || !slices.Equal(got, tt.want) {
				t.Errorf("got %q, %v; want %q", got, ok, tt.want)
			}
		})
	}
}

func TestTableCells(t *testing.T) {
	tests := []struct {
		row  string
		want []string
	}{
		{"GOGC | 100 | Garbage collection.", []string{"GOGC", "100", "Garbage collection."}},
		{`a \| b | c`, []string{`a \| b`, "c"}},
		{"a ||  c", []string{"a", "", "c"}},
		{"one cell", []string{"one cell"}},
	}
	for _, tt := range tests {
		t.Run(tt.row, func(t *testing.T) {
			var got []string
			for _, sp := range TableCells(tt.row) {
				got = append(got, tt.row[sp.Start:sp.End])
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// FuzzTableHeader checks that any text parses without a panic into
// cells that are spans of it.
func FuzzTableHeader(f *testing.F) {
	for _, s := range []string{"a | b |\n|---|:-:|", "x | y", `\|`, "|", "- | -", "ü | ß | | -- | -- |"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		spans, ok := TableHeader(s)
		for _, sp := range append(spans, TableCells(s)...) {
			if sp.Start < 0 || sp.End > len(s) || sp.Start > sp.End {
				t.Fatalf("span %v outside %q", sp, s)
			}
		}
		if ok && len(spans) == 0 {
			t.Fatalf("a header of no cells in %q", s)
		}
	})
}

// TestSplitCarriesTableHeader checks that every chunk holding rows of a
// Markdown table starts its table part with the table's header, so that
// a row is never read without its column names.
func TestSplitCarriesTableHeader(t *testing.T) {
	var b strings.Builder
	b.WriteString("# Settings\n\nThe server reads these settings at start.\n\n")
	b.WriteString("| Name | Default | Description |\n| --- | --- | --- |\n")
	for i := range 40 {
		b.WriteString("| SETTING_" + strings.Repeat("X", i%7) + " | " + strings.Repeat("9", i%5+1) +
			" | What the setting number " + strings.Repeat("i", i%9+1) + " controls, in a few words. |\n")
	}
	b.WriteString("\nChanges take effect after a restart.\n")
	doc := Document{Source: "settings.md", Text: b.String()}
	chunks := Split(doc, ChunkOptions{Size: 300})
	if len(chunks) < 4 {
		t.Fatalf("got %d chunks, want the table spread over several", len(chunks))
	}
	header := "Name | Default | Description |\n| --- | --- | --- |"
	rows := 0
	for _, c := range chunks {
		var sents []string
		for _, sp := range c.Sentences {
			sents = append(sents, doc.Text[sp.Start:sp.End])
		}
		for i, s := range sents {
			if !strings.HasPrefix(s, "SETTING_") {
				continue
			}
			rows++
			if !slices.Contains(sents[:i], header) {
				t.Errorf("chunk %s: row %q without the header before it in %q", c.ID, s, sents)
			}
		}
		for i := 1; i < len(c.Sentences); i++ {
			if c.Sentences[i].Start < c.Sentences[i-1].End {
				t.Errorf("chunk %s: sentences out of order: %v", c.ID, c.Sentences)
			}
		}
	}
	if rows < 40 {
		t.Errorf("got %d rows in chunks, want every one of the 40", rows)
	}
}
