package slack

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/citebot/citebot"
)

func TestNewValidatesOptions(t *testing.T) {
	ok := Options{SigningSecret: "s", BotToken: "xoxb-1"}
	tests := []struct {
		name    string
		change  func(*Options)
		wantErr string
	}{
		{"http mode", func(*Options) {}, ""},
		{"socket mode", func(o *Options) { o.SigningSecret = ""; o.AppToken = "xapp-1" }, ""},
		{"both modes", func(o *Options) { o.AppToken = "xapp-1" }, ""},
		{"no credentials", func(o *Options) { o.SigningSecret = "" }, "no credentials"},
		{"no bot token", func(o *Options) { o.BotToken = "" }, "BotToken"},
		{"app token in bot slot", func(o *Options) { o.BotToken = "xapp-1" }, "app-level token"},
		{"bot token in app slot", func(o *Options) { o.AppToken = "xoxb-2" }, "xapp-"},
		{"bad api url", func(o *Options) { o.APIURL = "slack.com/api" }, "APIURL"},
		{"bad command", func(o *Options) { o.Command = "ask" }, "Command"},
		{"negative timeout", func(o *Options) { o.AnswerTimeout = -time.Second }, "negative"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := ok
			tt.change(&o)
			_, err := New(&stubAnswerer{}, nil, o)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("got %v, want nil", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("got %v, want an error about %s", err, tt.wantErr)
			}
			if err != nil && (strings.Contains(err.Error(), "xoxb-1") || strings.Contains(err.Error(), "xoxb-2")) {
				t.Errorf("error %q shows a token", err)
			}
		})
	}
	if _, err := New(nil, nil, ok); err == nil {
		t.Error("nil Answerer accepted")
	}
}

func TestNewDefaults(t *testing.T) {
	a, err := New(&stubAnswerer{}, nil, Options{SigningSecret: "s", BotToken: "xoxb-1", APIURL: "http://127.0.0.1:1/api"})
	if err != nil {
		t.Fatal(err)
	}
	if a.opts.Command != "/ask" || a.opts.AnswerTimeout != 30*time.Second || a.opts.MaxRetries != DefaultMaxRetries ||
		a.opts.APIURL != "http://127.0.0.1:1/api/" || a.limiter != nil {
		t.Errorf("got %+v", a.opts)
	}
}

func TestRegisterOnlyInHTTPMode(t *testing.T) {
	for _, tt := range []struct {
		name string
		opts Options
		want int
	}{
		{"http", Options{SigningSecret: "s", BotToken: "xoxb-1"}, http.StatusUnauthorized},
		{"socket only", Options{AppToken: "xapp-1", BotToken: "xoxb-1"}, http.StatusNotFound},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tt.opts.Logger = slog.New(slog.DiscardHandler)
			a, err := New(&stubAnswerer{}, nil, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			mux := http.NewServeMux()
			a.Register(mux)
			for _, path := range []string{"/slack/commands", "/slack/events", "/slack/interactivity"} {
				rec := httptest.NewRecorder()
				mux.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, path, strings.NewReader("x")))
				if rec.Code != tt.want {
					t.Errorf("POST %s: got %d, want %d", path, rec.Code, tt.want)
				}
			}
		})
	}
}

// notReady answers like the server's engine before the index has loaded:
// ErrNotReady until ready is closed, then with the real engine.
type notReady struct {
	ready <-chan struct{}
	a     citebot.Answerer
}

func (n notReady) Answer(ctx context.Context, q citebot.Question) (citebot.Answer, error) {
	select {
	case <-n.ready:
		return n.a.Answer(ctx, q)
	default:
		return citebot.Answer{}, citebot.ErrNotReady
	}
}

// TestQuestionsWaitForTheIndex checks that nothing asked while the index
// loads is lost: an event over HTTP gets 503 so that Slack delivers it
// again, a slash command is acknowledged and answered once the index is
// ready, and so is an event over Socket Mode.
func TestQuestionsWaitForTheIndex(t *testing.T) {
	ready := make(chan struct{})
	eng := notReady{ready: ready, a: realEngine(t)}
	h := newHarness(t, eng, func(o *Options) { o.Ready = ready; o.AppToken = testAppToken })
	stop := h.run(t)
	if got := h.a.State(); got != "waiting for the index" {
		t.Errorf("State before ready: got %q", got)
	}

	ev := eventJSON("EvR1", mention("<@UBOT> when did Estonia ratify Ottawa?", "1700000009.000100", ""))
	if resp := h.send(t, "/slack/events", jsonType, ev); resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("event over HTTP before ready: got %d, want 503", resp.StatusCode)
	}
	reply := decodeReply(t, h.send(t, "/slack/commands", form, commandForm("/ask", "when did Estonia ratify Ottawa?", h.hooks.url("early"))))
	if !strings.Contains(reply.Text, "still loading") {
		t.Errorf("command before ready: got %q, want an acknowledgement that says the index is loading", reply.Text)
	}
	h.slack.srv.SendToWebsocket(envelope("env-r", "events_api", eventJSON("EvR2", mention("<@UBOT> when did Latvia ratify Ottawa?", "1700000009.000200", "")), 0))
	h.slack.nextAck(t)
	placeholder := h.slack.next(t)
	if placeholder.Method != "chat.postMessage" || !strings.Contains(placeholder.Text, "still loading") {
		t.Errorf("socket event before ready: got %s %q, want a placeholder that says the index is loading", placeholder.Method, placeholder.Text)
	}

	close(ready)
	if got := h.hooks.next(t); !strings.Contains(got.Raw, "2004") {
		t.Errorf("held command: got %s, want the answer", got.Raw)
	}
	if got := h.slack.next(t); got.Method != "chat.update" || got.TS != placeholder.TS || !strings.Contains(unescapeJSON(got.Blocks), "2012") {
		t.Errorf("held socket event: got %s %s, want the placeholder replaced by the answer", got.Method, got.Blocks)
	}
	if got := h.a.State(); got != StateRunning {
		t.Errorf("State once ready and connected: got %q, want %q", got, StateRunning)
	}
	// Slack's redelivery of the HTTP event is answered now.
	if resp := h.send(t, "/slack/events", jsonType, ev, "X-Slack-Retry-Num", "1"); resp.StatusCode != http.StatusOK {
		t.Errorf("event after ready: got %d, want 200", resp.StatusCode)
	}
	if got := h.slack.next(t); got.Method != "chat.postMessage" || !strings.Contains(unescapeJSON(got.Blocks), "2004") {
		t.Errorf("redelivered event: got %s %s, want its answer", got.Method, got.Blocks)
	}
	if err := stop(); err != nil {
		t.Errorf("Run: %v", err)
	}
}
