package retrieval_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"

	"github.com/citebot/citebot"
	"github.com/citebot/citebot/corpus"
	"github.com/citebot/citebot/internal/snapshot"
	"github.com/citebot/citebot/retrieval"
	"github.com/citebot/citebot/retrieval/embed"
)

// countingEmbedder counts the texts it embeds, to show what ingest redoes.
type countingEmbedder struct {
	embed.Local
	n atomic.Int64
}

func (c *countingEmbedder) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	c.n.Add(int64(len(texts)))
	return c.Local.Embed(ctx, texts)
}

func loadMap(t *testing.T, fsys fstest.MapFS) []corpus.Document {
	t.Helper()
	docs, _, err := corpus.Load(context.Background(), fsys, corpus.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return docs
}

func build(t *testing.T, docs []corpus.Document, emb retrieval.Embedder, dir string) citebot.IngestStats {
	t.Helper()
	eng, err := retrieval.NewEngine(context.Background(), docs, retrieval.Options{Embedder: emb, DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	if _, err := eng.Answer(context.Background(), citebot.Question{Text: "When was the bridge opened?"}); err != nil {
		t.Fatal(err)
	}
	return eng.Stats()
}

func TestIngestReembedsOnlyWhatChanged(t *testing.T) {
	dir := t.TempDir()
	fsys := fstest.MapFS{
		"a.txt": {Data: []byte("The old bridge was opened in 1889. It crosses the river near the mill.\n")},
		"b.txt": {Data: []byte("The library holds 40,000 books. It was founded by the town council in 1901.\n")},
		"c.txt": {Data: []byte("The market runs every Saturday. Farmers sell cheese and bread there.\n")},
	}
	emb := &countingEmbedder{}

	s := build(t, loadMap(t, fsys), emb, dir)
	if s.Embedded != s.Chunks || s.Reused != 0 || s.Rebuilt == "" {
		t.Fatalf("first ingest: got %+v, want everything embedded and a rebuild reason", s)
	}
	first := emb.n.Load()

	s = build(t, loadMap(t, fsys), emb, dir)
	if s.Embedded != 0 || s.Reused != s.Chunks || s.Changed != 0 {
		t.Fatalf("unchanged corpus: got %+v, want all vectors reused", s)
	}
	if got := emb.n.Load() - first; got != 1 {
		t.Errorf("unchanged corpus embedded %d texts, want only the question", got)
	}

	fsys["a.txt"] = &fstest.MapFile{Data: []byte("The old bridge was opened in 1890. It crosses the river near the mill.\n")}
	delete(fsys, "c.txt")
	s = build(t, loadMap(t, fsys), emb, dir)
	if s.Changed != 1 || s.Removed != 1 {
		t.Errorf("after edit and delete: got changed=%d removed=%d, want 1 and 1", s.Changed, s.Removed)
	}
	if s.Embedded == 0 || s.Embedded >= s.Chunks {
		t.Errorf("after editing one of two files: embedded %d of %d chunks, want only the edited file's", s.Embedded, s.Chunks)
	}
}

func TestIngestRebuildsForAnotherEmbedder(t *testing.T) {
	dir := t.TempDir()
	docs := loadMap(t, fstest.MapFS{"a.txt": {Data: []byte("The old bridge was opened in 1889 by the mayor.\n")}})
	build(t, docs, embed.Local{}, dir)
	s := build(t, docs, embed.Local{Dim: 128}, dir)
	if s.Reused != 0 || s.Embedded != s.Chunks || !strings.Contains(s.Rebuilt, "embedder changed") {
		t.Errorf("got %+v, want a full re-embed because the embedder changed", s)
	}
	s = build(t, docs, embed.Local{Dim: 128}, dir)
	if s.Embedded != 0 {
		t.Errorf("same embedder again: embedded %d, want 0", s.Embedded)
	}
}

func TestCorruptIndexIsRebuilt(t *testing.T) {
	docs := loadMap(t, fstest.MapFS{"a.txt": {Data: []byte("The old bridge was opened in 1889 by the mayor.\n")}})
	for name, corrupt := range map[string]func(path string) error{
		"garbage": func(p string) error { return os.WriteFile(p, []byte("not an index at all"), 0o644) },
		"empty":   func(p string) error { return os.WriteFile(p, nil, 0o644) },
		"truncated": func(p string) error {
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			return os.WriteFile(p, b[:len(b)/2], 0o644)
		},
		"flipped byte": func(p string) error {
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			b[len(b)-12] ^= 0xff
			return os.WriteFile(p, b, 0o644)
		},
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			build(t, docs, nil, dir)
			path := filepath.Join(dir, snapshot.File)
			if err := corrupt(path); err != nil {
				t.Fatal(err)
			}
			s := build(t, docs, nil, dir)
			if s.Rebuilt == "" || s.Embedded != s.Chunks {
				t.Errorf("got %+v, want a rebuild from the corpus", s)
			}
			// The rebuilt index is whole again, and no temporary file is left.
			if s := build(t, docs, nil, dir); s.Embedded != 0 {
				t.Errorf("after rebuild: embedded %d, want 0", s.Embedded)
			}
			entries, _ := os.ReadDir(dir)
			if len(entries) != 1 {
				t.Errorf("data dir holds %d entries, want only %s", len(entries), snapshot.File)
			}
		})
	}
}

// TestStaleTempFilesAreRemoved checks that a temporary index file left by
// a save that was killed is removed by the next build, while one that may
// belong to a save in progress is left alone.
func TestStaleTempFilesAreRemoved(t *testing.T) {
	dir := t.TempDir()
	stale := filepath.Join(dir, snapshot.File+".tmp-1111")
	fresh := filepath.Join(dir, snapshot.File+".tmp-2222")
	for _, p := range []string{stale, fresh} {
		if err := os.WriteFile(p, []byte("half an index"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Now().Add(-time.Hour)
	if err := os.Chtimes(stale, old, old); err != nil {
		t.Fatal(err)
	}
	build(t, loadMap(t, fstest.MapFS{"a.txt": {Data: []byte("The bridge opened in 1889.\n")}}), nil, dir)
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("stale temporary file: got %v, want it removed", err)
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Errorf("recent temporary file: got %v, want it kept", err)
	}
}

func TestUnwritableDataDirStillAnswers(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(dir, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	s := build(t, loadMap(t, fstest.MapFS{"a.txt": {Data: []byte("The bridge opened in 1889.\n")}}), nil, dir)
	if s.SaveError == "" {
		t.Error("got no SaveError for a data dir that is a file")
	}
}
