package config

import (
	"strings"
	"testing"
	"time"
)

func TestFile(t *testing.T) {
	yaml := `# a full file
data_dir: /var/lib/citebot
server:
  addr: ":8081"
  read_timeout: 20s
  rate_per_client: 60/m
corpus:
  example_questions:
    - Who wrote the letter, and when?
    - Which countries left?
log:
  level: debug
llm:
  base_url: http://localhost:11434/v1
  chat_model: llama3.1:8b
slack:
  allowlist: [C0123ABCD, T0123ABCD]
telegram:
  allowed_chats: "1, -2"
`
	c, err := load(t, []string{"--config", writeFile(t, yaml)}, nil)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"data_dir", c.DataDir, "/var/lib/citebot"},
		{"addr", c.Server.Addr, ":8081"},
		{"read_timeout", c.Server.ReadTimeout, 20 * time.Second},
		{"rate", c.Server.RatePerClient, Rate{60, time.Minute}},
		{"level", c.Log.Level, "debug"},
		{"mode", c.LLMMode(), LLMGenerationOnly},
		{"allowlist", strings.Join(c.Slack.Allowlist, ","), "C0123ABCD,T0123ABCD"},
		{"chats", len(c.Telegram.AllowedChats), 2},
		{"source", c.source("log.level"), "set in " + c.ConfigFile + " line 12"},
		// A question may hold commas: a YAML list keeps them apart.
		{"example questions", strings.Join(c.Corpus.ExampleQuestions, "|"), "Who wrote the letter, and when?|Which countries left?"},
	}
	for _, tc := range checks {
		t.Run(tc.name, func(t *testing.T) {
			if tc.got != tc.want {
				t.Errorf("got %v, want %v", tc.got, tc.want)
			}
		})
	}
}

func TestFileEmpty(t *testing.T) {
	for _, yaml := range []string{"", "# only a comment\n", "---\n", "~\n", "server:\n"} {
		t.Run(yaml, func(t *testing.T) {
			if _, err := load(t, []string{"--config", writeFile(t, yaml)}, nil); err != nil {
				t.Errorf("got %v, want no error", err)
			}
		})
	}
}

// TestFileErrors checks strict decoding: every mistake is an error that
// names the file and line and says what to do.
func TestFileErrors(t *testing.T) {
	tests := []struct {
		name    string
		yaml    string
		wantEnv string
		want    []string
	}{
		{"unknown key", "server:\n  adr: \":80\"\n", "CITEBOT_CONFIG",
			[]string{"--config", "line 2", `unknown key "server.adr"`, `did you mean "server.addr"`}},
		{"setting outside its section", "addr: \":80\"\n", "CITEBOT_CONFIG",
			[]string{`unknown key "addr"`, `"server.addr", under server:`}},
		{"unknown section", "slak:\n  bot_token: x\n", "CITEBOT_CONFIG", []string{`unknown key "slak"`}},
		{"duplicate key", "log:\n  level: info\n  level: debug\n", "CITEBOT_CONFIG", []string{"line 3", "appears again (first on line 2)"}},
		{"syntax error", "server:\n  addr: [\n", "CITEBOT_CONFIG", []string{"not valid YAML"}},
		{"tabs", "server:\n\taddr: x\n", "CITEBOT_CONFIG", []string{"not valid YAML"}},
		{"two documents", "log:\n  level: info\n---\nlog:\n  level: debug\n", "CITEBOT_CONFIG", []string{"more than one YAML document"}},
		{"not a mapping", "- a\n- b\n", "CITEBOT_CONFIG", []string{"must be a mapping"}},
		{"section as value", "server: 8080\n", "CITEBOT_CONFIG", []string{`"server" is a section`, "addr"}},
		{"list for a single value", "server:\n  addr: [a, b]\n", "CITEBOT_CONFIG", []string{"takes one value, not a list"}},
		{"mapping for a value", "server:\n  addr: {host: a}\n", "CITEBOT_CONFIG", []string{"not a mapping"}},
		{"nested list", "telegram:\n  allowed_chats: [[1]]\n", "CITEBOT_CONFIG", []string{"list of plain values"}},
		{"alias", "log:\n  level: &m info\n  format: *m\n", "CITEBOT_CONFIG", []string{"alias"}},
		{"bad value", "server:\n  idle_timeout: forever\n", "CITEBOT_IDLE_TIMEOUT",
			[]string{"config key server.idle_timeout", `"forever" (from `, "line 2", "not a duration"}},
		{"empty value with a default", "log:\n  level: \"\"\n", "CITEBOT_LOG_LEVEL", []string{"is empty", `"auto"`}},
		{"bad list item", "telegram:\n  allowed_chats: [1, x]\n", "TELEGRAM_ALLOWED_CHATS", []string{`"x"`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := load(t, []string{"--config", writeFile(t, tc.yaml)}, nil)
			errs := settingErrors(err)
			if len(errs) != 1 {
				t.Fatalf("got %d errors, want 1: %v", len(errs), err)
			}
			msg := errs[0].Error()
			if errs[0].Env != tc.wantEnv {
				t.Errorf("got error for %s, want %s: %s", errs[0].Env, tc.wantEnv, msg)
			}
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("message lacks %q:\n%s", w, msg)
				}
			}
		})
	}
}

func TestFileTooLarge(t *testing.T) {
	big := "# " + strings.Repeat("x", maxFileBytes) + "\n"
	_, err := load(t, []string{"--config", writeFile(t, big)}, nil)
	if err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("got %v, want a size error", err)
	}
}

// FuzzFile feeds arbitrary YAML to the file layer: it may refuse it, but
// must never panic, and what it accepts must print.
func FuzzFile(f *testing.F) {
	for _, seed := range []string{
		"", "server:\n  addr: \":80\"\n", "telegram:\n  allowed_chats: [1, -2, 3]\n",
		"slack:\n  allowlist: C1,C2\n  rate_per_user: 5/30s\n", "a: &x [*x]\n", "server: {addr: *y}\n",
		"llm:\n  timeout: 1h2m3s\n", "- [\n", "? [a]\n: b\n", "data_dir: !!binary aGVsbG8=\n",
		"server:\n  max_body_bytes: 99999999999999999999\n", "redis:\n  url: redis://:p@h\n",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data string) {
		l := &loader{getenv: env(nil), cfg: Config{sources: map[string]string{}}, failed: map[string]bool{}}
		for _, s := range settings {
			if s.Default != "" {
				l.apply(s, s.Default, origin{kind: originDefault})
			}
		}
		l.applyYAML("fuzz.yaml", []byte(data))
		_ = l.cfg.String()
		for _, err := range l.errs {
			_ = err.Error()
		}
	})
}
