package web

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/citebot/citebot/corpus"
)

// highlight is what GET /v1/sources/{name} serves for doc and quotes: its
// paragraphs with the quotes marked, and how many quotes were found.
func highlight(doc *corpus.Document, quotes []string) ([][]segment, int) {
	st := newSourceText(doc)
	marks, found := st.find(quotes)
	var paras [][]segment
	for p := range st.paragraphs(marks) {
		paras = append(paras, slices.Clone(p))
	}
	return paras, found
}

func marked(paras [][]segment) string {
	var parts []string
	for _, p := range paras {
		for _, s := range p {
			if s.Mark {
				parts = append(parts, s.Text)
			}
		}
	}
	return strings.Join(strings.Fields(strings.Join(parts, " ")), " ")
}

func TestHighlight(t *testing.T) {
	text := "Title line\nNAV BOILERPLATE\nFirst  para ends\nhere. Second\tone starts.\n\nAd block\nLast para é ü."
	span := func(s string) corpus.Span {
		i := strings.Index(text, s)
		return corpus.Span{Start: i, End: i + len(s)}
	}
	doc := &corpus.Document{Text: text, Body: []corpus.Span{
		span("Title line"), span("First  para ends\nhere. Second\tone starts."), span("Last para é ü."),
	}}
	tests := []struct {
		name   string
		quotes []string
		want   string
		found  int
	}{
		{"whitespace collapsed", []string{"para ends here. Second one"}, "para ends here. Second one", 1},
		{"across a dropped boilerplate paragraph", []string{"Title line First para"}, "Title line First para", 1},
		{"multibyte", []string{"para é ü."}, "para é ü.", 1},
		{"not in body", []string{"NAV BOILERPLATE"}, "", 0},
		{"absent", []string{"nothing like it"}, "", 0},
		{"blank", []string{"   "}, "", 0},
		{"two quotes", []string{"Title", "starts."}, "Title starts.", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			paras, found := highlight(doc, tt.quotes)
			if found != tt.found {
				t.Errorf("found %d, want %d", found, tt.found)
			}
			if got := marked(paras); got != tt.want {
				t.Errorf("marked %q, want %q", got, tt.want)
			}
			if len(paras) != 3 {
				t.Errorf("got %d paragraphs, want the 3 body spans", len(paras))
			}
			for _, p := range paras {
				for _, s := range p {
					if strings.Contains(s.Text, "BOILERPLATE") || strings.Contains(s.Text, "Ad block") {
						t.Errorf("boilerplate shown: %q", s.Text)
					}
				}
			}
		})
	}
	// A document without Body spans shows all its text.
	paras, found := highlight(&corpus.Document{Text: "just  text"}, []string{"just text"})
	if found != 1 || marked(paras) != "just text" {
		t.Errorf("no body: got %v %d", paras, found)
	}
}

func TestValidSourceName(t *testing.T) {
	tests := []struct {
		name string
		want bool
	}{
		{"000_2bc005b4439df7f9.txt", true},
		{"sub/dir/a file.md", true},
		{"café.html", true},
		{"", false},
		{"..", false},
		{"../etc/passwd", false},
		{"a/../../b", false},
		{"a/./b", false},
		{"./a", false},
		{"/etc/passwd", false},
		{"a//b", false},
		{"a/", false},
		{`..\..\windows`, false},
		{"a\x00b", false},
		{"a\nb", false},
		{"\xff", false},
		{strings.Repeat("a", 1025), false},
	}
	for _, tt := range tests {
		if got := validSourceName(tt.name); got != tt.want {
			t.Errorf("validSourceName(%q) = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// FuzzHighlight checks that any document and quote give paragraphs that
// are exactly the body text, with marks that match the quote when found.
func FuzzHighlight(f *testing.F) {
	f.Add("Alpha  beta.\nGamma delta.", "beta. Gamma", 3)
	f.Add("é\xffü  x", "\xff ü", 1)
	f.Add("", "", 0)
	f.Add("a\u00a0b c", "a b", 2)
	f.Fuzz(func(t *testing.T, text, quote string, cut int) {
		var body []corpus.Span
		if cut > 0 && len(text) > 0 {
			c := cut % (len(text) + 1)
			body = []corpus.Span{{Start: 0, End: c}, {Start: c, End: len(text)}}
		}
		doc := &corpus.Document{Text: text, Body: body}
		paras, found := highlight(doc, []string{quote})
		var got strings.Builder
		for _, p := range paras {
			for _, s := range p {
				if s.Text == "" {
					t.Fatalf("empty segment in %v", paras)
				}
				got.WriteString(s.Text)
			}
		}
		if got.String() != text {
			t.Fatalf("paragraphs %q do not rebuild the text %q", got.String(), text)
		}
		q := strings.Join(strings.Fields(quote), " ")
		if found == 1 && utf8.ValidString(text) && marked(paras) != q {
			t.Fatalf("marked %q, want %q", marked(paras), q)
		}
	})
}
