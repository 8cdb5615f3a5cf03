package config

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/citebot/citebot/corpus"
)

// setting is one configurable value. The table below is the single source
// of truth for names, defaults, parsing, printing and docs/settings.md.
type setting struct {
	// Key is the YAML key: section.name, or name at the top level.
	Key string
	// Env is the environment variable.
	Env string
	// Flag is the command-line flag without dashes, "" for none. Secrets
	// have no flag: command lines are visible to every local user.
	Flag string
	// Default is the value's text before any layer sets it.
	Default string
	// DefaultDoc replaces Default in docs when the default is computed.
	DefaultDoc string
	// Doc is one sentence for flag usage and the settings table.
	Doc string
	// Sensitive hides a non-secret value in error messages, for values such
	// as URLs that may carry a password.
	Sensitive bool
	val       value
}

// value parses, stores and prints one setting's value in a Config.
type value interface {
	// set parses s and stores it. Its error follows the value in a sentence
	// (`"5 minutes" is not a duration; …`) and says how to fix it.
	set(c *Config, s string) error
	// get prints the stored value in the form set accepts.
	get(c *Config) string
	// kind names the value's type in docs.
	kind() string
}

// listValue is a value that holds several items.
type listValue interface {
	value
	items(c *Config) []string
}

// separated is a list value whose items are joined by something other
// than a comma, because an item may hold commas.
type separated interface {
	separator() string
}

// listSeparator is what joins the items of s's value in one string.
func (s *setting) listSeparator() string {
	if v, ok := s.val.(separated); ok {
		return v.separator()
	}
	return ","
}

func (s *setting) secret() bool {
	_, ok := s.val.(secretVal)
	return ok
}

// hidden reports whether errors must not quote the value.
func (s *setting) hidden() bool { return s.Sensitive || s.secret() }

func (s *setting) list() bool {
	_, ok := s.val.(listValue)
	return ok
}

// section is a YAML mapping of settings.
type section struct {
	Key, Title string
}

// sections lists the YAML sections in output order; "" is the top level.
var sections = []section{
	{"", "General"},
	{"server", "HTTP server"},
	{"corpus", "Corpus"},
	{"log", "Logging"},
	{"llm", "Language model (OpenAI-compatible)"},
	{"index", "Index"},
	{"redis", "Redis (shared state for replicas)"},
	{"slack", "Slack"},
	{"telegram", "Telegram"},
}

func (s *setting) section() string {
	sec, _, ok := strings.Cut(s.Key, ".")
	if !ok {
		return ""
	}
	return sec
}

// name is the key inside its section.
func (s *setting) name() string { return s.Key[strings.LastIndex(s.Key, ".")+1:] }

// configFileEnv and configFileFlag choose the YAML file; they are not part
// of the table because the file cannot set them.
const (
	configFileEnv  = "CITEBOT_CONFIG"
	configFileFlag = "config"
)

var settings = []*setting{
	{Key: "data_dir", Env: "CITEBOT_DATA_DIR", Flag: "data-dir",
		DefaultDoc: "`$XDG_DATA_HOME/citebot`, else `~/.local/share/citebot` (`/data` in the Docker image)",
		Doc:        "Folder for the persisted index and feedback.jsonl; created when needed.",
		val:        stringVal{p: func(c *Config) *string { return &c.DataDir }, kindName: "path"}},

	{Key: "server.addr", Env: "CITEBOT_ADDR", Flag: "addr", Default: "127.0.0.1:8080",
		Doc: "HTTP listen address, host:port; :8080 listens on every interface.",
		val: stringVal{p: func(c *Config) *string { return &c.Server.Addr }, check: parseAddr, kindName: "host:port"}},
	{Key: "server.api_token", Env: "CITEBOT_API_TOKEN",
		Doc: "Bearer token the HTTP API requires when set; unset leaves the API open to requests whose Host names CITEBOT_ADDR (any loopback name on a loopback address; any name on every interface).",
		val: secretVal{p: func(c *Config) *Secret { return &c.Server.APIToken }}},
	{Key: "server.read_header_timeout", Env: "CITEBOT_READ_HEADER_TIMEOUT", Default: "5s",
		Doc: "Time allowed to read a request's headers.",
		val: durationVal(func(c *Config) *time.Duration { return &c.Server.ReadHeaderTimeout })},
	{Key: "server.read_timeout", Env: "CITEBOT_READ_TIMEOUT", Default: "15s",
		Doc: "Time allowed to read a whole request.",
		val: durationVal(func(c *Config) *time.Duration { return &c.Server.ReadTimeout })},
	{Key: "server.write_timeout", Env: "CITEBOT_WRITE_TIMEOUT", Default: "1m0s",
		Doc: "Time allowed to write a response, streamed answers included; must exceed CITEBOT_LLM_TIMEOUT when a chat model is set.",
		val: durationVal(func(c *Config) *time.Duration { return &c.Server.WriteTimeout })},
	{Key: "server.idle_timeout", Env: "CITEBOT_IDLE_TIMEOUT", Default: "2m0s",
		Doc: "How long an idle keep-alive connection stays open.",
		val: durationVal(func(c *Config) *time.Duration { return &c.Server.IdleTimeout })},
	{Key: "server.shutdown_timeout", Env: "CITEBOT_SHUTDOWN_TIMEOUT", Default: "20s",
		Doc: "How long in-flight answers may finish after SIGTERM or SIGINT before the process exits.",
		val: durationVal(func(c *Config) *time.Duration { return &c.Server.ShutdownTimeout })},
	{Key: "server.drain_delay", Env: "CITEBOT_DRAIN_DELAY", Default: "0s",
		Doc: "How long to keep serving after SIGTERM with /readyz at 503, so a load balancer stops routing here before the listener closes; 0 closes at once.",
		val: delayVal(func(c *Config) *time.Duration { return &c.Server.DrainDelay })},
	{Key: "server.max_body_bytes", Env: "CITEBOT_MAX_BODY_BYTES", Default: "65536",
		Doc: "Largest request body in bytes; larger ones get 413. At least 16384, so a 2,000-character question always fits.",
		val: int64Val{p: func(c *Config) *int64 { return &c.Server.MaxBodyBytes }, lo: 16 << 10, hi: 1 << 30}},
	{Key: "server.max_concurrent", Env: "CITEBOT_MAX_CONCURRENT", Default: "64",
		Doc: "Most questions and source documents the HTTP API serves at the same time; more get 503 at once.",
		val: intVal{p: func(c *Config) *int { return &c.Server.MaxConcurrent }, lo: 1, hi: 1 << 20}},
	{Key: "server.answer_cache", Env: "CITEBOT_ANSWER_CACHE", Default: "4096",
		Doc: "How many answers to questions asked without a conversation the HTTP API keeps and serves again; 0 turns the cache off.",
		val: intVal{p: func(c *Config) *int { return &c.Server.AnswerCache }, lo: 0, hi: 1 << 24}},
	{Key: "server.answer_cache_ttl", Env: "CITEBOT_ANSWER_CACHE_TTL", Default: "10m0s",
		Doc: "How long a cached answer is served before the engine is asked again; the cache is also cleared whenever the server loads an index. A request with Cache-Control: no-cache bypasses it.",
		val: durationVal(func(c *Config) *time.Duration { return &c.Server.AnswerCacheTTL })},
	{Key: "server.rate_per_client", Env: "CITEBOT_RATE_PER_CLIENT", Default: "off",
		Doc: "Questions and source documents allowed per client address over HTTP, such as 60/m; off for no limit.",
		val: rateVal(func(c *Config) *Rate { return &c.Server.RatePerClient })},
	{Key: "server.pprof", Env: "CITEBOT_PPROF", Flag: "pprof", Default: "false",
		Doc: "Serve net/http/pprof under /debug/pprof/; keep it on loopback.",
		val: boolVal(func(c *Config) *bool { return &c.Server.Pprof })},

	{Key: "corpus.dir", Env: "CITEBOT_CORPUS", Flag: "corpus",
		DefaultDoc: "the corpus the data dir's index was built from, else the embedded articles",
		Doc:        "Folder of .txt, .md, .html, .docx and .pptx documents, read recursively; empty uses the corpus the data dir records, or the embedded articles.",
		val:        stringVal{p: func(c *Config) *string { return &c.Corpus.Dir }, kindName: "path"}},
	{Key: "corpus.chunk_size", Env: "CITEBOT_CHUNK_SIZE", Flag: "chunk-size", Default: "0",
		DefaultDoc: "`" + strconv.Itoa(corpus.DefaultChunkSize) + "`",
		Doc:        "Target chunk length in characters; 0 means the default.",
		val:        intVal{p: func(c *Config) *int { return &c.Corpus.ChunkSize }, lo: 0, hi: 1 << 20}},
	{Key: "corpus.chunk_overlap", Env: "CITEBOT_CHUNK_OVERLAP", Flag: "chunk-overlap", Default: "0",
		DefaultDoc: "`" + strconv.Itoa(corpus.DefaultChunkOverlap) + "`, or the chunk size if that is smaller",
		Doc:        "Characters of whole sentences repeated between neighbouring chunks; 0 means the default and -1 means none. Must be less than the chunk size.",
		val:        intVal{p: func(c *Config) *int { return &c.Corpus.ChunkOverlap }, lo: -1, hi: 1 << 20}},
	{Key: "corpus.example_questions", Env: "CITEBOT_EXAMPLE_QUESTIONS",
		DefaultDoc: "made from names the documents use",
		Doc:        "Example questions, separated by `|` (a YAML list in a file): the first is shown in Slack and Telegram help and in the web page's input, and up to four are Slack's suggested prompts, before any made from the loaded documents (such as \"What is the …?\").",
		val:        questionsVal(func(c *Config) *[]string { return &c.Corpus.ExampleQuestions })},
	{Key: "corpus.rebuild", Env: "CITEBOT_REBUILD", Flag: "rebuild", Default: "false",
		Doc: "Build the index from this run's corpus (CITEBOT_CORPUS, or the embedded articles) even though the data dir holds one built from another corpus; without it citebot refuses to swap them.",
		val: boolVal(func(c *Config) *bool { return &c.Corpus.Rebuild })},
	{Key: "corpus.max_pdf_pages", Env: "CITEBOT_MAX_PDF_PAGES", Default: "0",
		DefaultDoc: "`" + strconv.Itoa(corpus.DefaultMaxPDFPages) + "`",
		Doc:        "Most pages a PDF may have; longer ones are skipped and reported as too big. 0 means the default.",
		val:        intVal{p: func(c *Config) *int { return &c.Corpus.MaxPDFPages }, lo: 0, hi: 1 << 20}},
	{Key: "corpus.max_pdf_mb", Env: "CITEBOT_MAX_PDF_MB", Default: "0",
		DefaultDoc: "`" + strconv.Itoa(corpus.DefaultMaxPDFSize>>20) + "`",
		Doc:        "Largest PDF read, in MiB; larger ones are skipped and reported as too big. 0 means the default.",
		val:        intVal{p: func(c *Config) *int { return &c.Corpus.MaxPDFMB }, lo: 0, hi: 1 << 14}},
	{Key: "corpus.max_office_mb", Env: "CITEBOT_MAX_OFFICE_MB", Default: "0",
		DefaultDoc: "`" + strconv.Itoa(corpus.DefaultMaxOfficeSize>>20) + "`",
		Doc:        "Largest Word or PowerPoint file read, in MiB (their images are never unpacked); larger ones are skipped and reported as too big. 0 means the default.",
		val:        intVal{p: func(c *Config) *int { return &c.Corpus.MaxOfficeMB }, lo: 0, hi: 1 << 14}},
	{Key: "corpus.watch", Env: "CITEBOT_WATCH", Default: "true",
		Doc: "While serving a corpus folder, re-read files as they are added, changed, renamed or deleted, and swap the updated index in; false reads the folder only at start-up. Never applies to the embedded articles.",
		val: boolVal(func(c *Config) *bool { return &c.Corpus.Watch })},

	{Key: "log.level", Env: "CITEBOT_LOG_LEVEL", Flag: "log-level", Default: LogAuto,
		DefaultDoc: "`auto`: `warn` for ask, eval and config on a terminal, else `info`",
		Doc:        "Least severe log level written: debug, info, warn or error; auto lets the command choose.",
		val:        stringVal{p: func(c *Config) *string { return &c.Log.Level }, check: oneOf("level", "debug", "info", "warn", "error", LogAuto), kindName: "level"}},
	{Key: "log.format", Env: "CITEBOT_LOG_FORMAT", Flag: "log-format", Default: LogAuto,
		DefaultDoc: "`auto`: `json` for serve when its standard error is not a terminal, else `text`",
		Doc:        "Log format: json (one object a line) or text; auto lets the command choose.",
		val:        stringVal{p: func(c *Config) *string { return &c.Log.Format }, check: oneOf("format", "json", "text", LogAuto), kindName: "format"}},

	{Key: "llm.api_key", Env: "OPENAI_API_KEY",
		Doc: "API key for the model server; not needed by most local servers.",
		val: secretVal{p: func(c *Config) *Secret { return &c.LLM.APIKey }}},
	{Key: "llm.base_url", Env: "OPENAI_BASE_URL", Default: "https://api.openai.com/v1",
		Doc: "Root of an OpenAI-compatible API, such as http://localhost:11434/v1 for Ollama.",
		val: stringVal{p: func(c *Config) *string { return &c.LLM.BaseURL }, check: checkBaseURL("https://api.openai.com/v1"), kindName: "URL"}},
	{Key: "llm.chat_model", Env: "CITEBOT_CHAT_MODEL", Flag: "chat-model",
		Doc: "Model that writes answers, such as gpt-4o-mini; empty answers extractively.",
		val: stringVal{p: func(c *Config) *string { return &c.LLM.ChatModel }, check: checkModel, kindName: "model"}},
	{Key: "llm.embed_model", Env: "CITEBOT_EMBED_MODEL", Flag: "embed-model",
		Doc: "Model that embeds chunks and questions, such as text-embedding-3-small; empty uses the built-in local embedder.",
		val: stringVal{p: func(c *Config) *string { return &c.LLM.EmbedModel }, check: checkModel, kindName: "model"}},
	{Key: "llm.timeout", Env: "CITEBOT_LLM_TIMEOUT", Default: "20s",
		Doc: "Time allowed for one model request before falling back to the extractive answer; below the adapters' 30s answer deadline so the fallback has time.",
		val: durationVal(func(c *Config) *time.Duration { return &c.LLM.Timeout })},
	{Key: "llm.max_answer_tokens", Env: "CITEBOT_MAX_ANSWER_TOKENS", Default: "160",
		Doc: "Longest generated answer, in tokens; 160 is about 600 characters of English, the length of an extractive answer.",
		val: intVal{p: func(c *Config) *int { return &c.LLM.MaxAnswerTokens }, lo: 16, hi: 1 << 20}},
	{Key: "llm.max_answer_chars", Env: "CITEBOT_MAX_ANSWER_CHARS", Default: "1500",
		Doc: "Longest generated answer shown, in characters, whatever the model writes; a longer one is cut at a sentence, ends with …, and has \"truncated\": true.",
		val: intVal{p: func(c *Config) *int { return &c.LLM.MaxAnswerChars }, lo: 200, hi: 1 << 20}},
	{Key: "llm.context_tokens", Env: "CITEBOT_CONTEXT_TOKENS", Default: "3000",
		Doc: "Token budget for the retrieved passages in a prompt.",
		val: intVal{p: func(c *Config) *int { return &c.LLM.ContextTokens }, lo: 256, hi: 1 << 24}},
	{Key: "llm.embed_batch_size", Env: "CITEBOT_EMBED_BATCH_SIZE", Default: "64",
		Doc: "Texts per embeddings request during ingest.",
		val: intVal{p: func(c *Config) *int { return &c.LLM.EmbedBatchSize }, lo: 1, hi: 2048}},
	{Key: "llm.embed_concurrency", Env: "CITEBOT_EMBED_CONCURRENCY", Default: "2",
		Doc: "Embeddings requests in flight at once during ingest.",
		val: intVal{p: func(c *Config) *int { return &c.LLM.EmbedConcurrency }, lo: 1, hi: 64}},

	{Key: "index.backend", Env: "CITEBOT_INDEX", Flag: "index", Default: IndexChromem,
		Doc: "Where chunks are indexed: chromem (embedded, in process) or weaviate.",
		val: stringVal{p: func(c *Config) *string { return &c.Index.Backend }, check: oneOf("index backend", IndexChromem, IndexWeaviate), kindName: "name"}},
	{Key: "index.weaviate_url", Env: "WEAVIATE_URL",
		Doc: "Weaviate's URL, such as http://127.0.0.1:8081; needed by CITEBOT_INDEX=weaviate and `citebot migrate --to weaviate`.",
		val: stringVal{p: func(c *Config) *string { return &c.Index.WeaviateURL }, check: checkBaseURL("http://127.0.0.1:8081"), kindName: "URL"}},
	{Key: "index.weaviate_api_key", Env: "WEAVIATE_API_KEY",
		Doc: "Weaviate API key, when the server requires one.",
		val: secretVal{p: func(c *Config) *Secret { return &c.Index.WeaviateAPIKey }}},

	{Key: "redis.url", Env: "CITEBOT_REDIS_URL", Sensitive: true,
		Doc: "Redis for state shared by replicas (Slack event dedup, conversations, rate limits), such as redis://:password@127.0.0.1:6379/0; unset keeps it in memory.",
		val: stringVal{p: func(c *Config) *string { return &c.Redis.URL }, check: checkRedisURL, kindName: "URL"}},

	{Key: "slack.signing_secret", Env: "SLACK_SIGNING_SECRET",
		Doc: "Signing secret from the Slack app's Basic Information page; with SLACK_BOT_TOKEN it enables HTTP mode.",
		val: secretVal{p: func(c *Config) *Secret { return &c.Slack.SigningSecret }, check: checkSlackSigningSecret}},
	{Key: "slack.bot_token", Env: "SLACK_BOT_TOKEN",
		Doc: "Bot User OAuth Token (xoxb-…); needed in both modes.",
		val: secretVal{p: func(c *Config) *Secret { return &c.Slack.BotToken }, check: checkSlackBotToken}},
	{Key: "slack.app_token", Env: "SLACK_APP_TOKEN",
		Doc: "App-level token (xapp-…) with connections:write; with SLACK_BOT_TOKEN it enables Socket Mode.",
		val: secretVal{p: func(c *Config) *Secret { return &c.Slack.AppToken }, check: checkSlackAppToken}},
	{Key: "slack.api_url", Env: "SLACK_API_URL", Default: "https://slack.com/api/",
		Doc: "Slack Web API base URL, for tests and proxies.",
		val: stringVal{p: func(c *Config) *string { return &c.Slack.APIURL }, check: checkSlackAPIURL, kindName: "URL"}},
	{Key: "slack.command", Env: "CITEBOT_SLACK_COMMAND", Default: "/ask",
		Doc: "Slash command the bot answers; it must match the app's manifest.",
		val: stringVal{p: func(c *Config) *string { return &c.Slack.Command }, check: checkSlackCommand, kindName: "command"}},
	{Key: "slack.in_channel", Env: "CITEBOT_SLACK_IN_CHANNEL", Default: "false",
		Doc: "Show slash-command answers to the whole channel instead of only the asker.",
		val: boolVal(func(c *Config) *bool { return &c.Slack.InChannel })},
	{Key: "slack.allowlist", Env: "CITEBOT_SLACK_ALLOWLIST",
		Doc: "Comma-separated channel or team IDs (C…, T…) the bot answers in; empty allows all.",
		val: slackIDsVal(func(c *Config) *[]string { return &c.Slack.Allowlist })},
	{Key: "slack.rate_per_user", Env: "CITEBOT_SLACK_RATE_PER_USER", Default: "10/m",
		Doc: "Questions allowed per Slack user, such as 10/m; off for no limit.",
		val: rateVal(func(c *Config) *Rate { return &c.Slack.RatePerUser })},

	{Key: "telegram.bot_token", Env: "TELEGRAM_BOT_TOKEN",
		Doc: "Bot token from @BotFather; enables the Telegram adapter.",
		val: secretVal{p: func(c *Config) *Secret { return &c.Telegram.BotToken }, check: checkTelegramToken}},
	{Key: "telegram.webhook_url", Env: "TELEGRAM_WEBHOOK_URL",
		Doc: "Public https URL that reaches /telegram/webhook; set it for webhook mode (needed with several replicas), leave it empty to long-poll.",
		val: stringVal{p: func(c *Config) *string { return &c.Telegram.WebhookURL }, check: checkWebhookURL, kindName: "URL"}},
	{Key: "telegram.webhook_secret", Env: "TELEGRAM_WEBHOOK_SECRET",
		Doc: "Secret Telegram sends in X-Telegram-Bot-Api-Secret-Token: 1–256 of A–Z a–z 0–9 _ -; generated when unset.",
		val: secretVal{p: func(c *Config) *Secret { return &c.Telegram.WebhookSecret }, check: checkWebhookSecret}},
	{Key: "telegram.api_url", Env: "TELEGRAM_API_URL", Default: "https://api.telegram.org",
		Doc: "Bot API server, such as a self-hosted telegram-bot-api or a test server.",
		val: stringVal{p: func(c *Config) *string { return &c.Telegram.APIURL }, check: checkBaseURL("https://api.telegram.org"), kindName: "URL"}},
	{Key: "telegram.allowed_chats", Env: "TELEGRAM_ALLOWED_CHATS",
		Doc: "Comma-separated chat IDs the bot answers in (groups are negative); empty allows all.",
		val: chatIDsVal(func(c *Config) *[]int64 { return &c.Telegram.AllowedChats })},
	{Key: "telegram.rate_per_chat", Env: "CITEBOT_TELEGRAM_RATE_PER_CHAT", Default: "10/m",
		Doc: "Questions allowed per chat, such as 10/m; off for no limit.",
		val: rateVal(func(c *Config) *Rate { return &c.Telegram.RatePerChat })},
	{Key: "telegram.max_concurrent", Env: "CITEBOT_TELEGRAM_MAX_CONCURRENT", Default: "8",
		Doc: "Updates handled at the same time.",
		val: intVal{p: func(c *Config) *int { return &c.Telegram.MaxConcurrent }, lo: 1, hi: 1024}},
}

// lookup returns the setting with the given key, or nil.
func lookup(key string) *setting {
	for _, s := range settings {
		if s.Key == key {
			return s
		}
	}
	return nil
}

// Value kinds.

type stringVal struct {
	p func(*Config) *string
	// check validates and normalises; nil accepts anything.
	check    func(string) (string, error)
	kindName string
}

func (v stringVal) set(c *Config, s string) error {
	if strings.Contains(s, RedactedValue) {
		return errors.New("holds the [redacted] placeholder that `citebot config` prints; put the real value (its password or token) back")
	}
	if v.check != nil && s != "" {
		var err error
		if s, err = v.check(s); err != nil {
			return err
		}
	}
	*v.p(c) = s
	return nil
}
func (v stringVal) get(c *Config) string { return *v.p(c) }
func (v stringVal) kind() string         { return v.kindName }

type secretVal struct {
	p     func(*Config) *Secret
	check func(string) error
}

func (v secretVal) set(c *Config, s string) error {
	if s == RedactedValue {
		return errors.New("is the placeholder that `citebot config` prints; put the real secret here, preferably in the environment")
	}
	if strings.ContainsFunc(s, func(r rune) bool { return r < 0x21 || r == 0x7f }) {
		return errors.New("contains spaces or control characters, which an HTTP header cannot carry; copy the secret again without them")
	}
	if v.check != nil && s != "" {
		if err := v.check(s); err != nil {
			return err
		}
	}
	*v.p(c) = Secret(s)
	return nil
}
func (v secretVal) get(c *Config) string { return v.p(c).String() }
func (secretVal) kind() string           { return "secret" }

type durationVal func(*Config) *time.Duration

func (v durationVal) set(c *Config, s string) error {
	d, err := parseDuration(s)
	if err != nil {
		return err
	}
	*v(c) = d
	return nil
}
func (v durationVal) get(c *Config) string { return v(c).String() }

// delayVal is a duration that may be zero: "0", "0s" or "off" mean none.
type delayVal func(*Config) *time.Duration

func (v delayVal) set(c *Config, s string) error {
	switch s {
	case "0", "off":
		*v(c) = 0
		return nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return errors.New("is not a delay; write it as a Go duration such as 5s, or 0 for none")
	}
	*v(c) = d
	return nil
}
func (v delayVal) get(c *Config) string { return v(c).String() }
func (delayVal) kind() string           { return "duration" }
func (durationVal) kind() string        { return "duration" }

type intVal struct {
	p      func(*Config) *int
	lo, hi int
}

func (v intVal) set(c *Config, s string) error {
	n, err := parseInt(s, int64(v.lo), int64(v.hi))
	if err != nil {
		return err
	}
	*v.p(c) = int(n)
	return nil
}
func (v intVal) get(c *Config) string { return strconv.Itoa(*v.p(c)) }
func (intVal) kind() string           { return "integer" }

type int64Val struct {
	p      func(*Config) *int64
	lo, hi int64
}

func (v int64Val) set(c *Config, s string) error {
	n, err := parseInt(s, v.lo, v.hi)
	if err != nil {
		return err
	}
	*v.p(c) = n
	return nil
}
func (v int64Val) get(c *Config) string { return strconv.FormatInt(*v.p(c), 10) }
func (int64Val) kind() string           { return "bytes" }

type boolVal func(*Config) *bool

func (v boolVal) set(c *Config, s string) error {
	b, err := parseBool(s)
	if err != nil {
		return err
	}
	*v(c) = b
	return nil
}
func (v boolVal) get(c *Config) string { return strconv.FormatBool(*v(c)) }
func (boolVal) kind() string           { return "bool" }

type rateVal func(*Config) *Rate

func (v rateVal) set(c *Config, s string) error {
	r, err := ParseRate(s)
	if err != nil {
		return err
	}
	*v(c) = r
	return nil
}
func (v rateVal) get(c *Config) string { return v(c).String() }
func (rateVal) kind() string           { return "rate" }

type slackIDsVal func(*Config) *[]string

func (v slackIDsVal) set(c *Config, s string) error {
	ids, err := parseSlackIDs(s)
	if err != nil {
		return err
	}
	*v(c) = ids
	return nil
}
func (v slackIDsVal) get(c *Config) string     { return strings.Join(*v(c), ",") }
func (v slackIDsVal) items(c *Config) []string { return append([]string(nil), *v(c)...) }
func (slackIDsVal) kind() string               { return "list" }
func (v chatIDsVal) items(c *Config) []string {
	ids := *v(c)
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = strconv.FormatInt(id, 10)
	}
	return out
}

type chatIDsVal func(*Config) *[]int64

func (v chatIDsVal) set(c *Config, s string) error {
	ids, err := parseChatIDs(s)
	if err != nil {
		return err
	}
	*v(c) = ids
	return nil
}
func (v chatIDsVal) get(c *Config) string { return strings.Join(v.items(c), ",") }
func (chatIDsVal) kind() string           { return "list" }

// Checks for single settings.

func oneOf(what string, allowed ...string) func(string) (string, error) {
	return func(s string) (string, error) {
		l := strings.ToLower(s)
		if what == "level" && l == "warning" {
			l = "warn"
		}
		for _, a := range allowed {
			if l == a {
				return a, nil
			}
		}
		return "", fmt.Errorf("is not a known %s; use one of %s", what, strings.Join(allowed, ", "))
	}
}

// checkBaseURL accepts an http(s) URL and drops trailing slashes, which
// clients such as go-telegram/bot would double.
func checkBaseURL(example string) func(string) (string, error) {
	return func(s string) (string, error) {
		if _, err := parseHTTPURL(s, example); err != nil {
			return "", err
		}
		return strings.TrimRight(s, "/"), nil
	}
}

// checkSlackAPIURL keeps the trailing slash slack-go needs: it appends
// method names directly ("…/api/" + "chat.postMessage").
func checkSlackAPIURL(s string) (string, error) {
	if _, err := parseHTTPURL(s, "https://slack.com/api/"); err != nil {
		return "", err
	}
	return strings.TrimRight(s, "/") + "/", nil
}

func checkRedisURL(s string) (string, error) {
	if _, err := parseURL(s, "redis://:password@127.0.0.1:6379/0", "redis", "rediss", "unix"); err != nil {
		return "", err
	}
	return s, nil
}

func checkModel(s string) (string, error) {
	if strings.ContainsFunc(s, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
		return "", errors.New("contains spaces or control characters; use the model's name as the server lists it, such as gpt-4o-mini or llama3.1:8b")
	}
	return s, nil
}

var telegramWebhookPorts = map[string]bool{"": true, "443": true, "80": true, "88": true, "8443": true}

func checkWebhookURL(s string) (string, error) {
	u, err := parseURL(s, "https://bot.example.com/telegram/webhook", "https")
	if err != nil {
		return "", err
	}
	if !telegramWebhookPorts[u.Port()] {
		return "", fmt.Errorf("uses port %s, but Telegram delivers webhooks only to ports 443, 80, 88 and 8443; put a proxy on one of them", u.Port())
	}
	return s, nil
}

var slackCommandPattern = regexp.MustCompile(`^/[a-z0-9_-]{1,31}$`)

func checkSlackCommand(s string) (string, error) {
	if !strings.HasPrefix(s, "/") {
		return "", errors.New("does not start with /; write the command as users type it, such as /ask")
	}
	if !slackCommandPattern.MatchString(s) {
		return "", errors.New("is not a valid Slack command; use / then up to 31 lowercase letters, digits, - or _, such as /ask")
	}
	return s, nil
}

// maxExampleQuestion bounds each of CITEBOT_EXAMPLE_QUESTIONS: it is
// shown in help texts and an input box.
const maxExampleQuestion = 200

// maxExampleQuestions bounds how many CITEBOT_EXAMPLE_QUESTIONS holds;
// Slack shows four suggested prompts at most.
const maxExampleQuestions = 10

// questionsVal is a list of example questions. They are separated by "|",
// since a question may hold commas.
type questionsVal func(*Config) *[]string

func (v questionsVal) set(c *Config, s string) error {
	var qs []string
	for _, part := range strings.Split(s, questionSep) {
		q, err := checkExampleQuestion(part)
		if err != nil {
			return fmt.Errorf("question %d %w", len(qs)+1, err)
		}
		if q != "" {
			qs = append(qs, q)
		}
	}
	if len(qs) > maxExampleQuestions {
		return fmt.Errorf("holds %d questions; give at most %d", len(qs), maxExampleQuestions)
	}
	*v(c) = qs
	return nil
}
func (v questionsVal) get(c *Config) string     { return strings.Join(*v(c), " "+questionSep+" ") }
func (v questionsVal) items(c *Config) []string { return append([]string(nil), *v(c)...) }
func (questionsVal) kind() string               { return "list" }
func (questionsVal) separator() string          { return questionSep }

// questionSep separates example questions in one value.
const questionSep = "|"

func checkExampleQuestion(s string) (string, error) {
	s = strings.TrimSpace(s)
	switch {
	case strings.ContainsAny(s, "\r\n"):
		return "", errors.New("spans several lines; write one question on one line")
	case strings.Contains(s, questionSep):
		return "", fmt.Errorf("holds %q, which separates questions", questionSep)
	case utf8.RuneCountInString(s) > maxExampleQuestion:
		return "", fmt.Errorf("is longer than %d characters; a short question reads best in help texts", maxExampleQuestion)
	}
	return s, nil
}

func checkSlackSigningSecret(s string) error {
	if strings.HasPrefix(s, "xox") || strings.HasPrefix(s, "xapp-") {
		return errors.New("looks like a token, not a signing secret; copy the Signing Secret from the Slack app's Basic Information page")
	}
	return nil
}

func checkSlackBotToken(s string) error {
	if strings.HasPrefix(s, "xapp-") {
		return errors.New("is an app-level token (xapp-…); put it in SLACK_APP_TOKEN and the bot token (xoxb-…) here")
	}
	if !strings.HasPrefix(s, "xoxb-") {
		return errors.New(`does not start with "xoxb-"; use the Bot User OAuth Token from the Slack app's OAuth & Permissions page`)
	}
	return nil
}

func checkSlackAppToken(s string) error {
	if strings.HasPrefix(s, "xoxb-") {
		return errors.New("is a bot token (xoxb-…); put it in SLACK_BOT_TOKEN and the app-level token (xapp-…) here")
	}
	if !strings.HasPrefix(s, "xapp-") {
		return errors.New(`does not start with "xapp-"; create an app-level token with the connections:write scope under Basic Information → App-Level Tokens`)
	}
	return nil
}

var telegramTokenPattern = regexp.MustCompile(`^[0-9]+:[A-Za-z0-9_-]+$`)

func checkTelegramToken(s string) error {
	if !telegramTokenPattern.MatchString(s) {
		return errors.New("is not a Telegram bot token, which looks like 123456789:AAE…; copy it from @BotFather")
	}
	return nil
}

var webhookSecretPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`)

func checkWebhookSecret(s string) error {
	if !webhookSecretPattern.MatchString(s) {
		return errors.New("breaks Telegram's rule of 1 to 256 characters from A–Z, a–z, 0–9, _ and -; generate one with `openssl rand -hex 32`")
	}
	return nil
}
