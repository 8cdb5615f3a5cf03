package web_test

import (
	"context"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/citebot/citebot/bot/web"
)

// chromium finds the browser. Without it the test skips on a developer's
// machine, but fails in CI, where .ci/run installs it.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "/usr/bin/chromium"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("chromium is not installed, but CI must run the browser test: .ci/run installs the Debian packages chromium and chromium-driver")
	}
	t.Skip("chromium is not installed; apt-get install chromium chromium-driver to run the browser test")
	return ""
}

// browser starts headless Chromium with a fresh profile and collects the
// page's JavaScript exceptions and console errors (CSP violations among
// them).
func browser(t *testing.T) (context.Context, func() []string) {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium(t)),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.WindowSize(1200, 900),
	}
	// A deadline so that a hung browser fails the test instead of CI.
	ctx, cancelTimeout := context.WithTimeout(context.Background(), 2*time.Minute)
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	bctx, cancelBrowser := chromedp.NewContext(actx)
	t.Cleanup(func() {
		// Close the browser gracefully and wait for it to exit, so that
		// it has stopped writing its profile before the temp dir goes.
		_ = chromedp.Cancel(bctx)
		cancelBrowser()
		cancelAlloc()
		cancelTimeout()
	})

	var mu sync.Mutex
	var problems []string
	chromedp.ListenTarget(bctx, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch ev := ev.(type) {
		case *runtime.EventExceptionThrown:
			problems = append(problems, "exception: "+ev.ExceptionDetails.Error())
		case *log.EventEntryAdded:
			if ev.Entry.Level == log.LevelError {
				problems = append(problems, "console: "+ev.Entry.Text)
			}
		}
	})
	if err := chromedp.Run(bctx, log.Enable()); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return bctx, func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), problems...)
	}
}

func TestPageInBrowser(t *testing.T) {
	ctx, problems := browser(t)
	eng := newEngine(t)
	want, err := eng.Answer(context.Background(), questionOf("when did Estonia ratify Ottawa?"))
	if err != nil || len(want.Citations) == 0 {
		t.Fatalf("engine: %+v %v", want, err)
	}
	s := web.New(web.Options{Logger: discard()})
	s.SetAnswerer(eng)
	s.SetDocuments(corpusDocs(t))
	srv := httptest.NewServer(s)
	defer srv.Close()

	var answer, cites, marked, sourceName, status string
	err = chromedp.Run(ctx,
		chromedp.Navigate(srv.URL+"/"),
		chromedp.WaitVisible("#question", chromedp.ByID),
		chromedp.SendKeys("#question", "when did Estonia ratify Ottawa?", chromedp.ByID),
		chromedp.Click("#ask", chromedp.ByID),
		chromedp.WaitVisible("#result", chromedp.ByID),
		chromedp.Text("#answer", &answer, chromedp.ByID),
		chromedp.Text("#citations", &cites, chromedp.ByID),
		chromedp.Click("#citations li:first-child button.source-link", chromedp.ByQuery),
		chromedp.WaitVisible("#source-text mark", chromedp.ByQuery),
		chromedp.Text("#source-text mark", &marked, chromedp.ByQuery),
		chromedp.Text("#source-name", &sourceName, chromedp.ByID),
		chromedp.Text("#source-status", &status, chromedp.ByID),
	)
	if err != nil {
		t.Fatalf("browser: %v", err)
	}
	if !strings.Contains(answer, "2004") || !strings.Contains(answer, "[1]") {
		t.Errorf("answer shown %q, want 2004 with a [1] marker", answer)
	}
	if !strings.Contains(cites, "000_2bc005b4439df7f9.txt") {
		t.Errorf("sources shown %q, want 000_2bc005b4439df7f9.txt", cites)
	}
	if sourceName != want.Citations[0].Source {
		t.Errorf("opened %q, want %q", sourceName, want.Citations[0].Source)
	}
	if got := strings.Join(strings.Fields(marked), " "); got != want.Citations[0].Quote {
		t.Errorf("highlighted %q, want the quote %q", got, want.Citations[0].Quote)
	}
	if !strings.Contains(status, "highlighted") {
		t.Errorf("source status %q", status)
	}

	// A [n] marker in the answer opens the same source.
	var markerSource string
	err = chromedp.Run(ctx,
		chromedp.Click("#source-close", chromedp.ByID),
		chromedp.WaitNotVisible("#source", chromedp.ByID),
		chromedp.Click("#answer a.marker", chromedp.ByQuery),
		chromedp.WaitVisible("#source-text mark", chromedp.ByQuery),
		chromedp.Text("#source-name", &markerSource, chromedp.ByID),
	)
	if err != nil {
		t.Fatalf("browser, marker: %v", err)
	}
	if markerSource != want.Citations[0].Source {
		t.Errorf("marker opened %q, want %q", markerSource, want.Citations[0].Source)
	}
	if p := problems(); len(p) > 0 {
		t.Errorf("page errors:\n%s", strings.Join(p, "\n"))
	}
}

func TestPageInBrowserWithToken(t *testing.T) {
	ctx, problems := browser(t)
	const token = "0123456789abcdef-browser-token"
	s := web.New(web.Options{Logger: discard(), APIToken: token})
	s.SetAnswerer(newEngine(t))
	s.SetDocuments(corpusDocs(t))
	srv := httptest.NewServer(s)
	defer srv.Close()

	var status, answer, marked string
	err := chromedp.Run(ctx,
		chromedp.Navigate(srv.URL+"/"),
		chromedp.WaitVisible("#question", chromedp.ByID),
		chromedp.SendKeys("#question", "when did Estonia ratify Ottawa?", chromedp.ByID),
		chromedp.Click("#ask", chromedp.ByID),
		chromedp.WaitVisible("#token", chromedp.ByID),
		chromedp.Text("#status", &status, chromedp.ByID),
		chromedp.SendKeys("#token", token, chromedp.ByID),
		chromedp.Click("#ask", chromedp.ByID),
		chromedp.WaitVisible("#result", chromedp.ByID),
		chromedp.Text("#answer", &answer, chromedp.ByID),
		chromedp.Click("#citations li:first-child button.source-link", chromedp.ByQuery),
		chromedp.WaitVisible("#source-text mark", chromedp.ByQuery),
		chromedp.Text("#source-text mark", &marked, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatalf("browser: %v", err)
	}
	if !strings.Contains(status, "token") {
		t.Errorf("status after 401 %q, want a request for the token", status)
	}
	if !strings.Contains(answer, "2004") || marked == "" {
		t.Errorf("with token: answer %q, highlighted %q", answer, marked)
	}
	// The one expected console error is the 401 before the token was typed.
	for _, p := range problems() {
		if !strings.Contains(p, "401") {
			t.Errorf("page error: %s", p)
		}
	}
}
