package reader

import (
	"slices"
	"strings"
	"testing"

	"github.com/citebot/citebot/corpus"
)

func TestLinearizeRow(t *testing.T) {
	header := []string{"Variable", "Default", "Meaning"}
	tests := []struct {
		name, row string
		want      string // "" for not a row of header
	}{
		{"cells under their names", "GOGC | 100 | Garbage collection target percentage.",
			"Variable: GOGC; Default: 100; Meaning: Garbage collection target percentage."},
		{"a full stop is added", "GOMEMLIMIT | no limit | Soft memory limit",
			"Variable: GOMEMLIMIT; Default: no limit; Meaning: Soft memory limit."},
		{"an empty cell says nothing", "GODEBUG |  | Debugging settings.",
			"Variable: GODEBUG; Meaning: Debugging settings."},
		{"an escaped pipe stays in its cell", `A\|B | 1 | x`, `Variable: A\|B; Default: 1; Meaning: x.`},
		{"too few cells", "GOGC | 100", ""},
		{"prose", "The runtime reads a few environment variables.", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, cells, ok := linearizeRow(header, tt.row)
			if !ok {
				got = ""
			}
			if got != tt.want {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
			for _, c := range cells {
				if got[c.lin:c.lin+c.n] != tt.row[c.row:c.row+c.n] {
					t.Errorf("cell %q read as %q", tt.row[c.row:c.row+c.n], got[c.lin:c.lin+c.n])
				}
			}
		})
	}
}

// TestTableRowMapsToItsQuote checks that a phrase of a row read with its
// header maps to the row as the source has it, cut to the cells it
// touches, and back.
func TestTableRowMapsToItsQuote(t *testing.T) {
	row := "GOGC | 100 | Garbage collection target percentage."
	lin, cells, ok := linearizeRow([]string{"Variable", "Default", "Meaning"}, row)
	if !ok {
		t.Fatal("not read as a row")
	}
	s := &sentence{text: lin, quote: row, cells: cells}
	find := func(p string) (int, int) {
		i := strings.Index(lin, p)
		return i, i + len(p)
	}
	tests := []struct {
		phrase, want string // "" for no cell
	}{
		{"100", "100"},
		{"Default: 100", "100"},
		{"GOGC; Default: 100", "GOGC | 100"},
		{"Garbage collection", "Garbage collection"},
		{"Default", ""},
	}
	for _, tt := range tests {
		t.Run(tt.phrase, func(t *testing.T) {
			a, b, ok := s.toVerbatim(find(tt.phrase))
			got := ""
			if ok {
				got = row[a:b]
			}
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
	a, b := strings.Index(row, "100"), strings.Index(row, "100")+3
	if la, lb, ok := s.fromVerbatim(a, b); !ok || lin[la:lb] != "100" {
		t.Errorf("fromVerbatim(100) = %d, %d, %v", la, lb, ok)
	}
	if got := s.verbatim(); got != row {
		t.Errorf("verbatim() = %q, want the row", got)
	}
}

// TestTablePhrasesAreCells checks that a row offers its cells, whole,
// and itself, never a column name.
func TestTablePhrasesAreCells(t *testing.T) {
	row := "`APP_TIMEOUT` | `30s` | How long a request may take before it is cancelled."
	lin, cells, _ := linearizeRow([]string{"Variable", "Default", "Description"}, row)
	st := Learn(nil)
	toks, marks := st.tokenize("config.md", 0, lin, nil)
	s := &sentence{text: lin, quote: row, cells: cells, toks: toks, marks: marks}
	var got []string
	for _, sp := range s.phrases() {
		got = append(got, lin[sp.start:sp.end])
	}
	want := []string{"APP_TIMEOUT", "30s", "How long a request may take before it is cancelled",
		"Variable: `APP_TIMEOUT`; Default: `30s`; Description: How long a request may take before it is cancelled"}
	if !slices.Equal(got, want) {
		t.Errorf("got %q,\nwant %q", got, want)
	}
}

// TestReadTable checks that a question about a Markdown table is
// answered with the cell its column and row name, from a chunk that
// carries the table's header to its rows.
func TestReadTable(t *testing.T) {
	testExactLeads(t, map[string]string{
		"env.md": "# Runtime settings\n\n" +
			"The runtime reads a few environment variables at start. The table lists them.\n\n" +
			"| Variable | Default | Meaning |\n" +
			"|----------|---------|---------|\n" +
			"| GOGC | 100 | Garbage collection target percentage. |\n" +
			"| GOMAXPROCS | the number of CPUs | Limit on threads running Go code at once. |\n" +
			"| GOMEMLIMIT | no limit | Soft memory limit for the runtime. |\n\n" +
			"Other variables are described in the package documentation.\n",
	}, tableLeads)
}

// tableLeads are asked of the same table as Markdown and as a web page.
var tableLeads = []leadCase{
	{"Which variable sets the soft memory limit?", "GOMEMLIMIT"},
	{"What does GOMAXPROCS default to?", "the number of CPUs"},
}

// TestReadHTMLTable checks the same of a table in a web page, which the
// corpus writes as a Markdown table.
func TestReadHTMLTable(t *testing.T) {
	testExactLeads(t, map[string]string{
		"env.html": "<html><head><title>Runtime settings</title></head><body><h1>Runtime settings</h1>" +
			"<p>The runtime reads a few environment variables at start. The table lists them.</p>" +
			"<table><thead><tr><th>Variable</th><th>Default</th><th>Meaning</th></tr></thead><tbody>" +
			"<tr><td>GOGC</td><td>100</td><td>Garbage collection target percentage.</td></tr>" +
			"<tr><td>GOMAXPROCS</td><td>the number of CPUs</td><td>Limit on threads running Go code at once.</td></tr>" +
			"<tr><td>GOMEMLIMIT</td><td>no limit</td><td>Soft memory limit for the runtime.</td></tr>" +
			"</tbody></table><p>Other variables are described in the package documentation.</p></body></html>",
	}, tableLeads)
}

// FuzzLinearizeRow checks that any row read under any header maps every
// phrase back into the row it quotes, so that a lead is always verbatim.
func FuzzLinearizeRow(f *testing.F) {
	f.Add("Variable | Default", "GOGC | 100", 0, 5)
	f.Add(`a \| b | c`, `x | y \| z`, 3, 9)
	f.Add(" | ", "é | ß.", 1, 2)
	f.Fuzz(func(t *testing.T, header, row string, start, end int) {
		var names []string
		for _, sp := range corpus.TableCells(header) {
			names = append(names, header[sp.Start:sp.End])
		}
		lin, cells, ok := linearizeRow(names, row)
		if !ok {
			return
		}
		s := &sentence{text: lin, quote: row, cells: cells}
		if start < 0 || end > len(lin) || start > end {
			return
		}
		if a, b, ok := s.toVerbatim(start, end); ok && (a < 0 || b > len(row) || a >= b) {
			t.Fatalf("toVerbatim(%d, %d) of %q = %d, %d outside %q", start, end, lin, a, b, row)
		}
		for _, c := range cells {
			if lin[c.lin:c.lin+c.n] != row[c.row:c.row+c.n] {
				t.Fatalf("cell %q read as %q", row[c.row:c.row+c.n], lin[c.lin:c.lin+c.n])
			}
		}
	})
}
