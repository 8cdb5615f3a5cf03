package store

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/citebot/citebot/corpus"
	"github.com/citebot/citebot/retrieval/conversation"
	"github.com/citebot/citebot/retrieval/embed"
	"github.com/citebot/citebot/retrieval/index"
	"github.com/citebot/citebot/retrieval/index/memory"
	"github.com/citebot/citebot/retrieval/reader"
)

// seedBuild is a Build of the embedded articles.
func seedBuild(t *testing.T) Build {
	t.Helper()
	docs, chunks := seedChunks(t)
	texts := make([]string, len(chunks))
	for i, c := range chunks {
		texts[i] = embed.Text(c)
	}
	emb := embed.Local{}
	vecs, err := emb.Embed(context.Background(), texts)
	if err != nil {
		t.Fatal(err)
	}
	recs := make([]index.Record, len(chunks))
	for i, c := range chunks {
		recs[i] = index.Record{Chunk: c, Vector: vecs[i]}
	}
	stats := reader.Learn(chunks)
	return Build{
		Manifest: Manifest{Embedder: emb.Name(), Built: time.Now().UTC(), Files: []corpus.FileStamp{{Source: "a.txt", Size: 3, ModTime: 1}}},
		Docs:     docs, Chunks: chunks,
		Records: func(context.Context) ([]index.Record, error) { return recs, nil },
		Learnt:  func() (*reader.Stats, *conversation.Rewriter) { return stats, conversation.NewRewriter(stats, chunks) },
	}
}

func TestWriteThenOpen(t *testing.T) {
	ctx := context.Background()
	data := t.TempDir()
	b := seedBuild(t)
	given, _ := b.Records(ctx)
	dim := len(given[0].Vector)
	// As the engine builds: the vectors leave memory once in the file.
	built, err := Write(ctx, data, b, memory.Options{DropVectors: true})
	if err != nil {
		t.Fatal(err)
	}
	defer built.Close()
	if given[0].Vector != nil {
		t.Errorf("Write with DropVectors kept the records' vectors")
	}
	st, err := Open(ctx, data, b.Manifest.Embedder, corpus.ChunkOptions{}, memory.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Index.Close()
	if !reflect.DeepEqual(st.Docs, b.Docs) {
		t.Errorf("opened documents differ from the stored ones")
	}
	if !reflect.DeepEqual(st.Chunks, b.Chunks) {
		t.Errorf("opened chunks differ from the stored ones")
	}
	if got, want := st.Manifest.Files, b.Manifest.Files; !reflect.DeepEqual(got, want) {
		t.Errorf("manifest files = %v, want %v", got, want)
	}
	if got, want := st.Manifest.Dim, dim; got != want {
		t.Errorf("manifest dim = %d, want %d", got, want)
	}
	stats, _ := b.Learnt()
	for _, w := range []string{"ottawa", "estonia", "landmin"} {
		if got, want := st.Stats.DocFreq(w), stats.DocFreq(w); got != want {
			t.Errorf("DocFreq(%q) = %d, want %d", w, got, want)
		}
	}
	for _, q := range []string{"When did Estonia ratify the Ottawa Convention?", "anti-personnel mines", "Poland"} {
		vec, err := embed.Local{}.Embed(ctx, []string{q})
		if err != nil {
			t.Fatal(err)
		}
		want, err := built.Search(ctx, index.Query{Text: q, Vector: vec[0]}, 8)
		if err != nil {
			t.Fatal(err)
		}
		got, err := st.Index.Search(ctx, index.Query{Text: q, Vector: vec[0]}, 8)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Search(%q) on the opened index differs from the built one", q)
		}
	}
	recs, m, err := Records(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != len(given) || m.Embedder != b.Manifest.Embedder {
		t.Errorf("Records: %d records of %s, want %d of %s", len(recs), m.Embedder, len(given), b.Manifest.Embedder)
	}
}

func TestOpenRefusesAnotherBuild(t *testing.T) {
	ctx := context.Background()
	data := t.TempDir()
	b := seedBuild(t)
	built, err := Write(ctx, data, b, memory.Options{})
	if err != nil {
		t.Fatal(err)
	}
	built.Close()
	tests := []struct {
		name     string
		embedder string
		chunk    corpus.ChunkOptions
	}{
		{"another embedder", "openai/text-embedding-3-small", corpus.ChunkOptions{}},
		{"other chunk sizes", b.Manifest.Embedder, corpus.ChunkOptions{Size: 300}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Open(ctx, data, tt.embedder, tt.chunk, memory.Options{}); !errors.Is(err, ErrStale) {
				t.Errorf("got %v, want ErrStale", err)
			}
		})
	}
}

func TestWriteKeepsOneGenerationBefore(t *testing.T) {
	ctx := context.Background()
	data := t.TempDir()
	b := seedBuild(t)
	var gens []string
	for range 3 {
		idx, err := Write(ctx, data, b, memory.Options{})
		if err != nil {
			t.Fatal(err)
		}
		idx.Close()
		name, err := readCurrent(filepath.Join(data, Dir))
		if err != nil {
			t.Fatal(err)
		}
		gens = append(gens, name)
	}
	for i, g := range gens {
		_, err := os.Stat(filepath.Join(data, Dir, g))
		if kept := i >= len(gens)-2; kept != (err == nil) {
			t.Errorf("generation %d of %d: stat %v, want kept=%v", i+1, len(gens), err, kept)
		}
	}
}

// TestWriteLeavesNoStagedDocuments covers the documents written beside a
// build: moved into the generation when it stands, removed when it
// fails, and a crash's leftover removed by the next build.
func TestWriteLeavesNoStagedDocuments(t *testing.T) {
	ctx := context.Background()
	data := t.TempDir()
	root := filepath.Join(data, Dir)
	if err := os.MkdirAll(root, 0o755); err != nil {
		t.Fatal(err)
	}
	leftover := filepath.Join(root, "g1"+stagedDocs)
	if err := os.WriteFile(leftover, []byte("half a file"), 0o644); err != nil {
		t.Fatal(err)
	}
	b := seedBuild(t)
	idx, err := Write(ctx, data, b, memory.Options{})
	if err != nil {
		t.Fatal(err)
	}
	idx.Close()
	st, err := Open(ctx, data, b.Manifest.Embedder, corpus.ChunkOptions{}, memory.Options{})
	if err != nil {
		t.Fatal(err)
	}
	st.Index.Close()
	if got, want := len(st.Docs), len(b.Docs); got != want {
		t.Errorf("opened %d documents, want %d", got, want)
	}

	// A build that fails (its vectors cannot be had) stages nothing.
	b.Records = func(context.Context) ([]index.Record, error) { return nil, errors.New("embedder down") }
	if _, err := Write(ctx, data, b, memory.Options{}); err == nil {
		t.Fatal("Write with failing records: got no error")
	}
	entries, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), stagedDocs) {
			t.Errorf("%s left in the index folder", e.Name())
		}
	}
}
