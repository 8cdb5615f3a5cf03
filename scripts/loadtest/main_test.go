package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/citebot/citebot/bot/web"
	"github.com/citebot/citebot/corpus"
	"github.com/citebot/citebot/metrics"
	"github.com/citebot/citebot/retrieval"
)

func server(t *testing.T, opts web.Options) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(engineServer(t, opts))
	t.Cleanup(srv.Close)
	return srv
}

// engineServer is the HTTP API over the engine on the embedded corpus.
func engineServer(t *testing.T, opts web.Options) *web.Server {
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
	return s
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

// recorder is the HTTP API with a record of the questions put to it.
type recorder struct {
	next http.Handler
	mu   sync.Mutex
	asks map[string]int
}

func (rec *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/v1/ask" {
		var body struct{ Question string }
		b, _ := io.ReadAll(r.Body)
		_ = json.Unmarshal(b, &body)
		rec.mu.Lock()
		rec.asks[body.Question]++
		rec.mu.Unlock()
		r.Body = io.NopCloser(bytes.NewReader(b))
	}
	rec.next.ServeHTTP(w, r)
}

// TestRunOnceAsksEachQuestionOnce checks -once: no question is asked
// twice, and a timed run that runs out of questions ends early and says
// so, while one a count ends does not.
func TestRunOnceAsksEachQuestionOnce(t *testing.T) {
	var qs []string
	for i := range 60 {
		qs = append(qs, fmt.Sprintf("When did Estonia ratify the Ottawa Convention, question %d?", i))
	}
	tests := []struct {
		name       string
		cfg        Config
		wantAsked  int
		wantRanOut bool
	}{
		{"runs out", Config{Conns: 8, Duration: time.Minute, Questions: qs, Once: true}, 60, true},
		{"count ends it", Config{Conns: 8, Requests: 25, Questions: qs, Once: true}, 25, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{next: engineServer(t, web.Options{Logger: discard()}), asks: map[string]int{}}
			srv := httptest.NewServer(rec)
			defer srv.Close()
			tt.cfg.URL = srv.URL
			start := time.Now()
			rep, err := Run(context.Background(), tt.cfg)
			if err != nil {
				t.Fatal(err)
			}
			if rep.Requests != int64(tt.wantAsked) || rep.Errors != 0 || rep.RanOut != tt.wantRanOut {
				t.Errorf("got %d requests, %d errors, ran out %v; want %d, 0, %v", rep.Requests, rep.Errors, rep.RanOut, tt.wantAsked, tt.wantRanOut)
			}
			if took := time.Since(start); took > 30*time.Second {
				t.Errorf("the run took %v; it should end when the questions run out", took)
			}
			if len(rec.asks) != tt.wantAsked {
				t.Errorf("server saw %d distinct questions, want %d", len(rec.asks), tt.wantAsked)
			}
			for q, n := range rec.asks {
				if n != 1 {
					t.Errorf("%q asked %d times, want once", q, n)
				}
			}
			for i := range tt.wantAsked {
				if rec.asks[qs[i]] != 1 {
					t.Errorf("question %d was not asked; -once should ask them in order", i)
				}
			}
			var out bytes.Buffer
			rep.Print(&out, tt.cfg)
			if got := strings.Contains(out.String(), "before the run's end"); got != tt.wantRanOut {
				t.Errorf("report says the questions ran out: got %v, want %v:\n%s", got, tt.wantRanOut, out.String())
			}
		})
	}
}

func TestReadQuestions(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct {
		name, file, text string
		want             []string
		wantErr          bool
	}{
		{"lines", "q.txt", "first?\n\n  second?  \n", []string{"first?", "second?"}, false},
		{"eval set", "q.jsonl", `{"id":"a","question":"first?","answers":["x"]}` + "\n" + `{"question":"second?"}` + "\n", []string{"first?", "second?"}, false},
		{"bad eval set", "bad.jsonl", "first?\n", nil, true},
		{"empty", "empty.txt", "\n \n", nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := readQuestions(write(tt.file, tt.text))
			if (err != nil) != tt.wantErr || !slices.Equal(got, tt.want) {
				t.Errorf("got %q, %v; want %q, error %v", got, err, tt.want, tt.wantErr)
			}
		})
	}
	if _, err := readQuestions(filepath.Join(dir, "missing.txt")); err == nil {
		t.Error("a missing file: got nil error, want one")
	}
}
