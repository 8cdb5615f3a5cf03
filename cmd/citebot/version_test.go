package main

import (
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
)

func TestVersionText(t *testing.T) {
	goLine := "go:      go1.26.0 " + runtime.GOOS + "/" + runtime.GOARCH + "\n"
	vcs := func(modified string) []debug.BuildSetting {
		return []debug.BuildSetting{
			{Key: "vcs", Value: "git"},
			{Key: "vcs.revision", Value: "cb2f7be0123456789abcdef0123456789abcdef0"},
			{Key: "vcs.time", Value: "2026-11-28T05:33:21Z"},
			{Key: "vcs.modified", Value: modified},
		}
	}
	tests := []struct {
		name            string
		bi              *debug.BuildInfo
		version, commit string // stamped with -ldflags -X
		want            string
	}{
		{"go build in a clean checkout",
			&debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Version: "v1.4.0"}, Settings: vcs("false")}, "", "",
			"citebot v1.4.0\ncommit:  cb2f7be0123456789abcdef0123456789abcdef0 (2026-11-28T05:33:21Z)\n" + goLine},
		{"go build with uncommitted changes",
			&debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Version: "v1.4.1-0.20261128053321-cb2f7be01234+dirty"}, Settings: vcs("true")}, "", "",
			"citebot v1.4.1-0.20261128053321-cb2f7be01234+dirty\ncommit:  cb2f7be0123456789abcdef0123456789abcdef0 (2026-11-28T05:33:21Z), dirty: built with uncommitted changes\n" + goLine},
		{"go run: no VCS information",
			&debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Version: "(devel)"}}, "", "",
			"citebot devel\ncommit:  unknown (built without VCS information, as by go run or go test)\n" + goLine},
		{"docker build: stamped, no .git",
			&debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Version: "(devel)"}}, "v1.5.0", "0123abc",
			"citebot v1.5.0\ncommit:  0123abc\n" + goLine},
		{"stamps never override what Go recorded",
			&debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Version: "v1.4.0"}, Settings: vcs("false")}, "v9", "ffff",
			"citebot v1.4.0\ncommit:  cb2f7be0123456789abcdef0123456789abcdef0 (2026-11-28T05:33:21Z)\n" + goLine},
		{"no build information",
			nil, "", "",
			"citebot devel\ncommit:  unknown (built without VCS information, as by go run or go test)\ngo:      " + runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH + "\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := versionText(tt.bi, tt.version, tt.commit); got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

// TestVersionCommand runs citebot version as a user would; a test binary
// has no VCS stamp, so it says so.
func TestVersionCommand(t *testing.T) {
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"version"}, exitOK, "citebot "},
		{[]string{"--version"}, exitOK, "citebot "},
		{[]string{"-version"}, exitOK, "citebot "},
		{[]string{"version", "extra"}, exitUsage, `unexpected argument "extra"`},
		{[]string{"version", "--corpus", "x"}, exitUsage, "not defined: -corpus"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, out, errs := runCmd(t, tt.args...)
			if code != tt.code {
				t.Fatalf("got exit %d, want %d: %s", code, tt.code, errs)
			}
			if tt.code != exitOK {
				if !strings.Contains(errs, tt.want) {
					t.Errorf("stderr lacks %q: %s", tt.want, errs)
				}
				return
			}
			for _, w := range []string{tt.want, "commit:  ", "go:      " + runtime.Version()} {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			if lines := strings.Count(out, "\n"); lines != 3 {
				t.Errorf("got %d lines, want 3:\n%s", lines, out)
			}
		})
	}
}
