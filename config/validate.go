package config

import (
	"fmt"
	"net/url"
	"os"
	"strings"
)

// SettingError is one configuration problem. Its message names the setting
// the way an operator may have set it — environment variable, flag and
// config-file key — and says how to fix it. It never contains a secret.
type SettingError struct {
	// Env is the environment variable, such as CITEBOT_ADDR.
	Env string
	// Flag is the flag without dashes, "" if the setting has none.
	Flag string
	// Key is the config-file key, such as server.addr; "" for problems
	// with the file as a whole.
	Key string
	// Problem says what is wrong and how to fix it.
	Problem string
}

// Error implements error:
//
//	CITEBOT_ADDR (flag --addr, config key server.addr): "8080" (from the environment) has no port; use host:port, …
func (e *SettingError) Error() string {
	var names []string
	if e.Flag != "" {
		names = append(names, "flag --"+e.Flag)
	}
	if e.Key != "" {
		names = append(names, "config key "+e.Key)
	}
	label := e.Env
	if len(names) > 0 {
		label += " (" + strings.Join(names, ", ") + ")"
	}
	return label + ": " + e.Problem
}

// errorf returns a SettingError for s.
func (s *setting) errorf(format string, args ...any) *SettingError {
	return &SettingError{Env: s.Env, Flag: s.Flag, Key: s.Key, Problem: fmt.Sprintf(format, args...)}
}

// problem returns a SettingError for the setting with key.
func problem(key, format string, args ...any) *SettingError {
	return lookup(key).errorf(format, args...)
}

// validate checks what single values cannot: settings that need each other
// and the file system. Each check names the setting to change. Checks that
// involve a setting in failed, whose value was already refused, are
// skipped.
func validate(c Config, failed map[string]bool) []error {
	var errs []error
	add := func(key, format string, args ...any) { errs = append(errs, problem(key, format, args...)) }
	ok := func(keys ...string) bool {
		for _, k := range keys {
			if failed[k] {
				return false
			}
		}
		return true
	}

	// Slack: HTTP mode needs the signing secret and the bot token; Socket
	// Mode needs the app token and the bot token.
	s := c.Slack
	switch {
	case !ok("slack.signing_secret", "slack.bot_token", "slack.app_token"):
		// A refused token was already reported.
	case s.BotToken.IsSet() && !s.SigningSecret.IsSet() && !s.AppToken.IsSet():
		add("slack.signing_secret", "is not set, but SLACK_BOT_TOKEN is; HTTP mode needs both to verify requests, so copy the Signing Secret from the Slack app's Basic Information page, or set SLACK_APP_TOKEN (xapp-…) to use Socket Mode instead")
	case s.SigningSecret.IsSet() && !s.BotToken.IsSet():
		add("slack.bot_token", "is not set, but SLACK_SIGNING_SECRET is; HTTP mode needs the Bot User OAuth Token (xoxb-…) from the Slack app's OAuth & Permissions page to reply, or unset SLACK_SIGNING_SECRET to turn Slack off")
	case s.AppToken.IsSet() && !s.BotToken.IsSet():
		add("slack.bot_token", "is not set, but SLACK_APP_TOKEN is; Socket Mode needs the Bot User OAuth Token (xoxb-…) from the Slack app's OAuth & Permissions page to reply, or unset SLACK_APP_TOKEN to turn Slack off")
	}

	t := c.Telegram
	if ok("telegram.bot_token", "telegram.webhook_url", "telegram.webhook_secret") {
		if !t.BotToken.IsSet() {
			if t.WebhookURL != "" {
				add("telegram.bot_token", "is not set, but TELEGRAM_WEBHOOK_URL is; set the bot token from @BotFather, or unset TELEGRAM_WEBHOOK_URL")
			}
			if t.WebhookSecret.IsSet() {
				add("telegram.bot_token", "is not set, but TELEGRAM_WEBHOOK_SECRET is; set the bot token from @BotFather, or unset TELEGRAM_WEBHOOK_SECRET")
			}
		} else if t.WebhookSecret.IsSet() && t.WebhookURL == "" {
			add("telegram.webhook_secret", "is set, but TELEGRAM_WEBHOOK_URL is not, so the bot long-polls and never uses it; set TELEGRAM_WEBHOOK_URL for webhook mode, or unset TELEGRAM_WEBHOOK_SECRET")
		}
	}

	l := c.LLM
	if (l.Generation() || l.Embeddings()) && !l.APIKey.IsSet() && isOpenAI(l.BaseURL) && ok("llm.api_key", "llm.base_url") {
		model := "CITEBOT_CHAT_MODEL"
		if !l.Generation() {
			model = "CITEBOT_EMBED_MODEL"
		}
		add("llm.api_key", "is not set, but %s is and OPENAI_BASE_URL points at OpenAI; set OPENAI_API_KEY, or set OPENAI_BASE_URL to a local server such as http://localhost:11434/v1 (Ollama), or unset %s to stay offline", model, model)
	}
	if l.Generation() && c.Server.WriteTimeout <= l.Timeout && ok("server.write_timeout", "llm.timeout") {
		add("server.write_timeout", "is %s, not longer than CITEBOT_LLM_TIMEOUT (%s), so a slow model's streamed answer would be cut off; raise CITEBOT_WRITE_TIMEOUT or lower CITEBOT_LLM_TIMEOUT", c.Server.WriteTimeout, l.Timeout)
	}

	ix := c.Index
	if ix.Backend == IndexWeaviate && ix.WeaviateURL == "" && ok("index.weaviate_url") {
		add("index.weaviate_url", "is not set, but CITEBOT_INDEX is weaviate; set WEAVIATE_URL to the server, such as http://127.0.0.1:8081, or unset CITEBOT_INDEX to use the embedded index")
	}
	if ix.WeaviateAPIKey.IsSet() && ix.WeaviateURL == "" && ok("index.weaviate_url") {
		add("index.weaviate_url", "is not set, but WEAVIATE_API_KEY is; set WEAVIATE_URL, or unset WEAVIATE_API_KEY")
	}

	cp := c.Corpus
	if cp.ChunkSize > 0 && cp.ChunkOverlap >= cp.ChunkSize && ok("corpus.chunk_size", "corpus.chunk_overlap") {
		add("corpus.chunk_overlap", "is %d, not less than CITEBOT_CHUNK_SIZE (%d), so chunking would never advance; make the overlap smaller than the chunk size, typically a fifth of it", cp.ChunkOverlap, cp.ChunkSize)
	}
	if cp.Dir != "" {
		fi, err := os.Stat(cp.Dir)
		switch {
		case err != nil && os.IsNotExist(err):
			add("corpus.dir", "%q does not exist; point it at a folder of .txt, .md, .html, .docx or .pptx documents, or unset it to use the embedded corpus", cp.Dir)
		case err != nil:
			add("corpus.dir", "%q cannot be read: %v; fix its permissions or choose another folder", cp.Dir, err)
		case !fi.IsDir():
			add("corpus.dir", "%q is a file, not a folder; point it at the folder that holds the articles", cp.Dir)
		}
	}
	if fi, err := os.Stat(c.DataDir); err == nil && !fi.IsDir() {
		add("data_dir", "%q is a file, not a folder; choose a folder for the index and feedback", c.DataDir)
	}
	return errs
}

func isOpenAI(baseURL string) bool {
	u, err := url.Parse(baseURL)
	return err == nil && strings.EqualFold(u.Hostname(), "api.openai.com")
}
