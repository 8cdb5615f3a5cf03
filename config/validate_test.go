package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestValidationErrors checks that each bad configuration gives exactly one
// error, that it names the setting by environment variable and flag (when
// there is one), and that it says how to fix the problem.
func TestValidationErrors(t *testing.T) {
	dir := t.TempDir()
	aFile := filepath.Join(dir, "file.txt")
	if err := os.WriteFile(aFile, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	const bot, app, secret = "xoxb-1-2-abc", "xapp-1-A-abc", "8f742231b10e8888abcd99yyyzzz85a5"
	const tg = "123456:AAE-abc"
	tests := []struct {
		name    string
		vars    map[string]string
		args    []string
		wantEnv string
		want    []string // substrings of the message
	}{
		// Slack
		{name: "bot token without signing secret", vars: map[string]string{"SLACK_BOT_TOKEN": bot},
			wantEnv: "SLACK_SIGNING_SECRET", want: []string{"SLACK_BOT_TOKEN", "HTTP mode needs both", "SLACK_APP_TOKEN"}},
		{name: "signing secret without bot token", vars: map[string]string{"SLACK_SIGNING_SECRET": secret},
			wantEnv: "SLACK_BOT_TOKEN", want: []string{"SLACK_SIGNING_SECRET is", "xoxb-"}},
		{name: "app token without bot token", vars: map[string]string{"SLACK_APP_TOKEN": app},
			wantEnv: "SLACK_BOT_TOKEN", want: []string{"Socket Mode needs", "SLACK_APP_TOKEN"}},
		{name: "app token not xapp", vars: map[string]string{"SLACK_BOT_TOKEN": bot, "SLACK_APP_TOKEN": "abc-123"},
			wantEnv: "SLACK_APP_TOKEN", want: []string{`does not start with "xapp-"`, "App-Level Tokens"}},
		{name: "bot token in app token", vars: map[string]string{"SLACK_BOT_TOKEN": bot, "SLACK_APP_TOKEN": bot},
			wantEnv: "SLACK_APP_TOKEN", want: []string{"is a bot token", "SLACK_BOT_TOKEN"}},
		{name: "app token in bot token", vars: map[string]string{"SLACK_BOT_TOKEN": app, "SLACK_SIGNING_SECRET": secret},
			wantEnv: "SLACK_BOT_TOKEN", want: []string{"app-level token", "SLACK_APP_TOKEN"}},
		{name: "bot token without xoxb", vars: map[string]string{"SLACK_BOT_TOKEN": "xoxp-user", "SLACK_SIGNING_SECRET": secret},
			wantEnv: "SLACK_BOT_TOKEN", want: []string{`"xoxb-"`, "OAuth & Permissions"}},
		{name: "token as signing secret", vars: map[string]string{"SLACK_BOT_TOKEN": bot, "SLACK_SIGNING_SECRET": bot},
			wantEnv: "SLACK_SIGNING_SECRET", want: []string{"looks like a token", "Basic Information"}},
		{name: "command without slash", vars: map[string]string{"CITEBOT_SLACK_COMMAND": "ask"},
			wantEnv: "CITEBOT_SLACK_COMMAND", want: []string{`"ask"`, "start with /"}},
		{name: "command with space", vars: map[string]string{"CITEBOT_SLACK_COMMAND": "/Ask me"},
			wantEnv: "CITEBOT_SLACK_COMMAND", want: []string{"lowercase"}},
		{name: "example question on two lines", vars: map[string]string{"CITEBOT_EXAMPLE_QUESTIONS": "What is it?\nAnd why?"},
			wantEnv: "CITEBOT_EXAMPLE_QUESTIONS", want: []string{"several lines"}},
		{name: "example question too long", vars: map[string]string{"CITEBOT_EXAMPLE_QUESTIONS": strings.Repeat("why ", 60)},
			wantEnv: "CITEBOT_EXAMPLE_QUESTIONS", want: []string{"longer than 200"}},
		{name: "too many example questions", vars: map[string]string{"CITEBOT_EXAMPLE_QUESTIONS": strings.Repeat("Why? | ", 11)},
			wantEnv: "CITEBOT_EXAMPLE_QUESTIONS", want: []string{"at most 10"}},
		{name: "slack api url without scheme", vars: map[string]string{"SLACK_API_URL": "slack.com/api"},
			wantEnv: "SLACK_API_URL", want: []string{"no scheme", "https://slack.com/api/"}},
		{name: "slack channel name in allowlist", vars: map[string]string{"CITEBOT_SLACK_ALLOWLIST": "C0123ABCD,#general"},
			wantEnv: "CITEBOT_SLACK_ALLOWLIST", want: []string{`"#general"`, "C0123ABCD"}},
		{name: "bad rate", vars: map[string]string{"CITEBOT_SLACK_RATE_PER_USER": "ten a minute"},
			wantEnv: "CITEBOT_SLACK_RATE_PER_USER", want: []string{"10/m"}},

		// Telegram
		{name: "webhook url not https", vars: map[string]string{"TELEGRAM_BOT_TOKEN": tg, "TELEGRAM_WEBHOOK_URL": "http://bot.example.com/telegram/webhook"},
			wantEnv: "TELEGRAM_WEBHOOK_URL", want: []string{`"http"`, "only https"}},
		{name: "webhook port Telegram refuses", vars: map[string]string{"TELEGRAM_BOT_TOKEN": tg, "TELEGRAM_WEBHOOK_URL": "https://bot.example.com:8080/telegram/webhook"},
			wantEnv: "TELEGRAM_WEBHOOK_URL", want: []string{"port 8080", "443, 80, 88 and 8443"}},
		{name: "webhook url without bot token", vars: map[string]string{"TELEGRAM_WEBHOOK_URL": "https://bot.example.com/telegram/webhook"},
			wantEnv: "TELEGRAM_BOT_TOKEN", want: []string{"TELEGRAM_WEBHOOK_URL is", "@BotFather"}},
		{name: "webhook secret without url", vars: map[string]string{"TELEGRAM_BOT_TOKEN": tg, "TELEGRAM_WEBHOOK_SECRET": "abc"},
			wantEnv: "TELEGRAM_WEBHOOK_SECRET", want: []string{"TELEGRAM_WEBHOOK_URL is not", "long-polls"}},
		{name: "webhook secret with bad characters", vars: map[string]string{"TELEGRAM_BOT_TOKEN": tg, "TELEGRAM_WEBHOOK_URL": "https://b.example.com/", "TELEGRAM_WEBHOOK_SECRET": "a.b"},
			wantEnv: "TELEGRAM_WEBHOOK_SECRET", want: []string{"1 to 256 characters", "openssl rand"}},
		{name: "malformed bot token", vars: map[string]string{"TELEGRAM_BOT_TOKEN": "not-a-token"},
			wantEnv: "TELEGRAM_BOT_TOKEN", want: []string{"123456789:AAE", "@BotFather"}},
		{name: "unparsable allowed chats", vars: map[string]string{"TELEGRAM_ALLOWED_CHATS": "12345, @mychannel"},
			wantEnv: "TELEGRAM_ALLOWED_CHATS", want: []string{`"@mychannel"`, "numeric chat IDs"}},
		{name: "telegram api url with fragment", vars: map[string]string{"TELEGRAM_API_URL": "https://api.telegram.org/#x"},
			wantEnv: "TELEGRAM_API_URL", want: []string{"#fragment"}},

		// Values of each type
		{name: "duration without unit", vars: map[string]string{"CITEBOT_READ_TIMEOUT": "5"},
			wantEnv: "CITEBOT_READ_TIMEOUT", want: []string{`"5"`, "no unit", "5s"}},
		{name: "duration in words", vars: map[string]string{"CITEBOT_LLM_TIMEOUT": "five minutes"},
			wantEnv: "CITEBOT_LLM_TIMEOUT", want: []string{"not a duration", "1m30s"}},
		{name: "negative duration", vars: map[string]string{"CITEBOT_SHUTDOWN_TIMEOUT": "-1s"},
			wantEnv: "CITEBOT_SHUTDOWN_TIMEOUT", want: []string{"longer than zero"}},
		{name: "int in words", vars: map[string]string{"CITEBOT_MAX_CONCURRENT": "many"},
			wantEnv: "CITEBOT_MAX_CONCURRENT", want: []string{"not a whole number"}},
		{name: "int out of range", vars: map[string]string{"CITEBOT_MAX_CONCURRENT": "0"},
			wantEnv: "CITEBOT_MAX_CONCURRENT", want: []string{"between 1 and"}},
		{name: "negative int flag", args: []string{"--chunk-size=-5"},
			wantEnv: "CITEBOT_CHUNK_SIZE", want: []string{"--chunk-size", "between 0 and"}},
		{name: "body limit too small", vars: map[string]string{"CITEBOT_MAX_BODY_BYTES": "1024"},
			wantEnv: "CITEBOT_MAX_BODY_BYTES", want: []string{"between 16384 and"}},
		{name: "bad bool in env", vars: map[string]string{"CITEBOT_PPROF": "maybe"},
			wantEnv: "CITEBOT_PPROF", want: []string{`"maybe"`, "true or false"}},
		{name: "bad bool flag", args: []string{"--pprof=maybe"},
			wantEnv: "CITEBOT_PPROF", want: []string{"from flag --pprof", "true or false"}},

		// Index, model, chunks
		{name: "unknown index backend", vars: map[string]string{"CITEBOT_INDEX": "elastic"},
			wantEnv: "CITEBOT_INDEX", want: []string{"--index", "chromem, weaviate"}},
		{name: "weaviate without url", args: []string{"--index", "weaviate"},
			wantEnv: "WEAVIATE_URL", want: []string{"CITEBOT_INDEX is weaviate", "http://127.0.0.1:8081"}},
		{name: "weaviate key without url", vars: map[string]string{"WEAVIATE_API_KEY": "k"},
			wantEnv: "WEAVIATE_URL", want: []string{"WEAVIATE_API_KEY is"}},
		{name: "weaviate url bad scheme", vars: map[string]string{"WEAVIATE_URL": "grpc://127.0.0.1:50051", "CITEBOT_INDEX": "weaviate"},
			wantEnv: "WEAVIATE_URL", want: []string{`"grpc"`, "http or https"}},
		{name: "chunk overlap not less than size", args: []string{"--chunk-size", "200", "--chunk-overlap", "200"},
			wantEnv: "CITEBOT_CHUNK_OVERLAP", want: []string{"--chunk-overlap", "CITEBOT_CHUNK_SIZE (200)", "smaller"}},
		{name: "chat model against OpenAI without key", vars: map[string]string{"CITEBOT_CHAT_MODEL": "gpt-4o-mini"},
			wantEnv: "OPENAI_API_KEY", want: []string{"CITEBOT_CHAT_MODEL is", "OPENAI_BASE_URL"}},
		{name: "embed model against OpenAI without key", vars: map[string]string{"CITEBOT_EMBED_MODEL": "text-embedding-3-small"},
			wantEnv: "OPENAI_API_KEY", want: []string{"CITEBOT_EMBED_MODEL is"}},
		{name: "model with space", args: []string{"--chat-model", "gpt 4"},
			wantEnv: "CITEBOT_CHAT_MODEL", want: []string{"--chat-model", "spaces"}},
		{name: "base url not a url", vars: map[string]string{"OPENAI_BASE_URL": "localhost:11434"},
			wantEnv: "OPENAI_BASE_URL", want: []string{"localhost:11434"}},
		{name: "write timeout shorter than model timeout", vars: map[string]string{"CITEBOT_CHAT_MODEL": "m", "OPENAI_API_KEY": "k", "CITEBOT_WRITE_TIMEOUT": "15s"},
			wantEnv: "CITEBOT_WRITE_TIMEOUT", want: []string{"CITEBOT_LLM_TIMEOUT (20s)"}},

		// Server, log, paths
		{name: "addr without port", args: []string{"--addr", "8080"},
			wantEnv: "CITEBOT_ADDR", want: []string{"--addr", `"8080"`, "no port", ":8080"}},
		{name: "addr with port out of range", vars: map[string]string{"CITEBOT_ADDR": "localhost:99999"},
			wantEnv: "CITEBOT_ADDR", want: []string{"0 to 65535"}},
		{name: "empty flag for a setting with a default", args: []string{"--addr="},
			wantEnv: "CITEBOT_ADDR", want: []string{`"" (from flag --addr) is empty`, `default "127.0.0.1:8080"`}},
		{name: "unknown log level", args: []string{"--log-level", "verbose"},
			wantEnv: "CITEBOT_LOG_LEVEL", want: []string{"--log-level", "debug, info, warn, error"}},
		{name: "unknown log format", vars: map[string]string{"CITEBOT_LOG_FORMAT": "xml"},
			wantEnv: "CITEBOT_LOG_FORMAT", want: []string{"--log-format", "json, text"}},
		{name: "missing corpus", args: []string{"--corpus", filepath.Join(dir, "nope")},
			wantEnv: "CITEBOT_CORPUS", want: []string{"--corpus", "does not exist", "embedded corpus"}},
		{name: "corpus is a file", vars: map[string]string{"CITEBOT_CORPUS": aFile},
			wantEnv: "CITEBOT_CORPUS", want: []string{"is a file"}},
		{name: "data dir is a file", vars: map[string]string{"CITEBOT_DATA_DIR": aFile},
			wantEnv: "CITEBOT_DATA_DIR", want: []string{"--data-dir", "is a file"}},
		{name: "redis url bad scheme", vars: map[string]string{"CITEBOT_REDIS_URL": "http://127.0.0.1:6379"},
			wantEnv: "CITEBOT_REDIS_URL", want: []string{"redis or rediss or unix"}},
		{name: "secret placeholder from citebot config", vars: map[string]string{"CITEBOT_API_TOKEN": RedactedValue},
			wantEnv: "CITEBOT_API_TOKEN", want: []string{"placeholder", "real secret"}},
		{name: "secret with inner space", vars: map[string]string{"OPENAI_API_KEY": "sk-abc def"},
			wantEnv: "OPENAI_API_KEY", want: []string{"spaces or control characters"}},

		// The config file
		{name: "unreadable config file", args: []string{"--config", filepath.Join(dir, "missing.yaml")},
			wantEnv: "CITEBOT_CONFIG", want: []string{"--config", "cannot read", "missing.yaml"}},
		{name: "config file is a folder", vars: map[string]string{"CITEBOT_CONFIG": dir},
			wantEnv: "CITEBOT_CONFIG", want: []string{"is a folder"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := load(t, tc.args, tc.vars)
			if err == nil {
				t.Fatalf("got no error, want one about %s", tc.wantEnv)
			}
			errs := settingErrors(err)
			if len(errs) != 1 {
				t.Fatalf("got %d errors, want 1:\n%v", len(errs), err)
			}
			msg := errs[0].Error()
			if errs[0].Env != tc.wantEnv || !strings.HasPrefix(msg, tc.wantEnv) {
				t.Errorf("got error for %s, want %s:\n%s", errs[0].Env, tc.wantEnv, msg)
			}
			s := lookup(errs[0].Key)
			if s != nil && s.Flag != "" && !strings.Contains(msg, "--"+s.Flag) {
				t.Errorf("message does not name flag --%s:\n%s", s.Flag, msg)
			}
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("message lacks %q:\n%s", w, msg)
				}
			}
		})
	}
}

func TestValidConfigurations(t *testing.T) {
	const bot, app, secret = "xoxb-1-2-abc", "xapp-1-A-abc", "8f742231b10e8888abcd99yyyzzz85a5"
	tests := []struct {
		name  string
		vars  map[string]string
		check func(Config) bool
	}{
		{"slack http mode", map[string]string{"SLACK_BOT_TOKEN": bot, "SLACK_SIGNING_SECRET": secret},
			func(c Config) bool { return c.Slack.HTTPMode() && !c.Slack.SocketMode() }},
		{"slack socket mode", map[string]string{"SLACK_BOT_TOKEN": bot, "SLACK_APP_TOKEN": app},
			func(c Config) bool { return c.Slack.SocketMode() && !c.Slack.HTTPMode() }},
		{"slack both modes", map[string]string{"SLACK_BOT_TOKEN": bot, "SLACK_APP_TOKEN": app, "SLACK_SIGNING_SECRET": secret},
			func(c Config) bool { return c.Slack.SocketMode() && c.Slack.HTTPMode() }},
		{"telegram polling", map[string]string{"TELEGRAM_BOT_TOKEN": "1:a"},
			func(c Config) bool { return c.Telegram.Enabled() && !c.Telegram.Webhook() }},
		{"telegram webhook", map[string]string{"TELEGRAM_BOT_TOKEN": "1:a", "TELEGRAM_WEBHOOK_URL": "https://b.example.com/telegram/webhook", "TELEGRAM_WEBHOOK_SECRET": "s"},
			func(c Config) bool { return c.Telegram.Webhook() }},
		{"local model server needs no key", map[string]string{"OPENAI_BASE_URL": "http://localhost:11434/v1", "CITEBOT_CHAT_MODEL": "llama3.1"},
			func(c Config) bool { return c.LLMMode() == LLMGenerationOnly }},
		{"weaviate url for migrate while chromem", map[string]string{"WEAVIATE_URL": "http://127.0.0.1:8081"},
			func(c Config) bool { return c.Index.Backend == IndexChromem && c.Index.WeaviateURL != "" }},
		{"overlap without size", map[string]string{"CITEBOT_CHUNK_OVERLAP": "50"},
			func(c Config) bool { return c.Corpus.ChunkOverlap == 50 }},
		{"addr on any free port", map[string]string{"CITEBOT_ADDR": "[::1]:0"},
			func(c Config) bool { return c.Server.Addr == "[::1]:0" }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Load(nil, env(tc.vars))
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if !tc.check(c) {
				t.Errorf("check failed for %v", c)
			}
		})
	}
}
