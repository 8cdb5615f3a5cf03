package slack

// The harness plays Slack for the adapter tests: slacktest for the Web API
// and Socket Mode websocket (with our own chat.* routes, since slacktest has
// no chat.update and does not record the bot's posts), and an httptest
// server for response_url. Requests go through the real slack-go client.

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slacktest"

	"github.com/citebot/citebot"
	"github.com/citebot/citebot/bot"
	"github.com/citebot/citebot/internal/logbuf"
)

const (
	testSecret   = "8f742231b10e8888abcd99yyyzzz85a5"
	testBotToken = "xoxb-test-bot-token-0123456789"
	testAppToken = "xapp-1-test-app-token-0123456789"
	// hookSecret is part of every response_url path; it must never be logged.
	hookSecret = "hooksecretAbC123"
	// deadline bounds every wait for something the adapter does in the
	// background; tests never sleep to synchronise.
	deadline = 20 * time.Second
)

// call is one Web API call the fake received.
type call struct {
	Method   string
	Channel  string // channel, or channel_id for assistant.threads.*
	TS       string
	ThreadTS string
	User     string
	Text     string // text, or markdown_text for the stream methods
	Blocks   string // raw JSON
	Form     url.Values
}

// recordedMethods are the Web API methods the fake records.
var recordedMethods = []string{
	"chat.postMessage", "chat.update", "chat.postEphemeral",
	"chat.startStream", "chat.appendStream", "chat.stopStream",
	"assistant.threads.setStatus", "assistant.threads.setTitle", "assistant.threads.setSuggestedPrompts",
}

// fakeSlack is the Web API side of Slack.
type fakeSlack struct {
	srv   *slacktest.Server
	calls chan call
	// limited is how many of the next chat.* calls get 429 with
	// Retry-After: retryAfter.
	limited    atomic.Int32
	retryAfter string
	// rateLimited counts the 429s sent.
	rateLimited atomic.Int32
	seq         atomic.Int64
	acks        chan string // Socket Mode messages from the client

	mu      sync.Mutex
	refused map[string]string // method → the error Slack answers it with
}

// refuse makes Slack answer method with {"ok":false,"error":slackErr}.
func (f *fakeSlack) refuse(method, slackErr string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.refused[method] = slackErr
}

func newFakeSlack(t *testing.T) *fakeSlack {
	t.Helper()
	f := &fakeSlack{calls: make(chan call, 256), retryAfter: "7", acks: make(chan string, 256), refused: map[string]string{}}
	f.srv = slacktest.NewTestServer(func(c slacktest.Customize) {
		for _, m := range recordedMethods {
			c.Handle("/"+m, f.chatHandler(m))
		}
		c.Handle("/apps.connections.open", func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("Authorization") != "Bearer "+testAppToken {
				_, _ = io.WriteString(w, `{"ok":false,"error":"invalid_auth"}`)
				return
			}
			ws, _ := r.Context().Value(slacktest.ServerWSContextKey).(string)
			_ = json.NewEncoder(w).Encode(map[string]any{"ok": true, "url": ws})
		})
	})
	f.srv.Start()
	t.Cleanup(f.srv.Stop)
	// slacktest hands every message the client sends over the websocket to
	// an unbuffered channel and stops reading until someone takes it.
	go func() {
		for m := range f.srv.SeenFeed {
			f.acks <- m
		}
	}()
	return f
}

func (f *fakeSlack) chatHandler(method string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		if r.PostForm.Get("token") != testBotToken {
			_, _ = io.WriteString(w, `{"ok":false,"error":"invalid_auth"}`)
			return
		}
		if f.limited.Add(-1) >= 0 {
			f.rateLimited.Add(1)
			w.Header().Set("Retry-After", f.retryAfter)
			http.Error(w, `{"ok":false,"error":"ratelimited"}`, http.StatusTooManyRequests)
			return
		}
		c := call{
			Method:   method,
			Channel:  firstNonEmpty(r.PostForm.Get("channel"), r.PostForm.Get("channel_id")),
			TS:       r.PostForm.Get("ts"),
			ThreadTS: r.PostForm.Get("thread_ts"),
			User:     r.PostForm.Get("user"),
			Text:     firstNonEmpty(r.PostForm.Get("text"), r.PostForm.Get("markdown_text")),
			Blocks:   r.PostForm.Get("blocks"),
			Form:     r.PostForm,
		}
		f.mu.Lock()
		slackErr := f.refused[method]
		f.mu.Unlock()
		if slackErr != "" {
			f.calls <- c
			_ = json.NewEncoder(w).Encode(map[string]any{"ok": false, "error": slackErr})
			return
		}
		if c.TS == "" {
			c.TS = fmt.Sprintf("1700000000.%06d", f.seq.Add(1))
		}
		f.calls <- c
		_ = json.NewEncoder(w).Encode(map[string]any{"ok": true, "channel": c.Channel, "ts": c.TS, "message_ts": c.TS})
	}
}

// nextOf waits for the next Web API call and fails unless it is method.
func (f *fakeSlack) nextOf(t *testing.T, method string) call {
	t.Helper()
	c := f.next(t)
	if c.Method != method {
		t.Fatalf("got %s %+v, want %s", c.Method, c, method)
	}
	return c
}

// next waits for the next Web API call.
func (f *fakeSlack) next(t *testing.T) call {
	t.Helper()
	select {
	case c := <-f.calls:
		return c
	case <-time.After(deadline):
		t.Fatal("timed out waiting for a Slack API call")
		return call{}
	}
}

// none fails if any Web API call is left unread.
func (f *fakeSlack) none(t *testing.T) {
	t.Helper()
	select {
	case c := <-f.calls:
		t.Errorf("unexpected Slack API call %s: %+v", c.Method, c)
	default:
	}
}

// hook is one POST to a response_url.
type hook struct {
	Path string
	Msg  slack.WebhookMessage
	Raw  string
}

// hookServer plays response_url.
type hookServer struct {
	srv     *httptest.Server
	posts   chan hook
	limited atomic.Int32
}

func newHookServer(t *testing.T) *hookServer {
	t.Helper()
	h := &hookServer{posts: make(chan hook, 64)}
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		if h.limited.Add(-1) >= 0 {
			w.Header().Set("Retry-After", "3")
			http.Error(w, "rate limited", http.StatusTooManyRequests)
			return
		}
		var m slack.WebhookMessage
		if err := json.Unmarshal(raw, &m); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		h.posts <- hook{Path: r.URL.Path, Msg: m, Raw: unescapeJSON(string(raw))}
		_, _ = io.WriteString(w, "ok")
	}))
	t.Cleanup(h.srv.Close)
	return h
}

// url returns a response_url for name.
func (h *hookServer) url(name string) string {
	return h.srv.URL + "/commands/T1/" + name + "/" + hookSecret
}

func (h *hookServer) next(t *testing.T) hook {
	t.Helper()
	select {
	case p := <-h.posts:
		return p
	case <-time.After(deadline):
		t.Fatal("timed out waiting for a response_url post")
		return hook{}
	}
}

func (h *hookServer) none(t *testing.T) {
	t.Helper()
	select {
	case p := <-h.posts:
		t.Errorf("unexpected response_url post: %s", p.Raw)
	default:
	}
}

// unescapeJSON undoes the HTML escaping encoding/json applies, so tests can
// look for the text Slack would display.
func unescapeJSON(s string) string {
	return strings.NewReplacer(`\u0026`, "&", `\u003c`, "<", `\u003e`, ">").Replace(s)
}

// stubAnswerer is a test Answerer for the paths that need a failing or
// slow engine, or need to see the questions asked.
type stubAnswerer struct {
	mu        sync.Mutex
	questions []citebot.Question
	ans       citebot.Answer
	err       error
	// release, when not nil, holds every call until it is closed or the
	// call's context ends.
	release chan struct{}
	started chan struct{} // receives once per call, if not nil
}

func (s *stubAnswerer) Answer(ctx context.Context, q citebot.Question) (citebot.Answer, error) {
	s.mu.Lock()
	s.questions = append(s.questions, q)
	s.mu.Unlock()
	if s.started != nil {
		s.started <- struct{}{}
	}
	if s.release != nil {
		select {
		case <-s.release:
		case <-ctx.Done():
			return citebot.Answer{}, ctx.Err()
		}
	}
	a := s.ans
	a.Question = q.Text
	return a, s.err
}

func (s *stubAnswerer) asked() []citebot.Question {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]citebot.Question(nil), s.questions...)
}

// wantAsked fails unless the engine was asked exactly want, in order.
func (s *stubAnswerer) wantAsked(t *testing.T, want []citebot.Question) {
	t.Helper()
	got := s.asked()
	if len(got) != len(want) {
		t.Fatalf("got questions %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("question %d: got %+v, want %+v", i, got[i], want[i])
		}
	}
}

// harness is an Adapter wired to fake Slack servers.
type harness struct {
	a     *Adapter
	slack *fakeSlack
	hooks *hookServer
	srv   *httptest.Server // the adapter's HTTP endpoints
	fb    *bot.FeedbackLog
	logs  *logbuf.Buffer
	waits chan time.Duration // Retry-After waits the adapter asked for
}

func newHarness(t *testing.T, ans citebot.Answerer, configure func(*Options)) *harness {
	t.Helper()
	h := &harness{slack: newFakeSlack(t), hooks: newHookServer(t), logs: &logbuf.Buffer{}, waits: make(chan time.Duration, 16)}
	h.fb = bot.NewFeedbackLog(t.TempDir())
	opts := Options{
		SigningSecret: testSecret,
		BotToken:      testBotToken,
		APIURL:        h.slack.srv.GetAPIURL(),
		Logger:        slog.New(slog.NewTextHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
	if configure != nil {
		configure(&opts)
	}
	a, err := New(ans, h.fb, opts)
	if err != nil {
		t.Fatal(err)
	}
	// Honour Retry-After without waiting for real: record the wait.
	a.http.Transport.(*retryTransport).wait = func(ctx context.Context, d time.Duration) error {
		h.waits <- d
		return ctx.Err()
	}
	a.retry.pace = func(d time.Duration) time.Duration {
		h.waits <- d
		return 0
	}
	h.a = a
	mux := http.NewServeMux()
	a.Register(mux)
	h.srv = httptest.NewServer(mux)
	t.Cleanup(func() {
		h.srv.Close()
		_ = a.Close()
		logs := h.logs.String()
		for _, secret := range []string{testSecret, testBotToken, testAppToken, hookSecret} {
			if strings.Contains(logs, secret) {
				t.Errorf("a secret (%.8s…) was logged:\n%s", secret, logs)
			}
		}
	})
	return h
}

// nextWait returns the next Retry-After wait the adapter asked for.
func (h *harness) nextWait(t *testing.T) time.Duration {
	t.Helper()
	select {
	case d := <-h.waits:
		return d
	case <-time.After(deadline):
		t.Fatal("timed out waiting for a retry")
		return 0
	}
}

// sign returns the v0 signature of body at ts.
func sign(secret string, ts int64, body string) string {
	mac := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(mac, "v0:%d:%s", ts, body)
	return "v0=" + hex.EncodeToString(mac.Sum(nil))
}

// send POSTs a freshly signed body to the adapter.
func (h *harness) send(t *testing.T, path, contentType, body string, headers ...string) *http.Response {
	t.Helper()
	ts := time.Now().Unix()
	hdr := []string{
		"Content-Type", contentType,
		"X-Slack-Request-Timestamp", strconv.FormatInt(ts, 10),
		"X-Slack-Signature", sign(testSecret, ts, body),
	}
	return h.sendRaw(t, path, body, append(hdr, headers...)...)
}

// sendRaw POSTs body with exactly the given headers (name, value pairs).
func (h *harness) sendRaw(t *testing.T, path, body string, headers ...string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, h.srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := h.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

func readBody(t *testing.T, resp *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// triggers numbers trigger IDs: Slack gives every invocation its own.
var triggers atomic.Int64

func newTriggerID() string { return fmt.Sprintf("%d.42.test", triggers.Add(1)) }

// commandForm is a slash command as Slack POSTs it.
func commandForm(command, text, responseURL string) string {
	return url.Values{
		"token":        {"legacy-verification-token"},
		"team_id":      {"T1"},
		"team_domain":  {"example"},
		"channel_id":   {"C1"},
		"channel_name": {"general"},
		"user_id":      {"U1"},
		"user_name":    {"ann"},
		"command":      {command},
		"text":         {text},
		"response_url": {responseURL},
		"trigger_id":   {newTriggerID()},
	}.Encode()
}

// eventJSON is an Events API callback around inner.
func eventJSON(eventID string, inner map[string]any) string {
	b, _ := json.Marshal(map[string]any{
		"token":      "legacy-verification-token",
		"team_id":    "T1",
		"api_app_id": "A1",
		"type":       "event_callback",
		"event_id":   eventID,
		"event_time": 1700000000,
		"event":      inner,
		"authorizations": []map[string]any{
			{"team_id": "T1", "user_id": "UBOT", "is_bot": true},
		},
	})
	return string(b)
}

func mention(text, ts, threadTS string) map[string]any {
	m := map[string]any{"type": "app_mention", "user": "U1", "text": text, "ts": ts, "channel": "C1", "event_ts": ts}
	if threadTS != "" {
		m["thread_ts"] = threadTS
	}
	return m
}

const form = "application/x-www-form-urlencoded"
