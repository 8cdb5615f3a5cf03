package main

import (
	"io"
	"strings"
	"testing"
)

// TestHelp runs each command's -h as a user would and checks that it
// describes the command, shows its arguments and lists only its flags.
func TestHelp(t *testing.T) {
	tests := []struct {
		args    []string
		want    []string
		notWant []string
	}{
		{[]string{"ask", "-h"},
			[]string{"citebot ask: answer one question", `citebot ask [flags] "question"`, "-json", "-corpus", "-chat-model", "-log-level"},
			[]string{"-addr", "-pprof"}},
		{[]string{"ingest", "-h"},
			[]string{"citebot ingest: build or update", "citebot ingest [flags]", "-corpus", "-embed-model", "-rebuild"},
			[]string{"-chat-model", "-addr", "-pprof", "-json"}},
		{[]string{"eval", "--help"},
			[]string{"citebot eval: score", "citebot eval --questions FILE [flags]", "-questions", "-baseline", "-chat-model"},
			[]string{"-addr", "-pprof", "-data-dir", "-rebuild"}},
		{[]string{"migrate", "-h"},
			[]string{"citebot migrate --to weaviate [flags]", "-to", "-data-dir"},
			[]string{"-corpus", "-chat-model", "-addr"}},
		{[]string{"healthcheck", "-h"},
			[]string{"citebot healthcheck: exit 0", "-addr"},
			[]string{"-corpus", "-chat-model", "-data-dir"}},
		{[]string{"serve", "-h"},
			[]string{"citebot serve: serve the HTTP API", "-addr", "-pprof", "-corpus", "-chat-model"},
			[]string{"-json"}},
		{[]string{"config", "-h"},
			[]string{"citebot config: print the settings in effect", "-addr", "-corpus", "-chunk-size"},
			nil},
		{[]string{"version", "-h"},
			[]string{"citebot version: print the version", "  citebot version\n"},
			[]string{"Flags:", "-log-level"}},
		{[]string{"help", "ingest"},
			[]string{"citebot ingest: build or update"},
			[]string{"-chat-model"}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, out, errs := runCmd(t, tt.args...)
			if code != exitOK {
				t.Fatalf("got exit %d, want 0: %s", code, errs)
			}
			if out != "" {
				t.Errorf("got stdout %q, want help on stderr only", out)
			}
			for _, w := range tt.want {
				if !strings.Contains(errs, w) {
					t.Errorf("help lacks %q:\n%s", w, errs)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(errs, w+" ") || strings.Contains(errs, w+"\n") {
					t.Errorf("help lists %q:\n%s", w, errs)
				}
			}
		})
	}
}

// TestTopLevelHelp checks that citebot -h and citebot help list every
// command with its one line, and that no arguments is a usage error.
func TestTopLevelHelp(t *testing.T) {
	tests := []struct {
		args []string
		code int
	}{
		{[]string{"-h"}, exitOK},
		{[]string{"--help"}, exitOK},
		{[]string{"help"}, exitOK},
		{[]string{"help", "help"}, exitOK},
		{nil, exitUsage},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, _, errs := runCmd(t, tt.args...)
			if code != tt.code {
				t.Errorf("got exit %d, want %d", code, tt.code)
			}
			for _, s := range specs {
				if line := "  " + s.name + strings.Repeat(" ", 13-len(s.name)) + s.summary + "\n"; !strings.Contains(errs, line) {
					t.Errorf("help lacks the line %q:\n%s", line, errs)
				}
			}
		})
	}
}

// TestSpecFlagsExist keeps the commands' flag lists in step with the
// settings that have flags: a misspelt name would silently drop a flag.
func TestSpecFlagsExist(t *testing.T) {
	for _, sp := range specs {
		for _, name := range sp.flags {
			t.Run(sp.name+" "+name, func(t *testing.T) {
				if newFlagSet(sp.name, io.Discard).Lookup(name) == nil {
					t.Errorf("citebot %s lacks --%s, which is not a settings flag", sp.name, name)
				}
			})
		}
	}
}
