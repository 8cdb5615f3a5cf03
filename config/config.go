// Package config loads citebot's one Config from command-line flags, the
// environment, an optional YAML file and built-in defaults, in that order
// of precedence, and validates it up front so that a misconfigured
// deployment fails at start with a message that names the setting and says
// how to fix it.
//
// Every setting has an environment variable, a key in the YAML file and,
// for the common ones, a flag; docs/settings.md lists them all. Secrets are
// of type Secret and never print: Config can be logged or dumped whole.
package config

import (
	"io"
	"log/slog"
	"net"
	"strings"
	"time"

	"github.com/citebot/citebot/corpus"
	"github.com/citebot/citebot/internal/redact"
)

// Config is citebot's complete configuration. Load returns it validated;
// main hands its sections to the constructors that need them.
type Config struct {
	// ConfigFile is the YAML file the settings were read from, "" if none.
	ConfigFile string
	// DataDir holds the persisted index and feedback.jsonl.
	DataDir string

	Server   Server
	Corpus   Corpus
	Log      Log
	LLM      LLM
	Index    Index
	Redis    Redis
	Slack    Slack
	Telegram Telegram

	// sources maps a setting's key to where its value came from, for
	// `citebot config`. Load fills it; it is never changed afterwards, so
	// copies of a Config may share it.
	sources map[string]string
}

// Server configures the HTTP server (API, web page, Slack and Telegram
// webhooks, metrics).
type Server struct {
	// Addr is the listen address, host:port.
	Addr string
	// APIToken, when set, is the bearer token the HTTP API requires.
	APIToken Secret
	// Timeouts for http.Server. WriteTimeout also bounds a streamed answer.
	ReadHeaderTimeout time.Duration
	ReadTimeout       time.Duration
	WriteTimeout      time.Duration
	IdleTimeout       time.Duration
	// ShutdownTimeout is how long in-flight answers may run after SIGTERM.
	ShutdownTimeout time.Duration
	// DrainDelay is how long the server keeps serving after SIGTERM with
	// /readyz failing, before it stops accepting connections.
	DrainDelay time.Duration
	// MaxBodyBytes caps a request body; larger ones get 413.
	MaxBodyBytes int64
	// MaxConcurrent caps the questions the HTTP API answers at once.
	MaxConcurrent int
	// AnswerCache is how many answers to standalone questions the HTTP
	// API keeps; zero turns the cache off.
	AnswerCache int
	// AnswerCacheTTL is how long a cached answer is served.
	AnswerCacheTTL time.Duration
	// RatePerClient limits questions per client address; zero is unlimited.
	RatePerClient Rate
	// Pprof mounts net/http/pprof under /debug/pprof/.
	Pprof bool
}

// Corpus says which articles to answer from and how to chunk them.
type Corpus struct {
	// Dir is the corpus folder, read recursively; "" means the one the
	// data dir records (see internal/datadir), else the embedded default
	// corpus.
	Dir string
	// ChunkSize and ChunkOverlap are in characters, as in
	// corpus.ChunkOptions, and a ChunkOverlap of -1 means none. Load
	// checks ChunkOverlap < ChunkSize when both are set, then replaces a
	// zero with the corpus package's default (corpus.ChunkOptions.
	// Effective), so that they hold the values in effect.
	ChunkSize    int
	ChunkOverlap int
	// ExampleQuestions are the examples the help texts, the web page and
	// Slack's suggested prompts offer, before any made from the loaded
	// documents (corpus.ExampleQuestions); the first is the one example a
	// help text shows. Empty means only those made from the documents.
	ExampleQuestions []string
	// Rebuild lets this run's corpus replace the one the data dir's index
	// was built from.
	Rebuild bool
	// Watch makes serve re-index a corpus folder's files as they change;
	// it has no effect on the embedded corpus.
	Watch bool
	// MaxPDFPages and MaxPDFMB bound the PDFs read; zero means the corpus
	// package's defaults.
	MaxPDFPages, MaxPDFMB int
	// MaxOfficeMB bounds the Word and PowerPoint files read; zero means
	// the corpus package's default.
	MaxOfficeMB int
}

// LoadOptions returns the options c sets for reading the corpus; the
// caller adds its logger and cache folder.
func (c Corpus) LoadOptions() corpus.LoadOptions {
	return corpus.LoadOptions{MaxPDFPages: c.MaxPDFPages, MaxPDFSize: int64(c.MaxPDFMB) << 20,
		MaxOfficeSize: int64(c.MaxOfficeMB) << 20}
}

// ChunkOptions returns the corpus chunking c sets.
func (c Corpus) ChunkOptions() corpus.ChunkOptions {
	return corpus.ChunkOptions{Size: c.ChunkSize, Overlap: c.ChunkOverlap}
}

// Log configures log/slog output.
type Log struct {
	// Level is debug, info, warn, error or LogAuto.
	Level string
	// Format is json, text or LogAuto.
	Format string
}

// LogAuto, as Log.Level or Log.Format, leaves the choice to the command:
// citebot's commands pick by what they do and whether standard error is a
// terminal (see docs/settings.md). NewLogger reads it as info and json.
const LogAuto = "auto"

// LLM configures an OpenAI-compatible model server. With no model set,
// citebot runs offline; see Mode.
type LLM struct {
	APIKey Secret
	// BaseURL is the API root, such as https://api.openai.com/v1 or
	// http://localhost:11434/v1 for Ollama, with no trailing slash.
	BaseURL    string
	ChatModel  string
	EmbedModel string
	// Timeout bounds one model request; on timeout citebot answers
	// extractively.
	Timeout         time.Duration
	MaxAnswerTokens int
	// MaxAnswerChars cuts a generated answer that is longer, marking it
	// as cut.
	MaxAnswerChars int
	// ContextTokens is the token budget for retrieved passages in a prompt.
	ContextTokens int
	// EmbedBatchSize is the number of texts per embeddings request and
	// EmbedConcurrency the number of such requests in flight during ingest.
	EmbedBatchSize   int
	EmbedConcurrency int
}

// Index selects where chunks are stored and searched.
type Index struct {
	// Backend is IndexChromem (embedded, the default) or IndexWeaviate.
	Backend        string
	WeaviateURL    string
	WeaviateAPIKey Secret
}

// Index backends.
const (
	IndexChromem  = "chromem"
	IndexWeaviate = "weaviate"
)

// Redis configures the state replicas share. Without a URL that state stays
// in memory.
type Redis struct {
	// URL is redis://[user:password@]host:port[/db], rediss:// for TLS, or
	// unix:///path. Its password is redacted whenever Redis or Config is
	// printed.
	URL string
}

// Slack configures the Slack adapter. It runs in HTTP mode with a signing
// secret and bot token, and in Socket Mode with an app token and bot token.
type Slack struct {
	SigningSecret Secret
	BotToken      Secret
	AppToken      Secret
	// APIURL is the Web API base URL, ending in a slash as slack-go expects.
	APIURL string
	// Command is the slash command, such as /ask.
	Command string
	// InChannel posts slash-command answers to the channel instead of only
	// to the asker.
	InChannel bool
	// Allowlist, when not empty, limits the bot to these channel or team IDs.
	Allowlist []string
	// RatePerUser limits questions per Slack user; zero is unlimited.
	RatePerUser Rate
}

// HTTPMode reports whether the Slack HTTP endpoints should be served.
func (s Slack) HTTPMode() bool { return s.SigningSecret.IsSet() && s.BotToken.IsSet() }

// SocketMode reports whether to connect over Slack Socket Mode.
func (s Slack) SocketMode() bool { return s.AppToken.IsSet() && s.BotToken.IsSet() }

// Enabled reports whether the Slack adapter runs in either mode.
func (s Slack) Enabled() bool { return s.HTTPMode() || s.SocketMode() }

// Telegram configures the Telegram adapter. It long-polls unless WebhookURL
// is set.
type Telegram struct {
	BotToken Secret
	// WebhookURL is the public https URL Telegram posts updates to; it
	// must reach this server's /telegram/webhook.
	WebhookURL string
	// WebhookSecret is checked against X-Telegram-Bot-Api-Secret-Token.
	// When unset in webhook mode the adapter generates one; replicas
	// sharing a bot must set it so that they agree.
	WebhookSecret Secret
	// APIURL is the Bot API server, with no trailing slash.
	APIURL string
	// AllowedChats, when not empty, limits the bot to these chat IDs.
	AllowedChats []int64
	// RatePerChat limits questions per chat; zero is unlimited.
	RatePerChat Rate
	// MaxConcurrent bounds the updates handled at once.
	MaxConcurrent int
}

// Enabled reports whether the Telegram adapter runs.
func (t Telegram) Enabled() bool { return t.BotToken.IsSet() }

// Webhook reports whether the Telegram adapter uses a webhook rather than
// long polling.
func (t Telegram) Webhook() bool { return t.Enabled() && t.WebhookURL != "" }

// LLMMode names which parts of answering use a language model.
type LLMMode string

// The LLM modes. Embeddings and generation are independent.
const (
	// LLMOffline: local embedder and extractive answers; no network.
	LLMOffline LLMMode = "offline"
	// LLMEmbeddingsOnly: model embeddings, extractive answers.
	LLMEmbeddingsOnly LLMMode = "embeddings-only"
	// LLMGenerationOnly: local embedder, model-written answers.
	LLMGenerationOnly LLMMode = "generation-only"
	// LLMFull: model embeddings and model-written answers.
	LLMFull LLMMode = "full"
)

// Embeddings reports whether chunks and questions are embedded by the model
// server.
func (l LLM) Embeddings() bool { return l.EmbedModel != "" }

// Generation reports whether answers are written by the model server.
func (l LLM) Generation() bool { return l.ChatModel != "" }

// Mode returns the active LLMMode.
func (l LLM) Mode() LLMMode {
	switch {
	case l.Embeddings() && l.Generation():
		return LLMFull
	case l.Embeddings():
		return LLMEmbeddingsOnly
	case l.Generation():
		return LLMGenerationOnly
	}
	return LLMOffline
}

// LLMMode returns c.LLM.Mode(), for logging which mode is active.
func (c Config) LLMMode() LLMMode { return c.LLM.Mode() }

// DataDirIsDefault reports whether DataDir is the default one, set by no
// flag, variable or file.
func (c Config) DataDirIsDefault() bool { return c.source("data_dir") == originDefault }

// SlogLevel returns the slog.Level for l.Level (info if unknown).
func (l Log) SlogLevel() slog.Level {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(l.Level)); err != nil {
		return slog.LevelInfo
	}
	return lv
}

// NewLogger returns a logger that writes to w in l's format at l's level.
// Durations are written as Go durations ("1.5s") in both formats, not as
// JSON's nanosecond counts.
func (l Log) NewLogger(w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: l.SlogLevel(), ReplaceAttr: durationText}
	if l.Format == "text" {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

func durationText(_ []string, a slog.Attr) slog.Attr {
	if a.Value.Kind() == slog.KindDuration {
		a.Value = slog.StringValue(a.Value.Duration().String())
	}
	return a
}

// NewLogger returns the logger citebot writes with: Log.NewLogger, with
// every secret of c, and anything shaped like a credential, scrubbed from
// what it logs (see package redact).
func (c Config) NewLogger(w io.Writer) *slog.Logger {
	return slog.New(redact.Handler(c.Log.NewLogger(w).Handler(), c.Scrubber()))
}

// Warnings returns observations about c that are not errors but that an
// operator should see in the start-up log, such as an API key that is set
// while no model is, so citebot stays offline.
func (c Config) Warnings() []string {
	var w []string
	if c.LLM.APIKey.IsSet() && c.LLM.Mode() == LLMOffline {
		w = append(w, "OPENAI_API_KEY is set but neither CITEBOT_CHAT_MODEL nor CITEBOT_EMBED_MODEL is, so citebot stays offline; set a model to use it")
	}
	if !loopback(c.Server.Addr) {
		if c.Server.Pprof {
			w = append(w, "CITEBOT_PPROF exposes /debug/pprof/ on "+c.Server.Addr+", which is reachable from other machines; bind CITEBOT_ADDR to 127.0.0.1 or turn pprof off outside debugging")
		}
		if !c.Server.APIToken.IsSet() {
			w = append(w, "the HTTP API on "+c.Server.Addr+" is reachable from other machines without a token; set CITEBOT_API_TOKEN unless a proxy guards it")
		}
	}
	if c.Server.APIToken.IsSet() && len(c.Server.APIToken) < 16 {
		w = append(w, "CITEBOT_API_TOKEN is shorter than 16 characters and easy to guess; use a long random value, such as the output of `openssl rand -hex 32`")
	}
	if c.Telegram.Webhook() && !c.Telegram.WebhookSecret.IsSet() {
		w = append(w, "TELEGRAM_WEBHOOK_SECRET is not set, so a secret is generated at start; replicas sharing the bot must set the same TELEGRAM_WEBHOOK_SECRET")
	}
	return w
}

// loopback reports whether addr listens on a loopback interface only.
func loopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
