package config

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"
)

func TestLLMMode(t *testing.T) {
	tests := []struct {
		chat, embed string
		want        LLMMode
	}{
		{"", "", LLMOffline},
		{"", "text-embedding-3-small", LLMEmbeddingsOnly},
		{"gpt-4o-mini", "", LLMGenerationOnly},
		{"gpt-4o-mini", "text-embedding-3-small", LLMFull},
	}
	for _, tc := range tests {
		t.Run(string(tc.want), func(t *testing.T) {
			c := Config{LLM: LLM{ChatModel: tc.chat, EmbedModel: tc.embed}}
			if got := c.LLMMode(); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestWarnings(t *testing.T) {
	tests := []struct {
		name string
		vars map[string]string
		want []string // one substring per expected warning
	}{
		{"quiet by default", nil, nil},
		{"api key without model", map[string]string{"OPENAI_API_KEY": "sk-x"}, []string{"stays offline"}},
		{"open to the network", map[string]string{"CITEBOT_ADDR": ":8080"}, []string{"without a token"}},
		{"pprof on the network", map[string]string{"CITEBOT_ADDR": "0.0.0.0:8080", "CITEBOT_PPROF": "true", "CITEBOT_API_TOKEN": "0123456789abcdef0123"},
			[]string{"/debug/pprof/"}},
		{"pprof on loopback", map[string]string{"CITEBOT_ADDR": "localhost:8080", "CITEBOT_PPROF": "true"}, nil},
		{"short token", map[string]string{"CITEBOT_API_TOKEN": "abc"}, []string{"shorter than 16"}},
		{"generated webhook secret", map[string]string{"TELEGRAM_BOT_TOKEN": "1:a", "TELEGRAM_WEBHOOK_URL": "https://b.example.com/telegram/webhook"},
			[]string{"replicas"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Load(nil, env(tc.vars))
			if err != nil {
				t.Fatal(err)
			}
			got := c.Warnings()
			if len(got) != len(tc.want) {
				t.Fatalf("got %d warnings, want %d: %q", len(got), len(tc.want), got)
			}
			for i, w := range tc.want {
				if !strings.Contains(got[i], w) {
					t.Errorf("warning %q lacks %q", got[i], w)
				}
			}
		})
	}
}

func TestNewLogger(t *testing.T) {
	tests := []struct {
		log      Log
		wantJSON bool
		debug    bool
	}{
		{Log{Level: "info", Format: "json"}, true, false},
		{Log{Level: "debug", Format: "text"}, false, true},
		{Log{Level: "warn", Format: "json"}, true, false},
	}
	for _, tc := range tests {
		t.Run(tc.log.Level+"/"+tc.log.Format, func(t *testing.T) {
			var b bytes.Buffer
			l := tc.log.NewLogger(&b)
			l.Debug("dbg")
			l.Error("boom", "retry_in", 1500*time.Millisecond)
			out := b.String()
			if !strings.Contains(out, "1.5s") {
				t.Errorf("duration not written as 1.5s: %s", out)
			}
			if got := strings.HasPrefix(out, "{"); got != tc.wantJSON {
				t.Errorf("JSON: got %v, want %v: %s", got, tc.wantJSON, out)
			}
			if got := strings.Contains(out, "dbg"); got != tc.debug {
				t.Errorf("debug written: got %v, want %v", got, tc.debug)
			}
			if !strings.Contains(out, "boom") {
				t.Errorf("error not written: %s", out)
			}
		})
	}
	// Config.NewLogger keeps its secrets out of what it writes.
	var b bytes.Buffer
	cfg := Config{Log: Log{Level: "info", Format: "json"}, Telegram: Telegram{BotToken: "123456:TG-secret-token"}}
	cfg.NewLogger(&b).Warn("telegram: getMe failed", "err", errors.New(`error decode response body for method getMe, <html>GET /bot123456:TG-secret-token/getMe</html>`))
	if strings.Contains(b.String(), "TG-secret-token") {
		t.Errorf("token logged: %s", b.String())
	}
	if got := (Log{Level: "nonsense"}).SlogLevel(); got != slog.LevelInfo {
		t.Errorf("unknown level: got %v, want info", got)
	}
}
