package readerfit

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"testing"

	"github.com/citebot/citebot/corpus"
	"github.com/citebot/citebot/retrieval"
	"github.com/citebot/citebot/retrieval/reader"
)

func TestDiagSeed(t *testing.T) {
	ctx := context.Background()
	docs, _, err := corpus.Load(ctx, corpus.Default(), corpus.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	_ = fs.ValidPath
	var chunks []corpus.Chunk
	chunks = corpus.SplitAll(docs, corpus.ChunkOptions{})
	eng, _ := retrieval.NewEngine(ctx, docs, retrieval.Options{})
	r, _ := reader.New(reader.Learn(chunks), reader.Options{})
	for _, q := range []string{os.Getenv("Q")} {
		ps, _ := eng.Retrieve(ctx, q)
		fmt.Println(r.DebugSpans(q, ps, 8))
	}
}

func TestDiagSeedSentences(t *testing.T) {
	ctx := context.Background()
	docs, _, _ := corpus.Load(ctx, corpus.Default(), corpus.LoadOptions{})
	chunks := corpus.SplitAll(docs, corpus.ChunkOptions{})
	eng, _ := retrieval.NewEngine(ctx, docs, retrieval.Options{})
	r, _ := reader.New(reader.Learn(chunks), reader.Options{})
	q := os.Getenv("Q")
	ps, _ := eng.Retrieve(ctx, q)
	fmt.Println(r.Debug(q, ps, []string{os.Getenv("A")}))
}
