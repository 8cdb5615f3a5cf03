package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/citebot/citebot/corpus"
)

// marker is in every secret below; no output may contain it.
const marker = "S3CRET"

var secretVars = map[string]string{
	"CITEBOT_API_TOKEN":       "tok-" + marker + "-api-0123456789",
	"OPENAI_API_KEY":          "sk-" + marker + "-openai",
	"WEAVIATE_API_KEY":        "wv-" + marker,
	"SLACK_SIGNING_SECRET":    "sign-" + marker,
	"SLACK_BOT_TOKEN":         "xoxb-" + marker + "-bot",
	"SLACK_APP_TOKEN":         "xapp-" + marker + "-app",
	"TELEGRAM_BOT_TOKEN":      "123456:" + marker + "tg",
	"TELEGRAM_WEBHOOK_SECRET": marker + "_hook",
	// Passwords and tokens inside URLs, one percent-encoded.
	"CITEBOT_REDIS_URL":    "redis://user:" + marker + "%21pw@127.0.0.1:6379/0",
	"TELEGRAM_WEBHOOK_URL": "https://bot.example.com/telegram/webhook/123456:" + marker + "tg",
	"WEAVIATE_URL":         "http://admin:" + marker + "weav@127.0.0.1:8081",
	"CITEBOT_CHAT_MODEL":   "gpt-4o-mini",
}

func secretConfig(t *testing.T) Config {
	t.Helper()
	c, err := Load(nil, env(secretVars))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return c
}

func TestRedactionEverywhere(t *testing.T) {
	c := secretConfig(t)
	if !strings.Contains(c.Redis.URL, marker) || !strings.Contains(c.Slack.BotToken.Reveal(), marker) {
		t.Fatal("the test config does not hold its secrets")
	}
	outputs := map[string]func() string{
		"WriteTo": func() string {
			var b bytes.Buffer
			if _, err := c.WriteTo(&b); err != nil {
				t.Fatal(err)
			}
			return b.String()
		},
		"String":         c.String,
		"Redacted %#v":   func() string { return fmt.Sprintf("%#v", c.Redacted()) },
		"Redacted.Redis": func() string { return c.Redacted().Redis.URL },
		"MarshalJSON": func() string {
			b, err := json.Marshal(c)
			if err != nil {
				t.Fatal(err)
			}
			return string(b)
		},
	}
	values := map[string]any{
		"Config": c, "*Config": &c, "Server": c.Server, "LLM": c.LLM, "Index": c.Index,
		"Redis": c.Redis, "Slack": c.Slack, "Telegram": c.Telegram,
		"Secret": c.Slack.BotToken, "[]any": []any{c.Telegram, c.Redis},
	}
	for name, v := range values {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%T %10.3v"} {
			outputs[name+" "+verb] = func() string { return fmt.Sprintf(verb, v) }
		}
		for _, h := range []string{"json", "text"} {
			outputs[name+" slog "+h] = func() string {
				var b bytes.Buffer
				Log{Format: h, Level: "debug"}.NewLogger(&b).Info("config", "cfg", v, slog.Any("any", v))
				return b.String()
			}
		}
		outputs[name+" json.Marshal"] = func() string {
			b, err := json.Marshal(v)
			if err != nil {
				t.Fatal(err)
			}
			return string(b)
		}
	}
	for name, out := range outputs {
		t.Run(name, func(t *testing.T) {
			got := out()
			if strings.Contains(got, marker) {
				t.Errorf("output holds a secret:\n%s", got)
			}
		})
	}
}

func TestRedacted(t *testing.T) {
	c := secretConfig(t)
	r := c.Redacted()
	tests := []struct{ name, got, want string }{
		{"set secret", r.Slack.BotToken.Reveal(), RedactedValue},
		{"another set secret", r.Server.APIToken.Reveal(), RedactedValue},
		{"unset stays empty", Config{}.Redacted().Slack.BotToken.Reveal(), ""},
		{"redis password", r.Redis.URL, "redis://user:" + RedactedValue + "@127.0.0.1:6379/0"},
		{"token inside a URL", r.Telegram.WebhookURL, "https://bot.example.com/telegram/webhook/" + RedactedValue},
		{"plain values stay", r.Server.Addr, c.Server.Addr},
		{"original untouched", c.Slack.BotToken.Reveal(), secretVars["SLACK_BOT_TOKEN"]},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.got != tc.want {
				t.Errorf("got %q, want %q", tc.got, tc.want)
			}
		})
	}
	// Redacted copies slices instead of rewriting the original's.
	c.Slack.Allowlist = []string{"C0123" + marker}
	c.Slack.BotToken = Secret("C0123" + marker)
	_ = c.Redacted()
	if c.Slack.Allowlist[0] != "C0123"+marker {
		t.Errorf("Redacted changed the original's Allowlist to %q", c.Slack.Allowlist[0])
	}
}

// TestLoadErrorsHoldNoSecrets makes every secret invalid, and a URL embed a
// token, and checks that the messages quote none of them.
func TestLoadErrorsHoldNoSecrets(t *testing.T) {
	vars := map[string]string{
		"CITEBOT_API_TOKEN":       "bad " + marker,
		"SLACK_SIGNING_SECRET":    "xoxb-" + marker,
		"SLACK_BOT_TOKEN":         "xapp-" + marker,
		"SLACK_APP_TOKEN":         marker + "-app",
		"TELEGRAM_BOT_TOKEN":      marker,
		"TELEGRAM_WEBHOOK_SECRET": marker + ".x",
		"TELEGRAM_WEBHOOK_URL":    "http://bot.example.com/hook/" + marker,
		"CITEBOT_REDIS_URL":       "redis//:" + marker + "@host",
		"WEAVIATE_URL":            "ftp://u:" + marker + "@host",
		"OPENAI_API_KEY":          "\x00" + marker,
	}
	_, err := Load(nil, env(vars))
	if err == nil {
		t.Fatal("got no error")
	}
	if n := len(settingErrors(err)); n < len(vars) {
		t.Errorf("got %d errors, want at least %d: %v", n, len(vars), err)
	}
	if strings.Contains(err.Error(), marker) {
		t.Errorf("error holds a secret:\n%v", err)
	}
}

// TestWriteToRoundTrip checks that `citebot config` output is a config file
// that loads to the same settings, and that its placeholders are refused.
func TestWriteToRoundTrip(t *testing.T) {
	vars := map[string]string{}
	for _, s := range settings {
		if !s.secret() {
			vars[s.Env] = samples[s.Key][0]
		}
	}
	vars["CITEBOT_CORPUS"] = t.TempDir()
	vars["CITEBOT_REDIS_URL"] = "redis://:pw@127.0.0.1:6379/0" // printed masked
	vars["TELEGRAM_WEBHOOK_URL"] = ""
	c, err := Load(nil, env(vars))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	var b bytes.Buffer
	if _, err := c.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "out.yaml")
	if err := os.WriteFile(p, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = Load(nil, env(map[string]string{"CITEBOT_CONFIG": p}))
	if err == nil || !strings.Contains(err.Error(), "CITEBOT_REDIS_URL") || !strings.Contains(err.Error(), "placeholder") {
		t.Fatalf("got %v, want the masked Redis password refused", err)
	}

	// Without URL passwords the output reloads to the same Config.
	vars["CITEBOT_REDIS_URL"] = "redis://127.0.0.1:6379/0"
	c, err = Load(nil, env(vars))
	if err != nil {
		t.Fatal(err)
	}
	b.Reset()
	if _, err := c.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	c2, err := Load(nil, env(map[string]string{"CITEBOT_CONFIG": p}))
	if err != nil {
		t.Fatalf("reload of WriteTo output: %v\n%s", err, b.String())
	}
	if got, want := c2.String(), c.String(); got != want {
		t.Errorf("reloaded config differs:\ngot  %s\nwant %s", got, want)
	}

	// Secrets print as placeholders, which Load refuses with a clear error.
	b.Reset()
	if _, err := secretConfig(t).WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = Load(nil, env(map[string]string{"CITEBOT_CONFIG": p}))
	if err == nil || !strings.Contains(err.Error(), "placeholder") {
		t.Errorf("got %v, want placeholder errors", err)
	}
}

func TestWriteToComments(t *testing.T) {
	c, err := load(t, []string{"--addr", ":9"}, map[string]string{"CITEBOT_LOG_LEVEL": "debug"})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if _, err := c.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"LLM mode: offline",
		`addr: :9 # CITEBOT_ADDR, set by flag --addr`,
		"level: debug # CITEBOT_LOG_LEVEL, set by env CITEBOT_LOG_LEVEL",
		"format: auto # CITEBOT_LOG_FORMAT, default",
		fmt.Sprintf("chunk_size: %d # CITEBOT_CHUNK_SIZE, default", corpus.DefaultChunkSize),
		fmt.Sprintf("chunk_overlap: %d # CITEBOT_CHUNK_OVERLAP, default", corpus.DefaultChunkOverlap),
		`bot_token: "" # SLACK_BOT_TOKEN, default`,
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, b.String())
		}
	}
}
