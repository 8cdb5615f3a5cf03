package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/citebot/citebot/bot/web"
	"github.com/citebot/citebot/corpus"
	"github.com/citebot/citebot/internal/pdftest"
)

// pdfDocs loads a corpus of pdftest.Report, as reports/q3.pdf, and a
// text file.
func pdfDocs(t *testing.T) []corpus.Document {
	t.Helper()
	dir := t.TempDir()
	pdftest.Write(t, filepath.Join(dir, "reports", "q3.pdf"), pdftest.Report)
	docs, _, err := corpus.Load(context.Background(), corpus.Default(), corpus.LoadOptions{Logger: discard()})
	if err != nil {
		t.Fatal(err)
	}
	pdfs, _, err := corpus.LoadDir(context.Background(), dir, corpus.LoadOptions{Logger: discard()})
	if err != nil {
		t.Fatal(err)
	}
	return append(docs, pdfs...)
}

func TestSourcePageOfPDF(t *testing.T) {
	docs := pdfDocs(t)
	s := web.New(web.Options{Logger: discard()})
	s.SetDocuments(docs)
	srv := httptest.NewServer(s)
	defer srv.Close()
	const quote = "The company hired 14 engineers in the Київ office this quarter."
	q := "?quote=" + url.QueryEscape(quote)

	code, body := getSource(t, srv, "/v1/sources/reports/q3.pdf"+q+"&page=2")
	if code != http.StatusOK || body.Page != 2 || body.QuotesFound != 1 {
		t.Fatalf("got %d, page %d, found %d; want 200, page 2, the quote found", code, body.Page, body.QuotesFound)
	}
	var all, marked strings.Builder
	for _, p := range body.Paragraphs {
		for _, seg := range p {
			all.WriteString(seg.Text + "\n")
			if seg.Mark {
				marked.WriteString(seg.Text)
			}
		}
	}
	if got := strings.Join(strings.Fields(marked.String()), " "); got != quote {
		t.Errorf("marked %q, want %q", got, quote)
	}
	if strings.Contains(all.String(), "third quarter of the year") {
		t.Errorf("page 2 shows page 1's text:\n%s", all.String())
	}

	if code, body := getSource(t, srv, "/v1/sources/reports/q3.pdf"+q+"&page=1"); code != http.StatusOK || body.QuotesFound != 0 {
		t.Errorf("page 1: got %d, found %d; want 200 without the quote, which is on page 2", code, body.QuotesFound)
	}
	if code, body := getSource(t, srv, "/v1/sources/reports/q3.pdf"+q); code != http.StatusOK || body.Page != 0 || body.QuotesFound != 1 {
		t.Errorf("no page: got %d, page %d, found %d; want the whole PDF with the quote", code, body.Page, body.QuotesFound)
	}
	for _, tt := range []struct {
		path string
		code int
	}{
		{"/v1/sources/reports/q3.pdf?page=3", http.StatusNotFound},
		{"/v1/sources/reports/q3.pdf?page=0", http.StatusBadRequest},
		{"/v1/sources/reports/q3.pdf?page=two", http.StatusBadRequest},
		{"/v1/sources/" + docs[0].Source + "?page=1", http.StatusNotFound},
	} {
		if code, body := getSource(t, srv, tt.path); code != tt.code || body.Error == "" {
			t.Errorf("%s: got %d %q, want %d with an error", tt.path, code, body.Error, tt.code)
		}
	}
}
