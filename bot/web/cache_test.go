package web_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/citebot/citebot/bot/web"
	"github.com/citebot/citebot/metrics"
	"github.com/citebot/citebot/retrieval"
)

// counting passes questions to the engine and counts them.
type counting struct {
	a web.Answerer
	n atomic.Int64
}

func (c *counting) Answer(ctx context.Context, q retrieval.Question) (retrieval.Answer, error) {
	c.n.Add(1)
	return c.a.Answer(ctx, q)
}

func TestAnswerCache(t *testing.T) {
	eng := &counting{a: newEngine(t)}
	m := metrics.New()
	s := web.New(web.Options{Logger: discard(), Metrics: m.Handler(),
		Observer: metrics.NewObserver(metrics.ObserverOptions{Recorder: m, Logger: discard()})})
	s.SetAnswerer(eng)
	first := call(s, "POST", "/v1/ask", `{"question":"when did Estonia ratify Ottawa?"}`, "192.0.2.1:1", nil)
	again := call(s, "POST", "/v1/ask", `{"question":"  when did   Estonia ratify Ottawa?\n"}`, "192.0.2.1:1", nil)
	if first.Code != 200 || again.Code != 200 {
		t.Fatalf("got %d and %d", first.Code, again.Code)
	}
	if n := eng.n.Load(); n != 1 {
		t.Errorf("engine asked %d times, want 1 (the second is a cache hit)", n)
	}
	want := strings.Replace(first.Body.String(), `"question":"when did Estonia ratify Ottawa?"`, `"question":"  when did   Estonia ratify Ottawa?\n"`, 1)
	if again.Body.String() != want {
		t.Errorf("cached answer differs:\n got %s\nwant %s", again.Body, want)
	}
	// Case is part of the key: the engine reads capitals as names.
	call(s, "POST", "/v1/ask", `{"question":"when did estonia ratify ottawa?"}`, "192.0.2.1:1", nil)
	// Questions in a conversation may depend on what came before.
	call(s, "POST", "/v1/ask", `{"question":"when did Estonia ratify Ottawa?","conversation_id":"c1"}`, "192.0.2.1:1", nil)
	call(s, "POST", "/v1/ask", `{"question":"when did Estonia ratify Ottawa?","conversation_id":"c1"}`, "192.0.2.1:1", nil)
	if n := eng.n.Load(); n != 4 {
		t.Errorf("engine asked %d times, want 4", n)
	}
	// A new answerer starts a new cache.
	s.SetAnswerer(eng)
	call(s, "POST", "/v1/ask", `{"question":"when did Estonia ratify Ottawa?"}`, "192.0.2.1:1", nil)
	if n := eng.n.Load(); n != 5 {
		t.Errorf("engine asked %d times after SetAnswerer, want 5", n)
	}
	body := call(s, "GET", "/metrics", "", "192.0.2.1:1", nil).Body.String()
	for _, want := range []string{
		`citebot_answer_cache_lookups_total{result="hit"} 1`,
		`citebot_answer_cache_lookups_total{result="miss"} 3`,
		`citebot_questions_total{adapter="web",outcome="answered"} 6`,
		`citebot_stage_duration_seconds_count{stage="retrieval"} 5`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %s:\n%s", want, grepLines(body, "citebot_"))
		}
	}
}

// flaky fails every other question.
type flaky struct{ n atomic.Int64 }

func (f *flaky) Answer(ctx context.Context, q retrieval.Question) (retrieval.Answer, error) {
	if f.n.Add(1)%2 == 1 {
		return retrieval.Answer{}, errors.New("transient")
	}
	return retrieval.Answer{Question: q.Text, Answered: true, Text: "fine", Citations: []retrieval.Citation{}}, nil
}

func TestAnswerCacheSkipsErrorsAndFallbacks(t *testing.T) {
	f := &flaky{}
	s := web.New(web.Options{Logger: discard()})
	s.SetAnswerer(f)
	if c := call(s, "POST", "/v1/ask", `{"question":"a?"}`, "192.0.2.1:1", nil).Code; c != http.StatusInternalServerError {
		t.Fatalf("got %d, want 500", c)
	}
	if c := call(s, "POST", "/v1/ask", `{"question":"a?"}`, "192.0.2.1:1", nil).Code; c != 200 {
		t.Errorf("retry after an error: got %d, want 200 (errors are not cached)", c)
	}

	// With a model configured, an extractive answer is a fallback and is
	// asked again next time.
	eng := &counting{a: newEngine(t)}
	s = web.New(web.Options{Logger: discard(), Observer: metrics.NewObserver(metrics.ObserverOptions{Generative: true, Logger: discard()})})
	s.SetAnswerer(eng)
	for i := 0; i < 2; i++ {
		call(s, "POST", "/v1/ask", `{"question":"when did Estonia ratify Ottawa?"}`, "192.0.2.1:1", nil)
	}
	if n := eng.n.Load(); n != 2 {
		t.Errorf("fallback answers: engine asked %d times, want 2", n)
	}

	// CacheSize < 0 turns the cache off.
	eng = &counting{a: newEngine(t)}
	s = web.New(web.Options{Logger: discard(), CacheSize: -1})
	s.SetAnswerer(eng)
	for i := 0; i < 2; i++ {
		call(s, "POST", "/v1/ask", `{"question":"when did Estonia ratify Ottawa?"}`, "192.0.2.1:1", nil)
	}
	if n := eng.n.Load(); n != 2 {
		t.Errorf("cache off: engine asked %d times, want 2", n)
	}
}
