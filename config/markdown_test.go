package config

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite docs/settings.md")

// TestSettingsMarkdown keeps docs/settings.md in step with the settings
// table. Run `go test ./config -run TestSettingsMarkdown -update` after
// changing a setting.
func TestSettingsMarkdown(t *testing.T) {
	var b bytes.Buffer
	if err := WriteSettingsMarkdown(&b); err != nil {
		t.Fatal(err)
	}
	for _, s := range settings {
		if !strings.Contains(b.String(), "`"+s.Env+"`") {
			t.Errorf("table lacks %s", s.Env)
		}
	}
	path := filepath.Join("..", "docs", "settings.md")
	if *update {
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read %s: %v (run with -update to create it)", path, err)
	}
	if !bytes.Equal(got, b.Bytes()) {
		t.Errorf("%s is out of date; run `go test ./config -run TestSettingsMarkdown -update`", path)
	}
}

// TestSettingsMarkdownExampleLoads checks that the example file in the docs
// is a valid config file.
func TestSettingsMarkdownExampleLoads(t *testing.T) {
	var b bytes.Buffer
	if err := WriteSettingsMarkdown(&b); err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(b.String(), "```yaml\n")
	example, _, ok2 := strings.Cut(rest, "```")
	if !ok || !ok2 {
		t.Fatal("no example file in the docs")
	}
	l := &loader{getenv: env(nil), cfg: Config{sources: map[string]string{}}, failed: map[string]bool{}}
	l.applyYAML("example", []byte(example))
	if len(l.errs) > 0 {
		t.Errorf("example file: %v", l.errs)
	}
}
