package web_test

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/citebot/citebot/bot/web"
	"github.com/citebot/citebot/retrieval"
)

// TestChatPageNamesPDFPage checks that the page lists a PDF citation with
// its page ("reports/q3.pdf, p. 2"), and that opening it shows that page
// with the quote marked.
func TestChatPageNamesPDFPage(t *testing.T) {
	ctx := context.Background()
	docs := pdfDocs(t)
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
	var marked, name, shown string
	err = chromedp.Run(bctx,
		chromedp.Navigate(srv.URL+"/"),
		chromedp.WaitVisible("#question", chromedp.ByID),
		ask("How many engineers did the company hire?", 1),
		chromedp.Evaluate(readState, &st),
		chromedp.Click("#transcript > li:nth-child(1) button.source-link", chromedp.ByQuery),
		chromedp.WaitVisible("#source-text mark", chromedp.ByQuery),
		chromedp.Text("#source-text mark", &marked, chromedp.ByQuery),
		chromedp.Text("#source-name", &name, chromedp.ByID),
		chromedp.Text("#source-text", &shown, chromedp.ByID),
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
	// The panel shows the cited page, not the whole PDF.
	if name != "reports/q3.pdf, p. 2" || strings.Contains(shown, "third quarter of the year") {
		t.Errorf("source panel names %q and shows %q, want page 2 of reports/q3.pdf alone", name, shown)
	}
	noProblems(t, problems, "")
}
