package web_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/citebot/citebot"
	"github.com/citebot/citebot/bot/web"
	"github.com/citebot/citebot/corpus"
	"github.com/citebot/citebot/retrieval"
	"github.com/citebot/citebot/retrieval/conversation"
)

var _ citebot.Answerer = (*retrieval.Engine)(nil)

func newEngine(t testing.TB) *retrieval.Engine {
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
	return eng
}

func do(t *testing.T, srv *httptest.Server, method, path, body string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("%s %s: Content-Type %q, want JSON", method, path, ct)
	}
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatalf("%s %s: body is not JSON: %v", method, path, err)
	}
	return resp.StatusCode, out
}

func TestAsk(t *testing.T) {
	s := web.New(web.Options{MaxBodyBytes: 4096})
	s.SetAnswerer(newEngine(t))
	srv := httptest.NewServer(s)
	defer srv.Close()

	code, body := do(t, srv, http.MethodPost, "/v1/ask", `{"question":"when did Estonia ratify Ottawa?"}`)
	if code != http.StatusOK {
		t.Fatalf("got %d %v, want 200", code, body)
	}
	if !strings.Contains(body["answer"].(string), "2004") || body["answered"] != true {
		t.Errorf("got %v, want an answer with 2004", body)
	}
	if body["question"] != "when did Estonia ratify Ottawa?" {
		t.Errorf("question echoed as %v", body["question"])
	}
	cites := body["citations"].([]any)
	first := cites[0].(map[string]any)
	for _, k := range []string{"source", "title", "quote", "score"} {
		if _, ok := first[k]; !ok {
			t.Errorf("citation lacks %q: %v", k, first)
		}
	}
	if first["source"] != "000_2bc005b4439df7f9.txt" {
		t.Errorf("cited %v, want 000_2bc005b4439df7f9.txt", first["source"])
	}

	code, body = do(t, srv, http.MethodPost, "/v1/ask", `{"question":"What is the capital of Australia?"}`)
	if code != http.StatusOK || body["answered"] != false {
		t.Errorf("unanswerable: got %d %v, want 200 with answered false", code, body)
	}
}

// TestAskConversationsStayInTheirAdapter checks that an HTTP client
// cannot read or extend another adapter's conversation by naming its ID,
// and that a conversation_id is capped.
func TestAskConversationsStayInTheirAdapter(t *testing.T) {
	ctx := context.Background()
	docs, _, err := corpus.Load(ctx, corpus.Default(), corpus.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	store := conversation.NewMemory(conversation.Options{})
	eng, err := retrieval.NewEngine(ctx, docs, retrieval.Options{Conversations: store})
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	// A Telegram user's question, as the Telegram adapter asks it.
	if _, err := eng.Answer(ctx, citebot.Question{Text: "when did Estonia ratify Ottawa?", ConversationID: "telegram:424242"}); err != nil {
		t.Fatal(err)
	}
	s := web.New(web.Options{})
	s.SetAnswerer(eng)
	srv := httptest.NewServer(s)
	defer srv.Close()

	code, body := do(t, srv, http.MethodPost, "/v1/ask", `{"question":"and Latvia?","conversation_id":"telegram:424242"}`)
	if code != http.StatusOK {
		t.Fatalf("got %d %v, want 200", code, body)
	}
	for _, k := range []string{"question", "rewritten_question", "answer"} {
		if v, _ := body[k].(string); strings.Contains(v, "ratify") {
			t.Errorf("got %s %q: the Telegram user's earlier question leaked", k, v)
		}
	}
	if turns, _ := store.Recent(ctx, "telegram:424242"); len(turns) != 1 {
		t.Errorf("got %d turns in the Telegram conversation, want the 1 Telegram asked", len(turns))
	}
	if turns, _ := store.Recent(ctx, "web:telegram:424242"); len(turns) != 1 {
		t.Errorf("got %d turns in the web conversation, want 1", len(turns))
	}

	// Within its own conversation a follow-up is rewritten, and the
	// response keeps the question as asked beside the rewritten one.
	do(t, srv, http.MethodPost, "/v1/ask", `{"question":"when did Estonia ratify Ottawa?","conversation_id":"c1"}`)
	_, body = do(t, srv, http.MethodPost, "/v1/ask", `{"question":"and Latvia?","conversation_id":"c1"}`)
	if body["question"] != "and Latvia?" || body["rewritten_question"] != "when did Latvia ratify Ottawa?" {
		t.Errorf("got question %v rewritten_question %v, want the question as asked and the rewritten one", body["question"], body["rewritten_question"])
	}

	long := strings.Repeat("c", conversation.MaxIDLen+1)
	code, body = do(t, srv, http.MethodPost, "/v1/ask", `{"question":"and Latvia?","conversation_id":"`+long+`"}`)
	if code != http.StatusBadRequest || !strings.Contains(body["error"].(string), "conversation_id") {
		t.Errorf("got %d %v for a long conversation_id, want 400 naming it", code, body)
	}
	if store.Len() != 3 {
		t.Errorf("got %d conversations stored, want 3", store.Len())
	}
}

func TestAskBadRequests(t *testing.T) {
	s := web.New(web.Options{MaxBodyBytes: 4096})
	s.SetAnswerer(newEngine(t))
	srv := httptest.NewServer(s)
	defer srv.Close()
	tests := []struct {
		name, method, body string
		want               int
	}{
		{"malformed JSON", http.MethodPost, `{"question":`, http.StatusBadRequest},
		{"not an object", http.MethodPost, `["when?"]`, http.StatusBadRequest},
		{"trailing data", http.MethodPost, `{"question":"a?"} {}`, http.StatusBadRequest},
		{"missing question", http.MethodPost, `{}`, http.StatusBadRequest},
		{"wrong type", http.MethodPost, `{"question":42}`, http.StatusBadRequest},
		{"empty question", http.MethodPost, `{"question":"   "}`, http.StatusBadRequest},
		{"control characters only", http.MethodPost, `{"question":"\u0000\u200b"}`, http.StatusBadRequest},
		{"too long", http.MethodPost, `{"question":"` + strings.Repeat("a", 2001) + `"}`, http.StatusBadRequest},
		{"oversized body", http.MethodPost, `{"question":"` + strings.Repeat("a", 5000) + `"}`, http.StatusRequestEntityTooLarge},
		{"wrong method", http.MethodGet, ``, http.StatusMethodNotAllowed},
		{"wrong method PUT", http.MethodPut, `{"question":"a?"}`, http.StatusMethodNotAllowed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body := do(t, srv, tt.method, "/v1/ask", tt.body)
			if code != tt.want {
				t.Errorf("got %d %v, want %d", code, body, tt.want)
			}
			msg, _ := body["error"].(string)
			if msg == "" {
				t.Errorf("got body %v, want a JSON error message", body)
			}
			// encoding/json's own messages name Go types.
			if strings.Contains(msg, "Go ") || strings.Contains(msg, "web.") || strings.Contains(msg, "askRequest") {
				t.Errorf("error %q exposes the server's Go types", msg)
			}
		})
	}
}

func TestAskErrorMessages(t *testing.T) {
	s := web.New(web.Options{})
	s.SetAnswerer(newEngine(t))
	srv := httptest.NewServer(s)
	defer srv.Close()
	tests := []struct{ body, want string }{
		{`{"question":42}`, `"question" must be a string, not number`},
		{`{"question":"a?","stream":"yes"}`, `"stream" must be true or false, not string`},
		{`["when?"]`, "the body must be an object, not array"},
		{`{"question":`, "the body ends early"},
		{`{"question" "a"}`, "malformed JSON at byte"},
	}
	for _, tt := range tests {
		_, body := do(t, srv, http.MethodPost, "/v1/ask", tt.body)
		if msg, _ := body["error"].(string); !strings.Contains(msg, tt.want) {
			t.Errorf("%s: got %q, want it to say %q", tt.body, msg, tt.want)
		}
	}
}

// TestAskNeedsJSON checks that /v1/ask refuses a body that is not declared
// as JSON: a web page can make any browser post text/plain to a local
// server without a CORS preflight.
func TestAskNeedsJSON(t *testing.T) {
	s := web.New(web.Options{})
	s.SetAnswerer(newEngine(t))
	const q = `{"question":"when did Estonia ratify Ottawa?"}`
	for _, ct := range []string{"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", ""} {
		rec := call(s, http.MethodPost, "/v1/ask", q, "192.0.2.1:1", map[string]string{"Content-Type": ct})
		if rec.Code != http.StatusUnsupportedMediaType || !strings.Contains(rec.Body.String(), "application/json") {
			t.Errorf("Content-Type %q: got %d %s, want 415 asking for JSON", ct, rec.Code, rec.Body)
		}
	}
	for _, ct := range []string{"application/json", "application/json; charset=utf-8", "Application/JSON"} {
		if rec := call(s, http.MethodPost, "/v1/ask", q, "192.0.2.1:1", map[string]string{"Content-Type": ct}); rec.Code != http.StatusOK {
			t.Errorf("Content-Type %q: got %d %s, want 200", ct, rec.Code, rec.Body)
		}
	}
}

func TestReadiness(t *testing.T) {
	s := web.New(web.Options{})
	srv := httptest.NewServer(s)
	defer srv.Close()
	if code, _ := do(t, srv, http.MethodGet, "/healthz", ""); code != http.StatusOK {
		t.Errorf("healthz before load: %d, want 200", code)
	}
	if code, _ := do(t, srv, http.MethodGet, "/readyz", ""); code != http.StatusServiceUnavailable {
		t.Errorf("readyz before load: %d, want 503", code)
	}
	if code, _ := do(t, srv, http.MethodPost, "/v1/ask", `{"question":"a?"}`); code != http.StatusServiceUnavailable {
		t.Errorf("ask before load: %d, want 503", code)
	}
	s.SetAnswerer(newEngine(t))
	if code, _ := do(t, srv, http.MethodGet, "/readyz", ""); code != http.StatusOK {
		t.Errorf("readyz after load: %d, want 200", code)
	}
	// A component that is not running makes the server degraded: it
	// still answers, and says what is wrong.
	adapter := &fakeComponent{state: "retrying getMe"}
	s.AddComponent("telegram", adapter)
	code, body := do(t, srv, http.MethodGet, "/readyz", "")
	comps, _ := body["components"].(map[string]any)
	if code != http.StatusOK || body["status"] != "degraded" || comps["telegram"] != "retrying getMe" {
		t.Errorf("readyz with an adapter down: got %d %v, want 200 degraded with its state", code, body)
	}
	adapter.state = "running"
	if _, body := do(t, srv, http.MethodGet, "/readyz", ""); body["status"] != "ready" {
		t.Errorf("readyz with the adapter running: got %v, want ready", body)
	}
	s.SetDraining()
	if code, _ := do(t, srv, http.MethodGet, "/readyz", ""); code != http.StatusServiceUnavailable {
		t.Errorf("readyz while draining: %d, want 503", code)
	}
	if code, _ := do(t, srv, http.MethodGet, "/healthz", ""); code != http.StatusOK {
		t.Errorf("healthz while draining: %d, want 200", code)
	}
}

// fakeComponent is a chat adapter as /readyz sees it.
type fakeComponent struct{ state string }

func (f *fakeComponent) State() string { return f.state }

// failing answers every question with an error, to test error paths.
type failing struct{ err error }

func (f failing) Answer(context.Context, citebot.Question) (citebot.Answer, error) {
	return citebot.Answer{}, f.err
}

func TestAskEngineErrors(t *testing.T) {
	tests := []struct {
		err  error
		want int
	}{
		{errors.New("disk on fire: secret detail"), http.StatusInternalServerError},
		{context.DeadlineExceeded, http.StatusGatewayTimeout},
		{citebot.ErrNotReady, http.StatusServiceUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.err.Error(), func(t *testing.T) {
			s := web.New(web.Options{Logger: discard()})
			s.SetAnswerer(failing{tt.err})
			srv := httptest.NewServer(s)
			defer srv.Close()
			code, body := do(t, srv, http.MethodPost, "/v1/ask", `{"question":"a?"}`)
			if code != tt.want {
				t.Errorf("got %d, want %d", code, tt.want)
			}
			if strings.Contains(body["error"].(string), "secret detail") {
				t.Errorf("internal error detail leaked to the client: %v", body)
			}
		})
	}
}

func FuzzAsk(f *testing.F) {
	for _, s := range []string{`{"question":"when did Estonia ratify Ottawa?"}`, `{`, `{"question":"\u0000"}`, `{"question":null}`, "\xff", `{"question":"` + strings.Repeat("é", 300) + `"}`} {
		f.Add(s)
	}
	s := web.New(web.Options{MaxBodyBytes: 2048, Logger: discard()})
	s.SetAnswerer(newEngine(f))
	f.Fuzz(func(t *testing.T, body string) {
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/v1/ask", strings.NewReader(body)))
		if rec.Code >= 500 {
			t.Fatalf("status %d for body %q", rec.Code, body)
		}
		var out map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
			t.Fatalf("non-JSON response %q: %v", rec.Body.String(), err)
		}
	})
}

func discard() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }
