package generate_test

import (
	"context"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/citebot/citebot/corpus"
	"github.com/citebot/citebot/retrieval"
)

// defaultEngine builds the engine over the embedded corpus once per test.
func defaultEngine(t testing.TB) (*retrieval.Engine, []corpus.Document) {
	t.Helper()
	docs := load(t, corpus.Default())
	eng, err := retrieval.NewEngine(context.Background(), docs, retrieval.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { eng.Close() })
	return eng, docs
}

func loadMap(t testing.TB, fsys fstest.MapFS) []corpus.Document { return load(t, fsys) }

func load(t testing.TB, fsys fs.FS) []corpus.Document {
	t.Helper()
	docs, _, err := corpus.Load(context.Background(), fsys, corpus.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return docs
}

func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }
