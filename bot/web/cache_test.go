package web_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/citebot/citebot"
	"github.com/citebot/citebot/bot/web"
	"github.com/citebot/citebot/metrics"
	"github.com/citebot/citebot/retrieval/generate"
)

// counting passes questions to the engine and counts them.
type counting struct {
	a citebot.Answerer
	n atomic.Int64
}

func (c *counting) Answer(ctx context.Context, q citebot.Question) (citebot.Answer, error) {
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

func (f *flaky) Answer(ctx context.Context, q citebot.Question) (citebot.Answer, error) {
	if f.n.Add(1)%2 == 1 {
		return citebot.Answer{}, errors.New("transient")
	}
	return citebot.Answer{Question: q.Text, Answered: true, Text: "fine", Citations: []citebot.Citation{}}, nil
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

// outageModel plays an OpenAI-compatible chat server for the real
// go-openai client that answers 503 while down is set, and otherwise says
// the passages do not cover the question. It counts chat requests.
type outageModel struct {
	down  atomic.Bool
	calls atomic.Int64
}

func (m *outageModel) client(t *testing.T) *openai.Client {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		m.calls.Add(1)
		w.Header().Set("Content-Type", "application/json")
		if m.down.Load() {
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprint(w, `{"error":{"message":"model down"}}`)
			return
		}
		json.NewEncoder(w).Encode(openai.ChatCompletionResponse{Choices: []openai.ChatCompletionChoice{{
			Message:      openai.ChatCompletionMessage{Role: openai.ChatMessageRoleAssistant, Content: "NOT_COVERED\nThe sources do not say."},
			FinishReason: openai.FinishReasonStop,
		}}})
	}))
	t.Cleanup(srv.Close)
	cfg := openai.DefaultConfig("sk-test")
	cfg.BaseURL = srv.URL + "/v1"
	return openai.NewClientWithConfig(cfg)
}

// TestAnswerCacheSkipsOutageRefusals checks that a refusal made while the
// model was down is counted as a fallback and not cached, so that the
// question reaches the model again once it is back.
func TestAnswerCacheSkipsOutageRefusals(t *testing.T) {
	model := &outageModel{}
	model.down.Store(true)
	gen := generate.New(newEngine(t), model.client(t), "test-model", generate.Options{Logger: discard()})
	m := metrics.New()
	s := web.New(web.Options{Logger: discard(), Metrics: m.Handler(),
		Observer: metrics.NewObserver(metrics.ObserverOptions{Recorder: m, Logger: discard(), Generative: true})})
	s.SetAnswerer(gen)
	const q = `{"question":"Who won the 1998 Tour de France in Estonia?"}`

	down := call(s, "POST", "/v1/ask", q, "192.0.2.1:1", nil)
	if down.Code != 200 || !strings.Contains(down.Body.String(), `"note"`) {
		t.Fatalf("while the model is down: got %d %s, want an extractive answer with a note", down.Code, down.Body)
	}
	model.down.Store(false)
	before := model.calls.Load()
	up := call(s, "POST", "/v1/ask", q, "192.0.2.1:1", nil)
	if model.calls.Load() == before {
		t.Errorf("the model was not asked after it recovered: the outage answer was served from the cache")
	}
	if strings.Contains(up.Body.String(), `"note"`) || up.Header().Get("X-Cache") != "miss" {
		t.Errorf("after recovery: got X-Cache %q %s, want a fresh answer without a note", up.Header().Get("X-Cache"), up.Body)
	}
	body := call(s, "GET", "/metrics", "", "192.0.2.1:1", nil).Body.String()
	for _, want := range []string{
		`citebot_questions_total{adapter="web",outcome="fallback"} 1`,
		`citebot_questions_total{adapter="web",outcome="refused"} 1`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %s:\n%s", want, grepLines(body, "citebot_questions_total"))
		}
	}
}

// TestAnswerCacheBypassAndClear checks the Cache-Control bypass for load
// tests, and that a new corpus clears the cache.
func TestAnswerCacheBypassAndClear(t *testing.T) {
	eng := &counting{a: newEngine(t)}
	s := web.New(web.Options{Logger: discard()})
	s.SetAnswerer(eng)
	const q = `{"question":"when did Estonia ratify Ottawa?"}`
	ask := func(hdr map[string]string) string {
		t.Helper()
		rec := call(s, "POST", "/v1/ask", q, "192.0.2.1:1", hdr)
		if rec.Code != 200 {
			t.Fatalf("got %d %s", rec.Code, rec.Body)
		}
		return rec.Header().Get("X-Cache")
	}
	steps := []struct {
		hdr      map[string]string
		clear    bool
		want     string
		wantAsks int64
	}{
		{nil, false, "miss", 1},
		{nil, false, "hit", 1},
		{map[string]string{"Cache-Control": "no-cache"}, false, "bypass", 2},
		{map[string]string{"Cache-Control": "max-age=0, No-Store"}, false, "bypass", 3},
		{nil, false, "hit", 3},
		{nil, true, "miss", 4},
	}
	for i, st := range steps {
		if st.clear {
			s.SetDocuments(nil)
		}
		if got := ask(st.hdr); got != st.want || eng.n.Load() != st.wantAsks {
			t.Errorf("step %d: got X-Cache %q after %d engine calls, want %q after %d", i, got, eng.n.Load(), st.want, st.wantAsks)
		}
	}
}

// noted answers with a note, as an answer made without the model is.
type noted struct{ n atomic.Int64 }

func (a *noted) Answer(_ context.Context, q citebot.Question) (citebot.Answer, error) {
	a.n.Add(1)
	return citebot.Answer{Question: q.Text, Answered: true, Text: "fine", Note: "made another way", Citations: []citebot.Citation{}}, nil
}

func TestAnswerCacheSkipsNotedAnswers(t *testing.T) {
	a := &noted{}
	s := web.New(web.Options{Logger: discard(), CacheTTL: time.Hour})
	s.SetAnswerer(a)
	for range 2 {
		call(s, "POST", "/v1/ask", `{"question":"a?"}`, "192.0.2.1:1", nil)
	}
	if n := a.n.Load(); n != 2 {
		t.Errorf("answerer asked %d times, want 2 (answers with a note are not cached)", n)
	}
}
