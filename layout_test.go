package citebot_test

import (
	"bufio"
	"bytes"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/citebot/citebot"

// stages lists citebot's packages in the order data flows through them,
// relative to the module root. A package may import only packages of an
// earlier stage; README.md's "How it answers" walks the same order.
var stages = [][]string{
	// Shared types and small helpers that import nothing of ours.
	{"", "internal/redact", "internal/lru", "internal/ratelimit", "internal/retry", "internal/logbuf", "internal/datadir", "internal/watch",
		"internal/pdftest", "internal/scaletest", "internal/parallel"},
	{"corpus"},
	// Test fixtures made of documents.
	{"config", "internal/testcorpus"},
	{"retrieval/words"},
	{"retrieval/reader"},
	{"retrieval/embed"},
	// The fake OpenAI server hands tests real embed.OpenAI clients.
	{"retrieval/index", "internal/fakeopenai"},
	{"retrieval/index/vecfile"},
	{"retrieval/index/memory", "retrieval/index/weaviate"},
	{"retrieval/conversation"},
	{"internal/store"},
	{"retrieval"},
	{"retrieval/generate", "internal/readerfit"},
	{"metrics", "sharedstate"},
	{"bot"},
	{"bot/slack", "bot/telegram", "bot/web"},
	{"cmd/citebot", "internal/cmd/fitreader", "scripts/loadtest", "scripts/gencorpus"},
}

// onlyImportedBy names, for heavy or remote-facing dependencies, the
// packages allowed to import them (directly); everything else reaches
// them through those packages' own types.
var onlyImportedBy = map[string][]string{
	"github.com/weaviate/": {"retrieval/index/weaviate"},
	// internal/fakeopenai is the test fake of an OpenAI server, for
	// tests of the two packages that call one.
	"github.com/sashabaranov/go-openai": {"retrieval/embed", "retrieval/generate", "internal/fakeopenai"},
}

// imports lists each of the module's packages with its non-test imports,
// as `go list` reports them.
func imports(t *testing.T) map[string][]string {
	t.Helper()
	out, err := exec.Command("go", "list", "-f", "{{.ImportPath}}{{range .Imports}} {{.}}{{end}}", module+"/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	pkgs := map[string][]string{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) > 0 {
			pkgs[rel(f[0])] = f[1:]
		}
	}
	if len(pkgs) == 0 {
		t.Fatal("go list found no packages")
	}
	return pkgs
}

// rel is a package's path relative to the module root, "" for the root.
func rel(path string) string {
	return strings.TrimPrefix(strings.TrimPrefix(path, module), "/")
}

func TestPackagesImportOnlyEarlierStages(t *testing.T) {
	stageOf := map[string]int{}
	for i, s := range stages {
		for _, p := range s {
			stageOf[p] = i
		}
	}
	for pkg, imps := range imports(t) {
		st, ok := stageOf[pkg]
		if !ok {
			t.Errorf("package %q has no stage; add it to stages in layout_test.go and to README.md's \"How it answers\"", pkg)
			continue
		}
		for _, imp := range imps {
			if imp != module && !strings.HasPrefix(imp, module+"/") {
				continue
			}
			if ist, ok := stageOf[rel(imp)]; ok && ist >= st {
				t.Errorf("%q (stage %d) imports %q (stage %d); a package may import only earlier stages", pkg, st, rel(imp), ist)
			}
		}
	}
}

func TestHeavyDependenciesStayInTheirPackage(t *testing.T) {
	for pkg, imps := range imports(t) {
		for _, imp := range imps {
			for dep, allowed := range onlyImportedBy {
				if strings.HasPrefix(imp, dep) && !slices.Contains(allowed, pkg) {
					t.Errorf("%q imports %s; only %v may", pkg, imp, allowed)
				}
			}
		}
	}
}
