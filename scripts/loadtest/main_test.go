package main

import (
	"bytes"
	"context"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/citebot/citebot/bot/web"
	"github.com/citebot/citebot/corpus"
	"github.com/citebot/citebot/metrics"
	"github.com/citebot/citebot/retrieval"
)

func server(t *testing.T, opts web.Options) *httptest.Server {
	t.Helper()
	ctx := context.Background()
	docs, _, err := corpus.Load(ctx, corpus.Default(), corpus.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	eng, err := retrieval.NewEngine(ctx, docs, retrieval.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { eng.Close() })
	s := web.New(opts)
	s.SetAnswerer(eng)
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return srv
}

// TestRunCountsAnswers runs a fixed number of questions (not a timed run)
// against the real engine and checks the report adds up.
func TestRunCountsAnswers(t *testing.T) {
	m := metrics.New()
	srv := server(t, web.Options{Metrics: m.Handler(), Observer: metrics.NewObserver(metrics.ObserverOptions{Recorder: m, Logger: discard()})})
	cfg := Config{URL: srv.URL, Conns: 4, Requests: 200}
	rep, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Requests != 200 || rep.Errors != 0 || rep.Answered+rep.Refused != 200 {
		t.Errorf("got %d requests, %d errors, %d answered + %d refused; want 200, 0, 200", rep.Requests, rep.Errors, rep.Answered, rep.Refused)
	}
	if rep.Answered == 0 || rep.Refused == 0 {
		t.Errorf("the mix should hold answerable and unanswerable questions: %d answered, %d refused", rep.Answered, rep.Refused)
	}
	if !(rep.P50 > 0 && rep.P50 <= rep.P90 && rep.P90 <= rep.P99 && rep.P99 <= rep.Max) || rep.PerSecond <= 0 {
		t.Errorf("percentiles out of order or empty: %+v", rep)
	}
	if len(rep.Memory) == 0 || rep.Memory[len(rep.Memory)-1].RSSBytes <= 0 {
		t.Errorf("no memory samples from /metrics: %+v", rep.Memory)
	}
	var out bytes.Buffer
	rep.Print(&out, cfg)
	for _, want := range []string{"answers/s:", "p99", "errors:        0", "MiB"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
}

// TestRunCountsErrors checks that refusals by the server are errors.
func TestRunCountsErrors(t *testing.T) {
	srv := server(t, web.Options{APIToken: "a-token-the-generator-does-not-send", Logger: discard()})
	rep, err := Run(context.Background(), Config{URL: srv.URL, Conns: 2, Requests: 10})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Errors != 10 || rep.Statuses["401"] != 10 || !strings.Contains(rep.FirstError, "401") {
		t.Errorf("got %d errors %v, want 10 × 401", rep.Errors, rep.Statuses)
	}
	if _, err := Run(context.Background(), Config{URL: srv.URL}); err == nil {
		t.Error("a run with neither duration nor count should fail")
	}
}

func discard() *slog.Logger { return slog.New(slog.DiscardHandler) }

// TestRunNoCacheBypassesTheAnswerCache checks that -no-cache makes the
// server answer every question with the engine.
func TestRunNoCacheBypassesTheAnswerCache(t *testing.T) {
	m := metrics.New()
	srv := server(t, web.Options{Metrics: m.Handler(), Observer: metrics.NewObserver(metrics.ObserverOptions{Recorder: m, Logger: discard()})})
	if _, err := Run(context.Background(), Config{URL: srv.URL, Conns: 2, Requests: 40, NoCache: true}); err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if !strings.Contains(rec.Body.String(), `citebot_answer_cache_lookups_total{result="hit"} 0`) {
		t.Errorf("got cache hits with -no-cache:\n%s", rec.Body.String())
	}
}
