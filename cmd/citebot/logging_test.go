package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/citebot/citebot/config"
	"github.com/citebot/citebot/corpus"
)

// fakeTerminal stands in for standard error: a buffer that says whether
// it is a terminal.
type fakeTerminal struct {
	bytes.Buffer
	tty bool
}

func (f *fakeTerminal) IsTerminal() bool { return f.tty }

// junkCorpus writes bridgeCorpus's article and three files that are
// skipped: two binary, one empty.
func junkCorpus(t *testing.T) string {
	t.Helper()
	dir := bridgeCorpus(t)
	files := map[string][]byte{
		"a.txt":     {0, 1, 2, 'P', 'K'},
		"b.md":      {0, 1, 2, 3, 0},
		"empty.txt": {},
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestLogsByTerminal runs commands as a user would, on a terminal and
// not, and checks the format and level of what they log.
func TestLogsByTerminal(t *testing.T) {
	dir := junkCorpus(t)
	qs := filepath.Join(t.TempDir(), "q.jsonl")
	if err := os.WriteFile(qs, []byte(`{"id":"a","question":"When did the Old Bridge open?","answers":["1889"],"sources":["bridge.txt"]}`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	const summary = `level=WARN msg="corpus: skipped 3 files: 2 binary, 1 empty; --log-level info lists them"`
	ask := []string{"ask", "--corpus", dir, "When did the Old Bridge open?"}
	tests := []struct {
		name    string
		args    []string
		tty     bool
		env     map[string]string
		json    bool     // every line is a JSON object
		want    []string // in stderr
		notWant []string
		lines   int // stderr lines; -1 for any
	}{
		{name: "ask on a terminal: one summary line", args: ask, tty: true,
			want: []string{summary}, notWant: []string{"answer mode", "skipped file", "{"}, lines: 1},
		{name: "ask piped: text at info lists the files", args: ask,
			want: []string{"level=INFO", `msg="answer mode"`, "source=a.txt", "source=b.md", "source=empty.txt",
				`level=WARN msg="corpus: skipped 3 files: 2 binary, 1 empty"`},
			notWant: []string{"--log-level info lists them", "{"}, lines: -1},
		{name: "ask on a terminal with --log-level info", args: append([]string{"ask", "--log-level", "info"}, ask[1:]...), tty: true,
			want: []string{"source=a.txt", "level=INFO"}, notWant: []string{"lists them"}, lines: -1},
		{name: "CITEBOT_LOG_FORMAT=json wins on a terminal", args: ask, tty: true, env: map[string]string{"CITEBOT_LOG_FORMAT": "json"},
			json: true, want: []string{`"level":"WARN"`, "lists them"}, notWant: []string{"answer mode"}, lines: 1},
		{name: "CITEBOT_LOG_LEVEL=debug wins on a terminal", args: ask, tty: true, env: map[string]string{"CITEBOT_LOG_LEVEL": "debug"},
			want: []string{`msg="answer mode"`, "source=a.txt"}, lines: -1},
		{name: "eval on a terminal", args: []string{"eval", "--corpus", dir, "--questions", qs}, tty: true,
			want: []string{summary}, lines: 1},
		{name: "config on a terminal: warnings only, as text", args: []string{"config"}, tty: true,
			env:  map[string]string{"OPENAI_API_KEY": "sk-test-key-0123456789"},
			want: []string{"level=WARN", "stays offline"}, notWant: []string{"sk-test"}, lines: 1},
		{name: "serve piped: JSON", args: []string{"serve", "--addr", "127.0.0.1:0", "--corpus", dir},
			json: true, want: []string{`"msg":"citebot listening"`, `"level":"INFO"`}, lines: -1},
		{name: "serve on a terminal: text at info", args: []string{"serve", "--addr", "127.0.0.1:0", "--corpus", dir}, tty: true,
			want: []string{`level=INFO msg="citebot listening"`}, notWant: []string{"{"}, lines: -1},
		{name: "serve piped with CITEBOT_LOG_FORMAT=text", args: []string{"serve", "--addr", "127.0.0.1:0", "--corpus", dir},
			env: map[string]string{"CITEBOT_LOG_FORMAT": "text"}, want: []string{`level=INFO msg="citebot listening"`}, lines: -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("CITEBOT_DATA_DIR", t.TempDir())
			// Empty counts as unset: the command chooses.
			t.Setenv("CITEBOT_LOG_LEVEL", "")
			t.Setenv("CITEBOT_LOG_FORMAT", "")
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			ctx := context.Background()
			if tt.args[0] == "serve" {
				// A cancelled serve starts, logs, and drains at once.
				c, cancel := context.WithCancel(ctx)
				cancel()
				ctx = c
			}
			var stdout bytes.Buffer
			stderr := &fakeTerminal{tty: tt.tty}
			if code := run(ctx, tt.args, &stdout, stderr); code != 0 {
				t.Fatalf("exit %d: %s", code, stderr.String())
			}
			got := stderr.String()
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("stderr lacks %q:\n%s", w, got)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(got, w) {
					t.Errorf("stderr has %q:\n%s", w, got)
				}
			}
			lines := strings.Split(strings.TrimSuffix(got, "\n"), "\n")
			if tt.lines >= 0 && len(lines) != tt.lines {
				t.Errorf("got %d lines on stderr, want %d:\n%s", len(lines), tt.lines, got)
			}
			if tt.json {
				for _, l := range lines {
					if !json.Valid([]byte(l)) {
						t.Errorf("got a line that is not JSON: %s", l)
					}
				}
			}
		})
	}
}

func TestLogDefaults(t *testing.T) {
	auto := config.Log{Level: config.LogAuto, Format: config.LogAuto}
	tests := []struct {
		log      config.Log
		command  string
		terminal bool
		want     config.Log
	}{
		{auto, "ask", true, config.Log{Level: "warn", Format: "text"}},
		{auto, "eval", true, config.Log{Level: "warn", Format: "text"}},
		{auto, "config", true, config.Log{Level: "warn", Format: "text"}},
		{auto, "ask", false, config.Log{Level: "info", Format: "text"}},
		{auto, "ingest", true, config.Log{Level: "info", Format: "text"}},
		{auto, "serve", true, config.Log{Level: "info", Format: "text"}},
		{auto, "serve", false, config.Log{Level: "info", Format: "json"}},
		{auto, "healthcheck", false, config.Log{Level: "info", Format: "text"}},
		{config.Log{Level: "debug", Format: "json"}, "ask", true, config.Log{Level: "debug", Format: "json"}},
		{config.Log{Level: "error", Format: "text"}, "serve", false, config.Log{Level: "error", Format: "text"}},
		{config.Log{Level: config.LogAuto, Format: "json"}, "eval", true, config.Log{Level: "warn", Format: "json"}},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s %s/%s terminal=%v", tt.command, tt.log.Level, tt.log.Format, tt.terminal), func(t *testing.T) {
			if got := logDefaults(tt.log, tt.command, tt.terminal); got != tt.want {
				t.Errorf("terminal %v: got %+v, want %+v", tt.terminal, got, tt.want)
			}
		})
	}
}

func TestLogSkipped(t *testing.T) {
	sk := func(kinds ...corpus.SkipKind) []corpus.Skipped {
		var out []corpus.Skipped
		for _, k := range kinds {
			out = append(out, corpus.Skipped{Source: "f", Kind: k, Reason: "r"})
		}
		return out
	}
	tests := []struct {
		name    string
		level   slog.Level
		skipped []corpus.Skipped
		want    string
	}{
		{"none", slog.LevelWarn, nil, ""},
		{"one", slog.LevelWarn, sk(corpus.SkipTooBig),
			`level=WARN msg="corpus: skipped 1 file: 1 too big; --log-level info lists them"` + "\n"},
		{"most common first, then by name", slog.LevelWarn, sk(corpus.SkipEmpty, corpus.SkipBinary, corpus.SkipUnsupported, corpus.SkipBinary),
			`level=WARN msg="corpus: skipped 4 files: 2 binary, 1 empty, 1 unsupported type; --log-level info lists them"` + "\n"},
		{"no hint when info lists them", slog.LevelInfo, sk(corpus.SkipEmpty),
			`level=WARN msg="corpus: skipped 1 file: 1 empty"` + "\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			log := slog.New(slog.NewTextHandler(&b, &slog.HandlerOptions{Level: tt.level,
				ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
					if a.Key == slog.TimeKey {
						return slog.Attr{}
					}
					return a
				}}))
			logSkipped(context.Background(), log, tt.skipped)
			if got := b.String(); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestIsTerminal(t *testing.T) {
	f, err := os.CreateTemp(t.TempDir(), "out")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tests := []struct {
		name string
		w    io.Writer
		want bool
	}{
		{"buffer", &bytes.Buffer{}, false},
		{"regular file", f, false},
		{"fake terminal", &fakeTerminal{tty: true}, true},
		{"fake pipe", &fakeTerminal{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := isTerminal(tt.w); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}
