package web_test

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/citebot/citebot/bot/web"
	"github.com/citebot/citebot/corpus"
	"github.com/citebot/citebot/internal/pdftest"
	"github.com/citebot/citebot/retrieval"
)

// TestChatPageNamesPDFPage checks that the page lists a PDF citation with
// its page ("reports/q3.pdf, p. 2"), and that opening it marks the quote
// in the PDF's text.
func TestChatPageNamesPDFPage(t *testing.T) {
	dir := t.TempDir()
	pdftest.Write(t, filepath.Join(dir, "reports", "q3.pdf"), pdftest.Report)
	ctx := context.Background()
	docs, _, err := corpus.LoadDir(ctx, dir, corpus.LoadOptions{Logger: discard()})
	if err != nil {
		t.Fatal(err)
	}
	eng, err := retrieval.NewEngine(ctx, docs, retrieval.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()

	bctx, problems := browser(t)
	s := web.New(web.Options{Logger: discard()})
	s.SetAnswerer(eng)
	s.SetDocuments(docs)
	srv := httptest.NewServer(s)
	defer srv.Close()

	var st pageState
	var marked string
	err = chromedp.Run(bctx,
		chromedp.Navigate(srv.URL+"/"),
		chromedp.WaitVisible("#question", chromedp.ByID),
		ask("How many engineers did the company hire?", 1),
		chromedp.Evaluate(readState, &st),
		chromedp.Click("#transcript > li:nth-child(1) button.source-link", chromedp.ByQuery),
		chromedp.WaitVisible("#source-text mark", chromedp.ByQuery),
		chromedp.Text("#source-text mark", &marked, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatalf("browser: %v", err)
	}
	if len(st.Turns) != 1 || !strings.Contains(st.Turns[0].Answer, "14 engineers") {
		t.Fatalf("got turns %+v, want the answer with 14 engineers", st.Turns)
	}
	if got := st.Turns[0].Sources; len(got) == 0 || got[0] != "reports/q3.pdf, p. 2" {
		t.Errorf("got sources %q, want reports/q3.pdf, p. 2 first", got)
	}
	if got := strings.Join(strings.Fields(marked), " "); !strings.Contains(got, "14 engineers") {
		t.Errorf("marked %q, want the quote with 14 engineers", got)
	}
	noProblems(t, problems, "")
}
