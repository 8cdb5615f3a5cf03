package web_test

import (
	"context"
	"flag"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/citebot/citebot/bot/web"
	"github.com/citebot/citebot/retrieval/generate"
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

// noProblems fails t for each page error that does not contain expected,
// such as the status of a request the test makes fail on purpose; ""
// expects none.
func noProblems(t *testing.T, problems func() []string, expected string) {
	t.Helper()
	for _, p := range problems() {
		if expected == "" || !strings.Contains(p, expected) {
			t.Errorf("page error: %s", p)
		}
	}
}

// screenshots, when set, is the folder where TestChatPageInBrowser saves
// the page at each width, for the README:
//
//	go test ./bot/web -run 'TestChatPageInBrowser$' -screenshots ../../docs
var screenshots = flag.String("screenshots", "", "save the chat page's screenshots (web-1280.png, web-390.png) in this folder")

// pageState is what the chat page shows, read from its DOM.
type pageState struct {
	Turns []struct {
		Question  string   `json:"question"`
		Rewritten string   `json:"rewritten"` // "" when not shown
		Answer    string   `json:"answer"`    // "" when not shown
		Pending   bool     `json:"pending"`
		Error     string   `json:"error"` // "" when not shown
		Heading   string   `json:"heading"`
		Sources   []string `json:"sources"`
		Quotes    int      `json:"quotes"` // quotes shown under the sources
	} `json:"turns"`
	Input        string `json:"input"`
	TokenVisible bool   `json:"tokenVisible"`
	Status       string `json:"status"`
}

// readState is the script that fills a pageState. An element counts as
// shown when it takes up space, so that CSS overriding hidden is caught.
const readState = `(() => {
  const shown = (e) => !!e && e.getClientRects().length > 0;
  const text = (e) => shown(e) ? e.textContent.trim() : "";
  return {
    turns: [...document.querySelectorAll("#transcript > li")].map((li) => ({
      question: text(li.querySelector(".question")),
      rewritten: text(li.querySelector(".rewritten")),
      answer: text(li.querySelector(".answer")),
      pending: li.querySelector(".answer").classList.contains("pending"),
      error: text(li.querySelector(".error")),
      heading: text(li.querySelector(".sources h3")),
      sources: [...li.querySelectorAll(".sources button.source-link")].map((b) => b.textContent),
      quotes: li.querySelectorAll(".sources blockquote").length,
    })),
    input: document.getElementById("question").value,
    tokenVisible: shown(document.getElementById("token-row")) || shown(document.getElementById("token")),
    status: document.getElementById("status").textContent,
  };
})()`

// ask types q, sends it and waits until turn n (1-based) is finished:
// answered or failed.
func ask(q string, n int) chromedp.Action {
	done := fmt.Sprintf(`(() => {
  const li = document.querySelector("#transcript > li:nth-child(%d)");
  return !!li && !li.querySelector(".answer").classList.contains("pending") && !document.getElementById("ask").disabled;
})()`, n)
	return chromedp.Tasks{
		chromedp.SendKeys("#question", q, chromedp.ByID),
		chromedp.Click("#ask", chromedp.ByID),
		chromedp.Poll(done, nil, chromedp.WithPollingTimeout(20*time.Second)),
	}
}

// rect is an element's box on the page.
type rect struct{ Left, Right, Top, Bottom float64 }

func boxOf(sel string, r *rect) chromedp.Action {
	return chromedp.Evaluate(fmt.Sprintf(`(() => { const b = document.querySelector(%q).getBoundingClientRect();
  return {Left: b.left, Right: b.right, Top: b.top + scrollY, Bottom: b.bottom + scrollY}; })()`, sel), r)
}

// TestChatPageInBrowser asks two questions and a follow-up at a desktop
// and a phone width: all three turns stay, the follow-up is shown as
// rewritten, a refusal lists its closest passages, a source opens beside
// (desktop) or below (phone) with its quote marked, no token box shows,
// and "New conversation" starts afresh.
func TestChatPageInBrowser(t *testing.T) {
	eng := newEngine(t)
	first, err := eng.Answer(context.Background(), questionOf("when did Estonia ratify Ottawa?"))
	if err != nil || len(first.Citations) == 0 {
		t.Fatalf("engine: %+v %v", first, err)
	}
	for _, width := range []int64{1280, 390} {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			ctx, problems := browser(t)
			s := web.New(web.Options{Logger: discard()})
			s.SetAnswerer(newEngine(t))
			s.SetDocuments(corpusDocs(t))
			srv := httptest.NewServer(s)
			defer srv.Close()

			var st pageState
			err := chromedp.Run(ctx,
				chromedp.EmulateViewport(width, 900),
				chromedp.Navigate(srv.URL+"/"),
				chromedp.WaitVisible("#question", chromedp.ByID),
				ask("when did Estonia ratify Ottawa?", 1),
				ask("and Poland?", 2),
				ask("how much does a landmine cost?", 3),
				chromedp.Evaluate(readState, &st),
			)
			if err != nil {
				t.Fatalf("browser: %v", err)
			}
			if len(st.Turns) != 3 {
				t.Fatalf("got %d turns %+v, want 3", len(st.Turns), st.Turns)
			}
			wantQ := []string{"when did Estonia ratify Ottawa?", "and Poland?", "how much does a landmine cost?"}
			for i, turn := range st.Turns {
				if turn.Question != wantQ[i] || turn.Answer == "" || turn.Error != "" {
					t.Errorf("turn %d: got %+v, want %q answered", i+1, turn, wantQ[i])
				}
			}
			if a := st.Turns[0]; !strings.HasPrefix(a.Answer, "2004") || !strings.Contains(a.Answer, "[1]") ||
				a.Heading != "Sources" || len(a.Sources) == 0 || a.Sources[0] != first.Citations[0].Source || a.Rewritten != "" || a.Quotes != 0 {
				t.Errorf("first turn %+v, want 2004 with [1] under Sources from %s, not rewritten, the quote not repeated", a, first.Citations[0].Source)
			}
			if a := st.Turns[1]; !strings.HasPrefix(a.Answer, "2012") {
				t.Errorf("follow-up answered %q, want 2012, Poland's year", a.Answer)
			}
			// The follow-up reached the server in the same conversation,
			// or it could not have been rewritten.
			if got := st.Turns[1].Rewritten; !strings.Contains(got, "when did Poland ratify Ottawa?") {
				t.Errorf("follow-up shows rewritten %q, want it to name when did Poland ratify Ottawa?", got)
			}
			if r := st.Turns[2]; !strings.HasPrefix(r.Answer, "I couldn't find that") || r.Heading != "Closest passages" || len(r.Sources) == 0 || r.Quotes != len(r.Sources) {
				t.Errorf("refusal %+v, want its sources with their quotes under Closest passages", r)
			}
			if st.Input != "" {
				t.Errorf("input holds %q after asking, want it cleared", st.Input)
			}
			if st.TokenVisible {
				t.Errorf("the token box shows, but the server needs no token")
			}

			var marked, name, status string
			var conv, panel rect
			err = chromedp.Run(ctx,
				chromedp.Click("#transcript > li:nth-child(1) button.source-link", chromedp.ByQuery),
				chromedp.WaitVisible("#source-text mark", chromedp.ByQuery),
				chromedp.Text("#source-text mark", &marked, chromedp.ByQuery),
				chromedp.Text("#source-name", &name, chromedp.ByID),
				chromedp.Text("#source-status", &status, chromedp.ByID),
				boxOf("main", &conv),
				boxOf("#source-panel", &panel),
			)
			if err != nil {
				t.Fatalf("browser, source: %v", err)
			}
			if name != first.Citations[0].Source {
				t.Errorf("opened %q, want %q", name, first.Citations[0].Source)
			}
			if got := strings.Join(strings.Fields(marked), " "); got != first.Citations[0].Quote {
				t.Errorf("marked %q, want the quote %q", got, first.Citations[0].Quote)
			}
			if !strings.Contains(status, "marked") {
				t.Errorf("source status %q, want it to say the quote is marked", status)
			}
			if width >= 1000 && !(panel.Left >= conv.Right && panel.Top < conv.Bottom) {
				t.Errorf("at %d px the source panel %+v is not beside the conversation %+v", width, panel, conv)
			}
			if width < 1000 && panel.Top < conv.Bottom {
				t.Errorf("at %d px the source panel %+v is not below the conversation %+v", width, panel, conv)
			}
			if *screenshots != "" {
				var png []byte
				if err := chromedp.Run(ctx, chromedp.FullScreenshot(&png, 100)); err != nil {
					t.Fatalf("screenshot: %v", err)
				}
				out := filepath.Join(*screenshots, fmt.Sprintf("web-%d.png", width))
				if err := os.WriteFile(out, png, 0o644); err != nil {
					t.Fatal(err)
				}
			}

			// A [n] marker in an earlier answer opens its source too.
			var markerSource string
			err = chromedp.Run(ctx,
				chromedp.Click("#source-close", chromedp.ByID),
				chromedp.WaitNotVisible("#source", chromedp.ByID),
				chromedp.Click("#transcript > li:nth-child(2) .answer a.marker", chromedp.ByQuery),
				chromedp.WaitVisible("#source-text mark", chromedp.ByQuery),
				chromedp.Text("#source-name", &markerSource, chromedp.ByID),
			)
			if err != nil {
				t.Fatalf("browser, marker: %v", err)
			}
			if markerSource == "" || markerSource != st.Turns[1].Sources[0] {
				t.Errorf("marker opened %q, want %q", markerSource, st.Turns[1].Sources)
			}

			// A new conversation clears the transcript, and the same
			// follow-up is no longer read against the old question.
			var fresh pageState
			err = chromedp.Run(ctx,
				chromedp.Click("#new-conversation", chromedp.ByID),
				chromedp.WaitNotPresent("#transcript > li", chromedp.ByQuery),
				ask("and Poland?", 1),
				chromedp.Evaluate(readState, &fresh),
			)
			if err != nil {
				t.Fatalf("browser, new conversation: %v", err)
			}
			if len(fresh.Turns) != 1 || fresh.Turns[0].Rewritten != "" {
				t.Errorf("after New conversation got %+v, want one turn, not rewritten", fresh.Turns)
			}
			noProblems(t, problems, "")
		})
	}
}

// TestChatPageTokenAfter401 checks that the token box appears once the
// server answers 401 (here first to the page's request for an example
// question), and that a question refused with 401 is kept to send again.
func TestChatPageTokenAfter401(t *testing.T) {
	ctx, problems := browser(t)
	const token = "0123456789abcdef-browser-token"
	s := web.New(web.Options{Logger: discard(), APIToken: token})
	s.SetAnswerer(newEngine(t))
	s.SetDocuments(corpusDocs(t))
	srv := httptest.NewServer(s)
	defer srv.Close()

	var after, answered pageState
	var marked string
	err := chromedp.Run(ctx,
		chromedp.Navigate(srv.URL+"/"),
		chromedp.WaitVisible("#token", chromedp.ByID),
		chromedp.SendKeys("#question", "when did Estonia ratify Ottawa?", chromedp.ByID),
		chromedp.Click("#ask", chromedp.ByID),
		chromedp.Poll(`document.getElementById("status").textContent.includes("token")`, nil, chromedp.WithPollingTimeout(20*time.Second)),
		chromedp.WaitVisible("#token", chromedp.ByID),
		chromedp.Evaluate(readState, &after),
		chromedp.SendKeys("#token", token, chromedp.ByID),
		chromedp.Click("#ask", chromedp.ByID),
		chromedp.WaitVisible("#transcript > li:nth-child(1) .sources h3", chromedp.ByQuery),
		chromedp.Evaluate(readState, &answered),
		chromedp.Click("#transcript > li:nth-child(1) button.source-link", chromedp.ByQuery),
		chromedp.WaitVisible("#source-text mark", chromedp.ByQuery),
		chromedp.Text("#source-text mark", &marked, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatalf("browser: %v", err)
	}
	if after.Input != "when did Estonia ratify Ottawa?" || len(after.Turns) != 0 {
		t.Errorf("after the 401 got input %q and turns %+v, want the question back in the input and no turn", after.Input, after.Turns)
	}
	if len(answered.Turns) != 1 || !strings.HasPrefix(answered.Turns[0].Answer, "2004") || marked == "" {
		t.Errorf("with the token got %+v, marked %q", answered.Turns, marked)
	}
	if answered.Status != "" {
		t.Errorf("status %q stays after the answer", answered.Status)
	}
	// The expected console errors are the 401s before the token was typed.
	noProblems(t, problems, "401")
}

// TestChatPageErrorStaysInItsTurn checks that a failed question shows its
// error in its own turn, and that the next answer does not replace it.
func TestChatPageErrorStaysInItsTurn(t *testing.T) {
	ctx, problems := browser(t)
	s := web.New(web.Options{Logger: discard()}) // no answerer yet: 503
	s.SetDocuments(corpusDocs(t))
	srv := httptest.NewServer(s)
	defer srv.Close()

	var failed, later pageState
	err := chromedp.Run(ctx,
		chromedp.Navigate(srv.URL+"/"),
		chromedp.WaitVisible("#question", chromedp.ByID),
		ask("when did Estonia ratify Ottawa?", 1),
		chromedp.Evaluate(readState, &failed),
		chromedp.ActionFunc(func(context.Context) error { s.SetAnswerer(newEngine(t)); return nil }),
		ask("when did Estonia ratify Ottawa?", 2),
		chromedp.Evaluate(readState, &later),
	)
	if err != nil {
		t.Fatalf("browser: %v", err)
	}
	if len(failed.Turns) != 1 || !strings.Contains(failed.Turns[0].Error, "loading") || failed.Turns[0].Answer != "" {
		t.Errorf("failed turn %+v, want the loading error and no answer", failed.Turns)
	}
	if len(later.Turns) != 2 || later.Turns[0].Error != failed.Turns[0].Error || later.Turns[1].Error != "" ||
		!strings.HasPrefix(later.Turns[1].Answer, "2004") {
		t.Errorf("after retrying got %+v, want the error in turn 1 and the answer in turn 2", later.Turns)
	}
	noProblems(t, problems, "503")
}

// TestChatPageStreams checks that a generated answer appears while the
// model is still writing, then gains its citation links.
func TestChatPageStreams(t *testing.T) {
	ctx, problems := browser(t)
	gate := make(chan struct{})
	model := streamingModel(t, gate)
	gen := generate.New(newEngine(t), model.Client(), "test-model",
		generate.Options{Logger: discard()})
	s := web.New(web.Options{Logger: discard()})
	s.SetAnswerer(gen)
	s.SetDocuments(corpusDocs(t))
	srv := httptest.NewServer(s)
	defer srv.Close()

	var partial string
	var final pageState
	err := chromedp.Run(ctx,
		chromedp.Navigate(srv.URL+"/"),
		chromedp.WaitVisible("#question", chromedp.ByID),
		chromedp.SendKeys("#question", "when did Estonia ratify Ottawa?", chromedp.ByID),
		chromedp.Click("#ask", chromedp.ByID),
		// The model holds back its second sentence until the gate opens,
		// so this text can only have come from the stream.
		chromedp.Poll(`document.querySelector("#transcript .answer")?.textContent.includes("in 2004")`, nil,
			chromedp.WithPollingTimeout(20*time.Second)),
		chromedp.Text("#transcript .answer", &partial, chromedp.ByQuery),
		chromedp.ActionFunc(func(context.Context) error { close(gate); return nil }),
		chromedp.WaitVisible("#transcript .answer a.marker", chromedp.ByQuery),
		chromedp.Evaluate(readState, &final),
	)
	if err != nil {
		t.Fatalf("browser: %v", err)
	}
	if strings.Contains(partial, "Its ratification") {
		t.Errorf("before the model finished the page showed %q, want only the first sentence", partial)
	}
	want := "Estonia ratified the Ottawa Convention in 2004 [1]. Its ratification came in 2004 [1]."
	if len(final.Turns) != 1 || final.Turns[0].Answer != want || final.Turns[0].Heading != "Sources" {
		t.Errorf("final %+v, want %q under Sources", final.Turns, want)
	}
	noProblems(t, problems, "")
}

// contrastScript measures, for every shown element with text of its own
// (and the input's placeholder), the WCAG 2 contrast ratio of its colour
// against the background it sits on. Any opacity below 1 on the way up
// counts as a failure, since it dilutes the colour.
const contrastScript = `(() => {
  const parse = (c) => {
    const m = c.match(/rgba?\(([^)]+)\)/);
    if (!m) return null;
    const p = m[1].split(/[ ,\/]+/).filter(Boolean).map(Number);
    return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 };
  };
  const over = (top, under) => ({
    r: top.r * top.a + under.r * (1 - top.a), g: top.g * top.a + under.g * (1 - top.a),
    b: top.b * top.a + under.b * (1 - top.a), a: 1 });
  const background = (el) => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c && c.a > 0) { layers.push(c); if (c.a === 1) break; }
    }
    let bg = { r: 255, g: 255, b: 255, a: 1 };
    for (let i = layers.length - 1; i >= 0; i--) bg = over(layers[i], bg);
    return bg;
  };
  const lum = (c) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
  };
  const ratio = (a, b) => { const x = lum(a), y = lum(b); return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05); };
  const out = { checked: 0, min: 99, failures: [], bg: getComputedStyle(document.body).backgroundColor };
  const check = (el, fgColor, what) => {
    const bg = background(el);
    const r = ratio(over(parse(fgColor), bg), bg);
    out.checked++;
    out.min = Math.min(out.min, r);
    if (r < 4.5) out.failures.push(what + ": " + r.toFixed(2) + " (" + fgColor + " on " + JSON.stringify(bg) + ")");
  };
  for (const el of document.body.querySelectorAll("*")) {
    if (el.getClientRects().length === 0) continue;
    const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim() !== "");
    if (!own) continue;
    let opacity = 1;
    for (let e = el; e; e = e.parentElement) opacity *= Number(getComputedStyle(e).opacity);
    const what = el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (el.className ? "." + el.className : "") + " " + JSON.stringify(el.textContent.trim().slice(0, 30));
    if (opacity < 1) out.failures.push(what + ": opacity " + opacity);
    check(el, getComputedStyle(el).color, what);
  }
  const input = document.getElementById("question");
  check(input, getComputedStyle(input, "::placeholder").color, "placeholder");
  return out;
})()`

type contrast struct {
	Checked  int      `json:"checked"`
	Min      float64  `json:"min"`
	Failures []string `json:"failures"`
	BG       string   `json:"bg"`
}

// TestChatPageContrast measures the rendered page, with an error, an
// answer, a refusal and an open source on it, in the light and the dark
// theme: all text must reach WCAG AA, 4.5:1.
func TestChatPageContrast(t *testing.T) {
	ctx, problems := browser(t)
	s := web.New(web.Options{Logger: discard()}) // no answerer yet: an error turn
	s.SetDocuments(corpusDocs(t))
	srv := httptest.NewServer(s)
	defer srv.Close()

	err := chromedp.Run(ctx,
		chromedp.Navigate(srv.URL+"/"),
		chromedp.WaitVisible("#question", chromedp.ByID),
		ask("when did Estonia ratify Ottawa?", 1),
		chromedp.ActionFunc(func(context.Context) error { s.SetAnswerer(newEngine(t)); return nil }),
		ask("when did Estonia ratify Ottawa?", 2),
		ask("how much does a landmine cost?", 3),
		chromedp.Click("#transcript > li:nth-child(2) button.source-link", chromedp.ByQuery),
		chromedp.WaitVisible("#source-text mark", chromedp.ByQuery),
	)
	if err != nil {
		t.Fatalf("browser: %v", err)
	}
	bgs := map[string]string{}
	for _, scheme := range []string{"light", "dark"} {
		t.Run(scheme, func(t *testing.T) {
			var got contrast
			err := chromedp.Run(ctx,
				emulation.SetEmulatedMedia().WithFeatures([]*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}}),
				chromedp.Evaluate(contrastScript, &got),
			)
			if err != nil {
				t.Fatalf("browser: %v", err)
			}
			bgs[scheme] = got.BG
			// The error, answers, sources, marks and source text, at least.
			if got.Checked < 15 {
				t.Errorf("measured only %d texts", got.Checked)
			}
			for _, f := range got.Failures {
				t.Errorf("below 4.5:1: %s", f)
			}
			t.Logf("%s theme: %d texts, lowest contrast %.2f:1", scheme, got.Checked, got.Min)
		})
	}
	if bgs["light"] == bgs["dark"] {
		t.Errorf("both themes have the background %s; the dark theme did not apply", bgs["light"])
	}
	noProblems(t, problems, "503")
}
