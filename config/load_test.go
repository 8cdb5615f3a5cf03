package config

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/citebot/citebot/corpus"
)

// env returns a getenv over m. HOME is set so that the data dir default
// does not depend on the machine running the tests.
func env(m map[string]string) func(string) string {
	return func(k string) string {
		if v, ok := m[k]; ok {
			return v
		}
		if k == "HOME" {
			return "/home/tester"
		}
		return ""
	}
}

// load parses args with the registered flags and loads.
func load(t *testing.T, args []string, vars map[string]string) (Config, error) {
	t.Helper()
	fs := flag.NewFlagSet("citebot", flag.ContinueOnError)
	RegisterFlags(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatalf("parse %q: %v", args, err)
	}
	return Load(fs, env(vars))
}

// writeFile writes a config file into a temporary folder.
func writeFile(t *testing.T, yaml string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "citebot.yaml")
	if err := os.WriteFile(p, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func settingErrors(err error) []*SettingError {
	var out []*SettingError
	var walk func(error)
	walk = func(err error) {
		if se, ok := err.(*SettingError); ok {
			out = append(out, se)
			return
		}
		if u, ok := err.(interface{ Unwrap() []error }); ok {
			for _, e := range u.Unwrap() {
				walk(e)
			}
		}
	}
	walk(err)
	return out
}

func TestLoadDefaults(t *testing.T) {
	c, err := Load(nil, env(nil))
	if err != nil {
		t.Fatalf("Load with nothing set: %v", err)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"DataDir", c.DataDir, filepath.Join("/home/tester", ".local", "share", "citebot")},
		{"Addr", c.Server.Addr, "127.0.0.1:8080"},
		{"ReadHeaderTimeout", c.Server.ReadHeaderTimeout, 5 * time.Second},
		{"WriteTimeout", c.Server.WriteTimeout, time.Minute},
		{"MaxBodyBytes", c.Server.MaxBodyBytes, int64(65536)},
		{"RatePerClient", c.Server.RatePerClient, Rate{}},
		{"Pprof", c.Server.Pprof, false},
		{"Corpus.Dir", c.Corpus.Dir, ""},
		{"Log", c.Log, Log{Level: LogAuto, Format: LogAuto}},
		{"Corpus.ChunkSize", c.Corpus.ChunkSize, corpus.DefaultChunkSize},
		{"Corpus.ChunkOverlap", c.Corpus.ChunkOverlap, corpus.DefaultChunkOverlap},
		{"LLMMode", c.LLMMode(), LLMOffline},
		{"BaseURL", c.LLM.BaseURL, "https://api.openai.com/v1"},
		{"Index.Backend", c.Index.Backend, IndexChromem},
		{"Slack.Command", c.Slack.Command, "/ask"},
		{"Slack.APIURL", c.Slack.APIURL, "https://slack.com/api/"},
		{"Slack.RatePerUser", c.Slack.RatePerUser, Rate{Events: 10, Per: time.Minute}},
		{"Slack.Enabled", c.Slack.Enabled(), false},
		{"Telegram.APIURL", c.Telegram.APIURL, "https://api.telegram.org"},
		{"Telegram.Enabled", c.Telegram.Enabled(), false},
		{"ConfigFile", c.ConfigFile, ""},
	}
	for _, tc := range checks {
		t.Run(tc.name, func(t *testing.T) {
			if !reflect.DeepEqual(tc.got, tc.want) {
				t.Errorf("got %v, want %v", tc.got, tc.want)
			}
		})
	}
}

func TestPrecedence(t *testing.T) {
	file := "server:\n  addr: \":1001\"\n  pprof: true\ntelegram:\n  allowed_chats: [1, 2]\n"
	tests := []struct {
		name      string
		file      bool
		vars      map[string]string
		args      []string
		wantAddr  string
		wantPprof bool
		wantChats []int64
		wantSrc   string // source label of server.addr
	}{
		{name: "default", wantAddr: "127.0.0.1:8080", wantSrc: "default"},
		{name: "file beats default", file: true, wantAddr: ":1001", wantPprof: true, wantChats: []int64{1, 2}, wantSrc: "citebot.yaml line 2"},
		{name: "env beats file", file: true,
			vars:     map[string]string{"CITEBOT_ADDR": ":1002", "CITEBOT_PPROF": "false", "TELEGRAM_ALLOWED_CHATS": "3"},
			wantAddr: ":1002", wantPprof: false, wantChats: []int64{3}, wantSrc: "set by env CITEBOT_ADDR"},
		{name: "flag beats env and file", file: true,
			vars:     map[string]string{"CITEBOT_ADDR": ":1002", "CITEBOT_PPROF": "false"},
			args:     []string{"--addr", ":1003", "--pprof"},
			wantAddr: ":1003", wantPprof: true, wantChats: []int64{1, 2}, wantSrc: "set by flag --addr"},
		{name: "explicit false flag beats env",
			vars:     map[string]string{"CITEBOT_PPROF": "true"},
			args:     []string{"--pprof=false"},
			wantAddr: "127.0.0.1:8080", wantPprof: false, wantSrc: "default"},
		{name: "flag beats default", args: []string{"-addr=:1003"}, wantAddr: ":1003", wantSrc: "set by flag --addr"},
		{name: "empty env is unset", file: true,
			vars:     map[string]string{"CITEBOT_ADDR": "", "CITEBOT_PPROF": "  "},
			wantAddr: ":1001", wantPprof: true, wantChats: []int64{1, 2}, wantSrc: "citebot.yaml line 2"},
		{name: "values are trimmed", vars: map[string]string{"CITEBOT_ADDR": " :1002\n"}, wantAddr: ":1002", wantSrc: "set by env CITEBOT_ADDR"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			vars := map[string]string{}
			for k, v := range tc.vars {
				vars[k] = v
			}
			if tc.file {
				vars["CITEBOT_CONFIG"] = writeFile(t, file)
			}
			c, err := load(t, tc.args, vars)
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if c.Server.Addr != tc.wantAddr {
				t.Errorf("Addr: got %q, want %q", c.Server.Addr, tc.wantAddr)
			}
			if c.Server.Pprof != tc.wantPprof {
				t.Errorf("Pprof: got %v, want %v", c.Server.Pprof, tc.wantPprof)
			}
			if !slices.Equal(c.Telegram.AllowedChats, tc.wantChats) {
				t.Errorf("AllowedChats: got %v, want %v", c.Telegram.AllowedChats, tc.wantChats)
			}
			if got := c.source("server.addr"); !strings.HasSuffix(got, tc.wantSrc) {
				t.Errorf("source of server.addr: got %q, want suffix %q", got, tc.wantSrc)
			}
		})
	}
}

func TestConfigFileChoice(t *testing.T) {
	fromEnv := writeFile(t, "server:\n  addr: \":2001\"\n")
	fromFlag := writeFile(t, "server:\n  addr: \":2002\"\n")
	tests := []struct {
		name string
		vars map[string]string
		args []string
		want string
	}{
		{"CITEBOT_CONFIG", map[string]string{"CITEBOT_CONFIG": fromEnv}, nil, ":2001"},
		{"--config beats CITEBOT_CONFIG", map[string]string{"CITEBOT_CONFIG": fromEnv}, []string{"--config", fromFlag}, ":2002"},
		{"empty --config means no file", map[string]string{"CITEBOT_CONFIG": fromEnv}, []string{"--config="}, "127.0.0.1:8080"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := load(t, tc.args, tc.vars)
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if c.Server.Addr != tc.want {
				t.Errorf("got %q, want %q", c.Server.Addr, tc.want)
			}
		})
	}
}

func TestDataDirDefault(t *testing.T) {
	tests := []struct {
		name string
		vars map[string]string
		want string
	}{
		{"XDG_DATA_HOME", map[string]string{"XDG_DATA_HOME": "/xdg"}, "/xdg/citebot"},
		{"relative XDG_DATA_HOME is ignored", map[string]string{"XDG_DATA_HOME": "rel"}, "/home/tester/.local/share/citebot"},
		{"HOME", nil, "/home/tester/.local/share/citebot"},
		{"no HOME", map[string]string{"HOME": ""}, "citebot-data"},
		{"CITEBOT_DATA_DIR", map[string]string{"CITEBOT_DATA_DIR": "/data"}, "/data"},
		{"tilde", map[string]string{"CITEBOT_DATA_DIR": "~/cb"}, "/home/tester/cb"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Load(nil, env(tc.vars))
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if c.DataDir != tc.want {
				t.Errorf("got %q, want %q", c.DataDir, tc.want)
			}
		})
	}
}

func TestRegisterFlags(t *testing.T) {
	fs := flag.NewFlagSet("citebot", flag.ContinueOnError)
	RegisterFlags(fs)
	want := []string{"config", "corpus", "data-dir", "addr", "log-level", "log-format", "pprof", "index", "chunk-size", "chunk-overlap", "rebuild", "chat-model", "embed-model"}
	for _, name := range want {
		t.Run(name, func(t *testing.T) {
			f := fs.Lookup(name)
			if f == nil {
				t.Fatalf("flag --%s is not registered", name)
			}
			if f.DefValue != "" {
				t.Errorf("--%s has default %q; flags must be empty so that Load falls back to env, file and default", name, f.DefValue)
			}
		})
	}
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	if n != len(want) {
		t.Errorf("got %d flags, want %d", n, len(want))
	}
	// Flags of the caller's own are ignored by Load.
	fs.Bool("json", false, "subcommand flag")
	if err := fs.Parse([]string{"--json", "--corpus", t.TempDir()}); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(fs, env(nil)); err != nil {
		t.Errorf("Load with a subcommand flag: %v", err)
	}
}

func TestRegisterFlagsNamed(t *testing.T) {
	fs := flag.NewFlagSet("citebot ingest", flag.ContinueOnError)
	RegisterFlags(fs, "corpus", "data-dir")
	var got []string
	fs.VisitAll(func(f *flag.Flag) { got = append(got, f.Name) })
	// VisitAll goes in lexical order; --config is always there.
	if want := []string{"config", "corpus", "data-dir"}; !slices.Equal(got, want) {
		t.Errorf("got flags %q, want %q", got, want)
	}
}

// TestLoadChunkingInEffect checks that Load replaces a zero chunk size or
// overlap with the corpus package's default, so that Config holds, and
// `citebot config` prints, what chunking uses.
func TestLoadChunkingInEffect(t *testing.T) {
	tests := []struct {
		name          string
		args          []string
		vars          map[string]string
		size, overlap int
	}{
		{"unset", nil, nil, corpus.DefaultChunkSize, corpus.DefaultChunkOverlap},
		{"zero flags", []string{"--chunk-size", "0", "--chunk-overlap", "0"}, nil, corpus.DefaultChunkSize, corpus.DefaultChunkOverlap},
		{"size set", []string{"--chunk-size", "900"}, nil, 900, corpus.DefaultChunkOverlap},
		{"no overlap", nil, map[string]string{"CITEBOT_CHUNK_OVERLAP": "-1"}, corpus.DefaultChunkSize, -1},
		{"both set", nil, map[string]string{"CITEBOT_CHUNK_SIZE": "500", "CITEBOT_CHUNK_OVERLAP": "50"}, 500, 50},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := load(t, tt.args, tt.vars)
			if err != nil {
				t.Fatal(err)
			}
			if c.Corpus.ChunkSize != tt.size || c.Corpus.ChunkOverlap != tt.overlap {
				t.Errorf("got chunk size %d, overlap %d; want %d, %d", c.Corpus.ChunkSize, c.Corpus.ChunkOverlap, tt.size, tt.overlap)
			}
			if got, want := c.Corpus.ChunkOptions(), c.Corpus.ChunkOptions().Effective(); got != want {
				t.Errorf("got ChunkOptions %+v, want them in effect: %+v", got, want)
			}
		})
	}
}

func TestSettingsTable(t *testing.T) {
	seen := map[string]string{}
	for _, s := range settings {
		for _, name := range []string{"env " + s.Env, "key " + s.Key, "flag " + s.Flag} {
			if name == "flag " {
				continue
			}
			if prev, dup := seen[name]; dup {
				t.Errorf("%s is used by %s and %s", name, prev, s.Key)
			}
			seen[name] = s.Key
		}
		if s.secret() && s.Flag != "" {
			t.Errorf("secret %s has flag --%s; secrets must not be flags", s.Key, s.Flag)
		}
		if !strings.HasSuffix(s.Doc, ".") || s.Env == "" {
			t.Errorf("%s: needs an env name and a one-sentence Doc", s.Key)
		}
		if sec := s.section(); sec != "" && !isSection(sec) {
			t.Errorf("%s: section %q is not in sections", s.Key, sec)
		}
	}
	// The names the issues fix.
	mandated := map[string]string{
		"CITEBOT_CORPUS": "corpus.dir", "CITEBOT_DATA_DIR": "data_dir",
		"SLACK_SIGNING_SECRET": "slack.signing_secret", "SLACK_BOT_TOKEN": "slack.bot_token",
		"SLACK_APP_TOKEN": "slack.app_token", "SLACK_API_URL": "slack.api_url",
		"TELEGRAM_BOT_TOKEN": "telegram.bot_token", "TELEGRAM_WEBHOOK_URL": "telegram.webhook_url",
		"TELEGRAM_WEBHOOK_SECRET": "telegram.webhook_secret", "TELEGRAM_API_URL": "telegram.api_url",
		"TELEGRAM_ALLOWED_CHATS": "telegram.allowed_chats", "OPENAI_API_KEY": "llm.api_key",
		"OPENAI_BASE_URL": "llm.base_url", "CITEBOT_CHAT_MODEL": "llm.chat_model",
		"CITEBOT_EMBED_MODEL": "llm.embed_model", "CITEBOT_API_TOKEN": "server.api_token",
		"CITEBOT_INDEX": "index.backend", "WEAVIATE_URL": "index.weaviate_url",
		"WEAVIATE_API_KEY": "index.weaviate_api_key", "CITEBOT_REDIS_URL": "redis.url",
	}
	for envName, key := range mandated {
		if got := seen["env "+envName]; got != key {
			t.Errorf("env %s: got key %q, want %q", envName, got, key)
		}
	}
}

// samples holds a valid, non-default value for every setting, and the form
// the value prints in.
var samples = map[string][2]string{
	"data_dir":                   {"/srv/citebot", "/srv/citebot"},
	"server.addr":                {":9090", ":9090"},
	"server.api_token":           {"tok-0123456789abcdef", RedactedValue},
	"server.read_header_timeout": {"2s", "2s"},
	"server.read_timeout":        {"3s", "3s"},
	"server.write_timeout":       {"4m", "4m0s"},
	"server.idle_timeout":        {"5s", "5s"},
	"server.shutdown_timeout":    {"6s", "6s"},
	"server.drain_delay":         {"3s", "3s"},
	"server.max_body_bytes":      {"20000", "20000"},
	"server.max_concurrent":      {"7", "7"},
	"server.answer_cache":        {"7", "7"},
	"server.answer_cache_ttl":    {"90s", "1m30s"},
	"server.rate_per_client":     {"60/m", "60/m"},
	"server.pprof":               {"yes", "true"},
	"corpus.dir":                 {"", ""}, // filled with a temp dir
	"corpus.chunk_size":          {"900", "900"},
	"corpus.chunk_overlap":       {"100", "100"},
	"corpus.example_questions":   {"  How do I reset the battery monitor? |Where is the fuse, and why? ", "How do I reset the battery monitor? | Where is the fuse, and why?"},
	"corpus.rebuild":             {"true", "true"},
	"corpus.max_pdf_pages":       {"500", "500"},
	"corpus.max_pdf_mb":          {"16", "16"},
	"corpus.max_office_mb":       {"32", "32"},
	"corpus.watch":               {"true", "true"}, // the default; a zero field would hide an unreached setting
	"log.level":                  {"WARNING", "warn"},
	"log.format":                 {"Text", "text"},
	"llm.api_key":                {"sk-test", RedactedValue},
	"llm.base_url":               {"http://localhost:11434/v1/", "http://localhost:11434/v1"},
	"llm.chat_model":             {"llama3.1:8b", "llama3.1:8b"},
	"llm.embed_model":            {"nomic-embed-text", "nomic-embed-text"},
	"llm.timeout":                {"45s", "45s"},
	"llm.max_answer_tokens":      {"300", "300"},
	"llm.max_answer_chars":       {"900", "900"},
	"llm.context_tokens":         {"4000", "4000"},
	"llm.embed_batch_size":       {"32", "32"},
	"llm.embed_concurrency":      {"4", "4"},
	"index.backend":              {"Weaviate", "weaviate"},
	"index.weaviate_url":         {"http://127.0.0.1:8081/", "http://127.0.0.1:8081"},
	"index.weaviate_api_key":     {"wv-key", RedactedValue},
	"redis.url":                  {"redis://127.0.0.1:6379/0", "redis://127.0.0.1:6379/0"},
	"slack.signing_secret":       {"8f742231b10e8888abcd99yyyzzz85a5", RedactedValue},
	"slack.bot_token":            {"xoxb-1-2-abc", RedactedValue},
	"slack.app_token":            {"xapp-1-A-abc", RedactedValue},
	"slack.api_url":              {"http://127.0.0.1:9999/api", "http://127.0.0.1:9999/api/"},
	"slack.command":              {"/cite", "/cite"},
	"slack.in_channel":           {"true", "true"},
	"slack.allowlist":            {"C0123ABCD, T0123ABCD,C0123ABCD", "C0123ABCD,T0123ABCD"},
	"slack.rate_per_user":        {"5/30s", "5/30s"},
	"telegram.bot_token":         {"123456:AAE-abc_def", RedactedValue},
	"telegram.webhook_url":       {"https://bot.example.com:8443/telegram/webhook", "https://bot.example.com:8443/telegram/webhook"},
	"telegram.webhook_secret":    {"hook_secret-1", RedactedValue},
	"telegram.api_url":           {"http://127.0.0.1:8081/", "http://127.0.0.1:8081"},
	"telegram.allowed_chats":     {"12345678 -1001234567890,12345678", "12345678,-1001234567890"},
	"telegram.rate_per_chat":     {"1/s", "1/s"},
	"telegram.max_concurrent":    {"3", "3"},
}

// TestEverySettingReachable sets every setting through the environment and
// checks that each Config field was set, so that a field without a setting
// or a setting without a sample fails here.
func TestEverySettingReachable(t *testing.T) {
	dir := t.TempDir()
	vars := map[string]string{}
	for _, s := range settings {
		sample, ok := samples[s.Key]
		if !ok {
			t.Fatalf("no sample for %s; add one to samples", s.Key)
		}
		vars[s.Env] = sample[0]
	}
	vars["CITEBOT_CORPUS"] = dir
	c, err := Load(nil, env(vars))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	for _, s := range settings {
		t.Run(s.Key, func(t *testing.T) {
			want := samples[s.Key][1]
			if s.Key == "corpus.dir" {
				want = dir
			}
			if got := s.val.get(&c); got != want {
				t.Errorf("got %q, want %q", got, want)
			}
			if got, want := c.source(s.Key), "set by env "+s.Env; got != want {
				t.Errorf("source: got %q, want %q", got, want)
			}
		})
	}
	var zero []string
	var walk func(path string, v reflect.Value)
	walk = func(path string, v reflect.Value) {
		if v.Kind() == reflect.Struct && v.Type() != reflect.TypeFor[Rate]() {
			for i := range v.NumField() {
				f := v.Type().Field(i)
				if f.IsExported() && f.Name != "ConfigFile" {
					walk(path+"."+f.Name, v.Field(i))
				}
			}
			return
		}
		if v.IsZero() {
			zero = append(zero, path)
		}
	}
	walk("Config", reflect.ValueOf(c))
	if len(zero) > 0 {
		t.Errorf("fields no setting reached: %v", zero)
	}
	// Secret values arrive unchanged.
	if got := c.Slack.BotToken.Reveal(); got != "xoxb-1-2-abc" {
		t.Errorf("BotToken.Reveal: got %q", got)
	}
}

func TestLoadReportsAllProblems(t *testing.T) {
	_, err := load(t, []string{"--addr", "8080"}, map[string]string{
		"CITEBOT_READ_TIMEOUT": "5",
		"CITEBOT_INDEX":        "elastic",
	})
	got := settingErrors(err)
	var names []string
	for _, se := range got {
		names = append(names, se.Env)
	}
	want := []string{"CITEBOT_READ_TIMEOUT", "CITEBOT_INDEX", "CITEBOT_ADDR"}
	if !slices.Equal(names, want) {
		t.Errorf("got errors for %v, want %v (error: %v)", names, want, err)
	}
	var se *SettingError
	if !errors.As(err, &se) {
		t.Errorf("errors.As(*SettingError) failed on %v", err)
	}
}
