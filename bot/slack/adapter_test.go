package slack

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
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
