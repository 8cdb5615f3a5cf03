package main

import (
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/slack-go/slack/slacktest"

	"github.com/citebot/citebot/config"
	"github.com/citebot/citebot/internal/fakeopenai"
	"github.com/citebot/citebot/internal/logbuf"
)

// fakeTelegram plays the Bot API for the real go-telegram client: it hands
// out one question on the first getUpdates, then holds every later long
// poll until the client gives up, and records what the bot sends.
type fakeTelegram struct {
	srv   *httptest.Server
	token string
	polls int
	// failGetMe is how many getMe calls still get a 502 error page that
	// echoes the request path, token and all.
	failGetMe atomic.Int32
	mu        sync.Mutex
	ask       chan struct{} // closed when the first poll may deliver the question
	sent      chan string   // texts of sendMessage calls
	polling   chan struct{} // a long poll is being held
	pollDone  chan struct{} // the client cancelled a held long poll
}

func newFakeTelegram(t *testing.T, token string) *fakeTelegram {
	f := &fakeTelegram{token: token, sent: make(chan string, 16), ask: make(chan struct{}), polling: make(chan struct{}, 1), pollDone: make(chan struct{})}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeTelegram) serve(w http.ResponseWriter, r *http.Request) {
	method, ok := strings.CutPrefix(r.URL.Path, "/bot"+f.token+"/")
	if !ok {
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprint(w, `{"ok":false,"error_code":401,"description":"Unauthorized"}`)
		return
	}
	params := map[string]string{}
	if mt, mp, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "multipart/form-data" {
		if form, err := multipart.NewReader(r.Body, mp["boundary"]).ReadForm(1 << 20); err == nil {
			for k, v := range form.Value {
				params[k] = v[0]
			}
		}
	}
	// Read the body to EOF: only then does the server watch the
	// connection, and cancel r.Context() when the client drops a held
	// long poll. The multipart reader can stop at the final boundary.
	io.Copy(io.Discard, r.Body)
	w.Header().Set("Content-Type", "application/json")
	switch method {
	case "getMe":
		if f.failGetMe.Add(-1) >= 0 {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusBadGateway)
			fmt.Fprintf(w, "<html><h1>502 Bad Gateway</h1><p>POST %s</p></html>", r.URL.Path)
			return
		}
		fmt.Fprint(w, `{"ok":true,"result":{"id":1,"is_bot":true,"first_name":"citebot","username":"citebot_test_bot"}}`)
	case "getUpdates":
		f.mu.Lock()
		f.polls++
		first := f.polls == 1
		f.mu.Unlock()
		if first {
			// Hold the question until the engine is ready, or the bot
			// would rightly answer that the index is still loading.
			select {
			case <-f.ask:
			case <-r.Context().Done():
				return
			}
			q := "/ask when did Estonia ratify Ottawa?"
			fmt.Fprintf(w, `{"ok":true,"result":[{"update_id":1,"message":{"message_id":1,"date":1700000000,"chat":{"id":42,"type":"private"},"from":{"id":42,"is_bot":false,"first_name":"Ann"},"text":%q,"entities":[{"type":"bot_command","offset":0,"length":4}]}}]}`, q)
			return
		}
		select {
		case f.polling <- struct{}{}:
		default:
		}
		<-r.Context().Done()
		select {
		case <-f.pollDone:
		default:
			close(f.pollDone)
		}
	case "sendMessage":
		f.sent <- params["text"]
		fmt.Fprint(w, `{"ok":true,"result":{"message_id":100,"date":1700000000,"chat":{"id":42,"type":"private"},"text":"ok"}}`)
	default: // sendChatAction, setMyCommands, deleteWebhook
		fmt.Fprint(w, `{"ok":true,"result":true}`)
	}
}

// waitFor reads ch until a value contains want, or fails at the deadline.
func waitFor(t *testing.T, ch <-chan string, want, what string) string {
	t.Helper()
	deadline := time.After(30 * time.Second)
	for {
		select {
		case s := <-ch:
			if strings.Contains(s, want) {
				return s
			}
		case <-deadline:
			t.Fatalf("%s: no message containing %q", what, want)
			return ""
		}
	}
}

// TestServeOperations runs the whole server with the API token, pprof, a
// Telegram poller and a Slack socket against fakes of both services; asks
// through all three adapters; checks metrics, sources, the page and the
// logs; and then checks that shutdown stops the poller and the socket.
func TestServeOperations(t *testing.T) {
	const (
		apiToken  = "ops-test-api-token-0123456789"
		tgToken   = "123456:TG-secret-token"
		slackBot  = "xoxb-slack-bot-secret"
		slackApp  = "xapp-slack-app-secret"
		wantFile  = "000_2bc005b4439df7f9.txt"
		questionJ = `{"question":"when did Estonia ratify Ottawa?"}`
	)
	tg := newFakeTelegram(t, tgToken)
	hooks := make(chan string, 16)
	hookSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		hooks <- string(b)
	}))
	defer hookSrv.Close()
	sl := slacktest.NewTestServer(func(c slacktest.Customize) {
		c.Handle("/apps.connections.open", func(w http.ResponseWriter, r *http.Request) {
			ws, _ := r.Context().Value(slacktest.ServerWSContextKey).(string)
			_ = json.NewEncoder(w).Encode(map[string]any{"ok": true, "url": ws})
		})
	})
	sl.Start()
	defer sl.Stop()
	go func() {
		for range sl.SeenFeed { // slacktest blocks until its feed is read
		}
	}()

	env := map[string]string{
		"CITEBOT_ADDR":       "127.0.0.1:0",
		"CITEBOT_DATA_DIR":   t.TempDir(),
		"CITEBOT_API_TOKEN":  apiToken,
		"CITEBOT_PPROF":      "true",
		"CITEBOT_LOG_LEVEL":  "info",
		"CITEBOT_LOG_FORMAT": "json",
		"TELEGRAM_BOT_TOKEN": tgToken,
		"TELEGRAM_API_URL":   tg.srv.URL,
		"SLACK_BOT_TOKEN":    slackBot,
		"SLACK_APP_TOKEN":    slackApp,
		"SLACK_API_URL":      sl.GetAPIURL(),
	}
	logs := &logbuf.Buffer{}
	srv := startApp(t, loadEnv(t, env), logs)
	base := srv.URL
	<-srv.ready

	do := func(method, path, body, token string) (int, string, http.Header) {
		t.Helper()
		req, _ := http.NewRequest(method, base+path, strings.NewReader(body))
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b), resp.Header
	}

	// Web: the token guards the API, not the probes or the page.
	if code, _, _ := do("POST", "/v1/ask", questionJ, ""); code != http.StatusUnauthorized {
		t.Errorf("ask without token: %d, want 401", code)
	}
	code, body, hdr := do("POST", "/v1/ask", questionJ, apiToken)
	if code != 200 || !strings.Contains(body, "2004") {
		t.Fatalf("ask: %d %s", code, body)
	}
	webID := hdr.Get("X-Request-ID")
	for _, c := range []struct{ path, token string }{{"/healthz", ""}, {"/readyz", ""}, {"/", ""}, {"/v1/sources/" + wantFile, apiToken}, {"/debug/pprof/", apiToken}} {
		if code, body, _ := do("GET", c.path, "", c.token); code != 200 {
			t.Errorf("GET %s: %d %s", c.path, code, body)
		}
	}

	// Telegram: the poller hands the bot a question; it answers.
	close(tg.ask)
	waitFor(t, tg.sent, "2004", "telegram")
	// Slack: a slash command over the socket, answered at response_url.
	payload, _ := json.Marshal(map[string]string{
		"token": "x", "team_id": "T1", "team_domain": "t", "channel_id": "C1", "channel_name": "general",
		"user_id": "U1", "user_name": "ann", "command": "/ask", "text": "when did Estonia ratify Ottawa?",
		"api_app_id": "A1", "response_url": hookSrv.URL + "/slack", "trigger_id": "1.2.3",
	})
	env1, _ := json.Marshal(map[string]any{"envelope_id": "env-1", "type": "slash_commands", "accepts_response_payload": true, "payload": json.RawMessage(payload)})
	sl.SendToWebsocket(string(env1))
	waitFor(t, hooks, "2004", "slack")

	// Metrics count each adapter's question and the index build.
	code, metricsText, _ := do("GET", "/metrics", "", apiToken)
	if code != 200 {
		t.Fatalf("metrics: %d", code)
	}
	for _, want := range []string{
		`citebot_questions_total{adapter="web",outcome="answered"} 1`,
		`citebot_questions_total{adapter="telegram",outcome="answered"} 1`,
		`citebot_questions_total{adapter="slack",outcome="answered"} 1`,
		`citebot_ingest_runs_total 1`,
		`citebot_index_files 5`,
		`citebot_http_rejected_total{reason="unauthorized"} 1`,
		`citebot_question_duration_seconds_count{adapter="web"} 1`,
	} {
		if !strings.Contains(metricsText, want) {
			t.Errorf("metrics lack %s", want)
		}
	}

	// Stop: the poller's held long poll is cancelled, the socket closes,
	// and Run returns cleanly.
	select {
	case <-tg.polling:
	case <-time.After(30 * time.Second):
		t.Fatal("the telegram poller never long-polled")
	}
	srv.Cancel()
	if err := srv.Wait(t); err != nil {
		t.Errorf("Run: %v", err)
	}
	// The fake sees the client drop the held poll a moment after the
	// client does: the server notices a closed connection on its next
	// read.
	select {
	case <-tg.pollDone:
	case <-time.After(10 * time.Second):
		t.Error("Run returned and the telegram long poll is still open")
	}

	// Logs: JSON, one question line per adapter with a request ID, the web
	// one carrying the X-Request-ID the client saw; no secrets, no errors.
	out := logs.String()
	adapters := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Errorf("log line is not JSON: %q", line)
			continue
		}
		if m["level"] == "ERROR" {
			t.Errorf("error logged: %s", line)
		}
		if strings.Count(line, `"adapter":`) > 1 {
			t.Errorf("key adapter logged twice: %s", line)
		}
		if d, ok := m["deadline"]; ok {
			if _, isText := d.(string); !isText {
				t.Errorf("duration logged as %v, want text such as 20s: %s", d, line)
			}
		}
		if m["msg"] != "question" {
			continue
		}
		id, _ := m["request_id"].(string)
		if id == "" {
			t.Errorf("question logged without request_id: %s", line)
		}
		ad, _ := m["adapter"].(string)
		adapters[ad] = true
		if ad == "web" && id != webID {
			t.Errorf("web question logged with request_id %q, client saw %q", id, webID)
		}
	}
	for _, ad := range []string{"web", "telegram", "slack"} {
		if !adapters[ad] {
			t.Errorf("no question line for %s in the logs", ad)
		}
	}
	for _, secret := range []string{apiToken, tgToken, "TG-secret", slackBot, slackApp} {
		if strings.Contains(out, secret) {
			t.Errorf("log contains the secret %q", secret)
		}
	}
	if !strings.Contains(out, "shutting down") {
		t.Errorf("no shutdown line in the logs")
	}
}

// TestServeRetriesTelegram checks that a Telegram adapter whose start
// fails (getMe answers an error page) keeps trying instead of giving up,
// that /readyz and the metrics report its state, that the question Telegram
// hands over at the first poll is answered from the index, and that the
// token the error page echoed stays out of the logs.
func TestServeRetriesTelegram(t *testing.T) {
	const tgToken = "123456:TG-retry-secret-token"
	tg := newFakeTelegram(t, tgToken)
	tg.failGetMe.Store(1)
	close(tg.ask) // the question comes with the first poll
	env := map[string]string{
		"CITEBOT_ADDR":       "127.0.0.1:0",
		"CITEBOT_DATA_DIR":   t.TempDir(),
		"CITEBOT_LOG_FORMAT": "json",
		"TELEGRAM_BOT_TOKEN": tgToken,
		"TELEGRAM_API_URL":   tg.srv.URL,
	}
	logs := &logbuf.Buffer{}
	srv := startApp(t, loadEnv(t, env), logs)
	waitFor(t, tg.sent, "2004", "telegram")

	resp, err := http.Get(srv.URL + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	var ready struct {
		Status     string            `json:"status"`
		Components map[string]string `json:"components"`
	}
	err = json.NewDecoder(resp.Body).Decode(&ready)
	resp.Body.Close()
	if err != nil || resp.StatusCode != 200 || ready.Status != "ready" || ready.Components["telegram"] != "running" {
		t.Errorf("readyz: got %d %+v (%v), want ready with telegram running", resp.StatusCode, ready, err)
	}
	resp, err = http.Get(srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	metricsText, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(metricsText), `citebot_adapter_up{adapter="telegram"} 1`) {
		t.Errorf("metrics lack citebot_adapter_up for telegram")
	}
	srv.Cancel()
	if err := srv.Wait(t); err != nil {
		t.Errorf("Run: %v", err)
	}
	out := logs.String()
	if !strings.Contains(out, "could not start; retrying") || !strings.Contains(out, "502 Bad Gateway") {
		t.Errorf("the failed start was not logged:\n%s", out)
	}
	if strings.Contains(out, "TG-retry-secret") {
		t.Errorf("the token the error page echoed was logged:\n%s", out)
	}
}

// TestServeTimeouts checks that every server timeout comes from the
// configuration.
func TestServeTimeouts(t *testing.T) {
	env := map[string]string{
		"CITEBOT_ADDR":                "127.0.0.1:0",
		"CITEBOT_DATA_DIR":            t.TempDir(),
		"CITEBOT_READ_HEADER_TIMEOUT": "3s",
		"CITEBOT_READ_TIMEOUT":        "7s",
		"CITEBOT_WRITE_TIMEOUT":       "70s",
		"CITEBOT_IDLE_TIMEOUT":        "90s",
	}
	cfg, err := config.Load(nil, func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	a, err := newApp(cfg, cfg.Log.NewLogger(io.Discard))
	if err != nil {
		t.Fatal(err)
	}
	got := []time.Duration{a.srv.ReadHeaderTimeout, a.srv.ReadTimeout, a.srv.WriteTimeout, a.srv.IdleTimeout}
	want := []time.Duration{3 * time.Second, 7 * time.Second, 70 * time.Second, 90 * time.Second}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("timeout %d: got %v, want %v", i, got[i], want[i])
		}
	}
	if a.srv.MaxHeaderBytes == 0 {
		t.Error("MaxHeaderBytes unset")
	}
	// The defaults are never zero (zero would mean no timeout at all).
	cfg, err = config.Load(nil, func(k string) string { return map[string]string{"CITEBOT_DATA_DIR": env["CITEBOT_DATA_DIR"]}[k] })
	if err != nil {
		t.Fatal(err)
	}
	a, err = newApp(cfg, cfg.Log.NewLogger(io.Discard))
	if err != nil {
		t.Fatal(err)
	}
	for i, d := range []time.Duration{a.srv.ReadHeaderTimeout, a.srv.ReadTimeout, a.srv.WriteTimeout, a.srv.IdleTimeout} {
		if d <= 0 {
			t.Errorf("default timeout %d is %v: the server would wait forever", i, d)
		}
	}
}

// TestServeCountsIngestModelErrors: a model error while the corpus is
// embedded at start-up (outside any question) is counted in
// citebot_llm_errors_total, and the retried build completes.
func TestServeCountsIngestModelErrors(t *testing.T) {
	model := fakeopenai.New(t)
	model.EmbedStatus = func(n int) int {
		if n == 0 {
			return http.StatusInternalServerError // warming up
		}
		return http.StatusOK
	}
	env := map[string]string{
		"CITEBOT_ADDR":        "127.0.0.1:0",
		"CITEBOT_DATA_DIR":    t.TempDir(),
		"CITEBOT_EMBED_MODEL": "fake-embed",
		"OPENAI_BASE_URL":     model.URL + "/v1",
		"OPENAI_API_KEY":      fakeopenai.Key,
	}
	srv := startApp(t, loadEnv(t, env), io.Discard)
	<-srv.ready
	resp, err := http.Get(srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{`citebot_llm_errors_total{op="embed"} 1`, `citebot_ingest_runs_total 1`, `citebot_index_files 5`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}
