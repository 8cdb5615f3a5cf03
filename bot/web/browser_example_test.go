package web_test

import (
	"net/http/httptest"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/citebot/citebot/bot/web"
)

// TestPageShowsTheCorpusExample checks that the page's input suggests the
// question the server gives, not one about the seed articles.
func TestPageShowsTheCorpusExample(t *testing.T) {
	ctx, problems := browser(t)
	const want = "What is the Kestrel Street Bridge?"
	s := web.New(web.Options{Logger: discard(), ExampleQuestion: func() string { return want }})
	srv := httptest.NewServer(s)
	defer srv.Close()

	var placeholder string
	err := chromedp.Run(ctx,
		chromedp.Navigate(srv.URL+"/"),
		chromedp.WaitVisible("#question", chromedp.ByID),
		chromedp.Poll(`document.getElementById("question").placeholder !== "Ask about the documents"`, nil,
			chromedp.WithPollingTimeout(20*time.Second)),
		chromedp.Evaluate(`document.getElementById("question").placeholder`, &placeholder),
	)
	if err != nil {
		t.Fatalf("browser: %v", err)
	}
	if placeholder != want {
		t.Errorf("got placeholder %q, want %q", placeholder, want)
	}
	if p := problems(); len(p) > 0 {
		t.Errorf("page problems: %q", p)
	}
}
