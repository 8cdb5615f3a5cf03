package retrieval_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"

	"github.com/citebot/citebot"
	"github.com/citebot/citebot/corpus"
	"github.com/citebot/citebot/internal/store"
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

// currentGeneration returns the folder of dir's current stored index.
func currentGeneration(t *testing.T, dir string) string {
	t.Helper()
	b, err := os.ReadFile(store.CurrentPath(dir))
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Join(dir, store.Dir, strings.TrimSpace(string(b)))
}

func TestDamagedIndexIsRebuilt(t *testing.T) {
	docs := loadMap(t, fstest.MapFS{
		"a.txt": {Data: []byte("The old bridge was opened in 1889 by the mayor.\n")},
		"b.txt": {Data: []byte("The library holds 40,000 books. It was founded by the town council in 1901.\n")},
	})
	garbage := func(name string) func(string) error {
		return func(gen string) error {
			return os.WriteFile(filepath.Join(gen, name), []byte("not an index at all"), 0o644)
		}
	}
	truncate := func(name string) func(string) error {
		return func(gen string) error {
			p := filepath.Join(gen, name)
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			return os.WriteFile(p, b[:len(b)/2], 0o644)
		}
	}
	format := func(n int) func(string) error {
		return func(gen string) error {
			p := filepath.Join(gen, "manifest.json")
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			b = []byte(strings.Replace(string(b), fmt.Sprintf(`"format": %d`, store.Format), fmt.Sprintf(`"format": %d`, n), 1))
			return os.WriteFile(p, b, 0o644)
		}
	}
	tests := map[string]func(gen string) error{
		"older format":          format(store.Format - 1),
		"newer format":          format(store.Format + 1),
		"garbage manifest":      garbage("manifest.json"),
		"truncated documents":   truncate("documents.gob"),
		"truncated chunk table": truncate("chunks.gob"),
		"garbage reader state":  garbage("reader.gob"),
		"truncated vector file": truncate("vectors.cbv"),
		"empty vector file":     func(gen string) error { return os.WriteFile(filepath.Join(gen, "vectors.cbv"), nil, 0o644) },
		"missing bm25 index":    func(gen string) error { return os.RemoveAll(filepath.Join(gen, "bm25")) },
		"CURRENT names nothing": func(gen string) error {
			return os.WriteFile(store.CurrentPath(filepath.Dir(filepath.Dir(gen))), []byte("../../etc\n"), 0o644)
		},
		"CURRENT names a missing": func(gen string) error { return os.RemoveAll(gen) },
		"vector file of another dimension": func(gen string) error {
			// A build by an embedder of the same name but another size.
			other := t.TempDir()
			build(t, docs, renamed{embed.Local{Dim: 64}, embed.Local{}.Name()}, other)
			b, err := os.ReadFile(filepath.Join(currentGeneration(t, other), "vectors.cbv"))
			if err != nil {
				return err
			}
			return os.WriteFile(filepath.Join(gen, "vectors.cbv"), b, 0o644)
		},
	}
	vectorsLost := map[string]bool{
		"older format": true, "newer format": true, "garbage manifest": true, "truncated documents": true,
		"truncated chunk table": true, "truncated vector file": true, "empty vector file": true,
		"CURRENT names nothing": true, "CURRENT names a missing": true, "vector file of another dimension": true,
	}
	for name, damage := range tests {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			build(t, docs, nil, dir)
			if err := damage(currentGeneration(t, dir)); err != nil {
				t.Fatal(err)
			}
			s := build(t, docs, nil, dir)
			if s.Rebuilt == "" || s.SaveError != "" {
				t.Errorf("got %+v, want a rebuild from the corpus that was stored", s)
			}
			// Vectors are reused only from a store whose vectors and
			// chunk table could be read and fit.
			if vectorsLost[name] && s.Embedded != s.Chunks {
				t.Errorf("got %+v, want every chunk embedded again", s)
			}
			// The rebuilt index is whole again, and only it and the one
			// before are kept.
			if s := build(t, docs, nil, dir); s.Embedded != 0 || s.Rebuilt != "" {
				t.Errorf("after rebuild: got %+v, want the stored index opened", s)
			}
			entries, _ := os.ReadDir(filepath.Join(dir, store.Dir))
			if len(entries) > 3 {
				t.Errorf("index folder holds %d entries, want CURRENT and at most two generations", len(entries))
			}
		})
	}
}

// renamed is an embedder under another name.
type renamed struct {
	embed.Local
	name string
}

func (r renamed) Name() string { return r.name }

// TestLegacyIndexIsReplaced checks that the single-file index of earlier
// versions is rebuilt into the stored layout and then removed.
func TestLegacyIndexIsReplaced(t *testing.T) {
	dir := t.TempDir()
	legacy := filepath.Join(dir, store.LegacyFile)
	if err := os.WriteFile(legacy, []byte("CITEBOT-INDEX\x00v1\n..."), 0o600); err != nil {
		t.Fatal(err)
	}
	s := build(t, loadMap(t, fstest.MapFS{"a.txt": {Data: []byte("The bridge opened in 1889.\n")}}), nil, dir)
	if !strings.Contains(s.Rebuilt, "earlier citebot") {
		t.Errorf("Rebuilt = %q, want it to say the index is of an earlier version", s.Rebuilt)
	}
	if _, err := os.Stat(legacy); !os.IsNotExist(err) {
		t.Errorf("legacy index file: got %v, want it removed", err)
	}
}

// TestUnfinishedGenerationIsRemoved checks that a generation left by a
// build that was killed before it became current is removed by the next.
func TestUnfinishedGenerationIsRemoved(t *testing.T) {
	dir := t.TempDir()
	docs := loadMap(t, fstest.MapFS{"a.txt": {Data: []byte("The bridge opened in 1889.\n")}})
	build(t, docs, nil, dir)
	left := filepath.Join(dir, store.Dir, "g1")
	if err := os.MkdirAll(filepath.Join(left, "bm25"), 0o755); err != nil {
		t.Fatal(err)
	}
	docs = loadMap(t, fstest.MapFS{"a.txt": {Data: []byte("The bridge opened in 1890.\n")}})
	build(t, docs, nil, dir)
	if _, err := os.Stat(left); !os.IsNotExist(err) {
		t.Errorf("unfinished generation: got %v, want it removed", err)
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

func TestOpenServesTheStoredIndexOfAnUnchangedFolder(t *testing.T) {
	ctx := context.Background()
	dir, data := t.TempDir(), t.TempDir()
	write := func(name, text string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("a.txt", "The old bridge was opened in 1889. It crosses the river near the mill.\n")
	write("b.txt", "The library holds 40,000 books. It was founded by the town council in 1901.\n")
	ingest := func() {
		t.Helper()
		stamps, err := corpus.Stamps(ctx, dir)
		if err != nil {
			t.Fatal(err)
		}
		docs, _, err := corpus.LoadDir(ctx, dir, corpus.LoadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		eng, err := retrieval.NewEngine(ctx, docs, retrieval.Options{DataDir: data, Stamps: stamps})
		if err != nil {
			t.Fatal(err)
		}
		eng.Close()
	}
	ask := func(eng *retrieval.Engine) string {
		t.Helper()
		a, err := eng.Answer(ctx, citebot.Question{Text: "When was the old bridge opened?"})
		if err != nil {
			t.Fatal(err)
		}
		return a.Text
	}
	ingest()

	eng, docs, err := retrieval.Open(ctx, dir, retrieval.Options{DataDir: data})
	if err != nil {
		t.Fatalf("Open of an unchanged folder: %v", err)
	}
	if got, want := len(docs), 2; got != want {
		t.Errorf("Open returned %d documents, want %d", got, want)
	}
	if s := eng.Stats(); s.Embedded != 0 || s.Reused != s.Chunks || s.Files != 2 {
		t.Errorf("Open stats %+v, want everything reused", s)
	}
	if got := ask(eng); !strings.Contains(got, "1889") {
		t.Errorf("answer from the opened index = %q, want 1889", got)
	}
	eng.Close()

	// Open decides by size and time alone, as make does: it does not read
	// the file, so the stored text answers.
	a := filepath.Join(dir, "a.txt")
	fi, err := os.Stat(a)
	if err != nil {
		t.Fatal(err)
	}
	write("a.txt", "The old bridge was opened in 1899. It crosses the river near the mill.\n")
	if err := os.Chtimes(a, fi.ModTime(), fi.ModTime()); err != nil {
		t.Fatal(err)
	}
	eng, _, err = retrieval.Open(ctx, dir, retrieval.Options{DataDir: data})
	if err != nil {
		t.Fatalf("Open after a same-size, same-time rewrite: %v", err)
	}
	if got := ask(eng); !strings.Contains(got, "1889") {
		t.Errorf("answer = %q, want the stored 1889", got)
	}
	eng.Close()

	changes := []struct {
		name   string
		change func()
	}{
		{"touched", func() {
			later := fi.ModTime().Add(time.Minute)
			if err := os.Chtimes(a, later, later); err != nil {
				t.Fatal(err)
			}
		}},
		{"added", func() { write("c.txt", "The market runs every Saturday.\n") }},
		{"removed", func() {
			if err := os.Remove(filepath.Join(dir, "c.txt")); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, c := range changes {
		c.change()
		if _, _, err := retrieval.Open(ctx, dir, retrieval.Options{DataDir: data}); !errors.Is(err, retrieval.ErrStale) {
			t.Errorf("Open after a file was %s: got %v, want ErrStale", c.name, err)
		}
		ingest()
		eng, _, err := retrieval.Open(ctx, dir, retrieval.Options{DataDir: data})
		if err != nil {
			t.Fatalf("Open after ingesting the %s file: %v", c.name, err)
		}
		eng.Close()
	}
	if got := ask(mustOpen(t, dir, data)); !strings.Contains(got, "1899") {
		t.Errorf("answer after ingest = %q, want the new 1899", got)
	}

	if _, _, err := retrieval.Open(ctx, dir, retrieval.Options{DataDir: data, Embedder: embed.Local{Dim: 128}}); !errors.Is(err, retrieval.ErrStale) {
		t.Errorf("Open with another embedder: got %v, want ErrStale", err)
	}
	if _, _, err := retrieval.Open(ctx, dir, retrieval.Options{DataDir: t.TempDir()}); !errors.Is(err, retrieval.ErrStale) {
		t.Errorf("Open of an empty data dir: got %v, want ErrStale", err)
	}
}

func mustOpen(t *testing.T, dir, data string) *retrieval.Engine {
	t.Helper()
	eng, _, err := retrieval.Open(context.Background(), dir, retrieval.Options{DataDir: data})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { eng.Close() })
	return eng
}

// failingEmbedder fails every call: an embedding server that is down.
type failingEmbedder struct{ embed.Local }

var errEmbedderDown = errors.New("embedding server down")

func (failingEmbedder) Embed(context.Context, []string) ([][]float32, error) {
	return nil, errEmbedderDown
}

func TestIngestReportsAFailingEmbedder(t *testing.T) {
	dir := t.TempDir()
	docs := loadMap(t, fstest.MapFS{"a.txt": {Data: []byte("The bridge opened in 1889.\n")}})
	// The text is indexed while the chunks are embedded: the build must
	// stop, say why, and store nothing.
	eng, err := retrieval.NewEngine(context.Background(), docs, retrieval.Options{Embedder: failingEmbedder{}, DataDir: dir})
	if err == nil {
		eng.Close()
		t.Fatal("NewEngine succeeded with an embedder that fails")
	}
	if !errors.Is(err, errEmbedderDown) {
		t.Errorf("got %v, want the embedder's error", err)
	}
	if store.Exists(dir) {
		t.Error("a failed ingest left a stored index")
	}
	if gens, _ := filepath.Glob(filepath.Join(dir, store.Dir, "g*")); len(gens) > 0 {
		t.Errorf("a failed ingest left generations %v", gens)
	}
}
