package retrieval_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/citebot/citebot"
	"github.com/citebot/citebot/internal/fakeopenai"
	"github.com/citebot/citebot/retrieval"
	"github.com/citebot/citebot/retrieval/embed"
)

func TestEmbeddingModelChangeReembeds(t *testing.T) {
	f := fakeopenai.New(t)
	_, docs := defaultEngine(t)
	dir := t.TempDir()
	ingest := func(model string) citebot.IngestStats {
		t.Helper()
		eng, err := retrieval.NewEngine(context.Background(), docs, retrieval.Options{
			Embedder: f.Embedder(model, embed.OpenAIOptions{BatchSize: 8}),
			DataDir:  dir,
		})
		if err != nil {
			t.Fatal(err)
		}
		defer eng.Close()
		ans, err := eng.Answer(context.Background(), citebot.Question{Text: estoniaQ})
		if err != nil || !strings.Contains(ans.Text, "2004") {
			t.Fatalf("with %s: got %q, %v; want an answer with 2004", model, ans.Text, err)
		}
		return eng.Stats()
	}
	chunkTexts := func(model string) int {
		n := 0
		for _, r := range f.EmbedRequests() {
			for _, in := range r.Input {
				if string(r.Model) == model && in != estoniaQ {
					n++
				}
			}
		}
		return n
	}

	s := ingest("embed-a")
	if s.Embedded != s.Chunks || s.Embedder != "openai/embed-a" {
		t.Fatalf("first ingest: got %+v, want every chunk embedded by openai/embed-a", s)
	}
	if got := chunkTexts("embed-a"); got != s.Chunks {
		t.Errorf("first ingest sent %d chunk texts, want %d", got, s.Chunks)
	}

	s = ingest("embed-a")
	if s.Embedded != 0 || s.Reused != s.Chunks {
		t.Errorf("restart with the same model: got %+v, want every vector reused", s)
	}
	if got := chunkTexts("embed-a"); got != s.Chunks {
		t.Errorf("restart re-sent chunks: %d chunk texts in all, want still %d", got, s.Chunks)
	}

	s = ingest("embed-b")
	if s.Embedded != s.Chunks || s.Reused != 0 || !strings.Contains(s.Rebuilt, "openai/embed-a") {
		t.Errorf("model change: got %+v, want everything re-embedded and the old model named", s)
	}
	if got := chunkTexts("embed-b"); got != s.Chunks {
		t.Errorf("model change sent %d chunk texts to embed-b, want %d", got, s.Chunks)
	}
}

func TestQuestionEmbeddingsAreCached(t *testing.T) {
	f := fakeopenai.New(t)
	_, docs := defaultEngine(t)
	eng, err := retrieval.NewEngine(context.Background(), docs, retrieval.Options{Embedder: f.Embedder("embed-a", embed.OpenAIOptions{})})
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	asked := func() int {
		n := 0
		for _, r := range f.EmbedRequests() {
			for _, in := range r.Input {
				if in == estoniaQ {
					n++
				}
			}
		}
		return n
	}
	for range 3 {
		if _, err := eng.Answer(context.Background(), citebot.Question{Text: estoniaQ}); err != nil {
			t.Fatal(err)
		}
	}
	if got := asked(); got != 1 {
		t.Errorf("the question was embedded %d times for 3 asks, want 1", got)
	}
}

func TestEngineSearchesByWordsWhenEmbeddingFails(t *testing.T) {
	f := fakeopenai.New(t)
	_, docs := defaultEngine(t)
	var stages []string
	eng, err := retrieval.NewEngine(context.Background(), docs, retrieval.Options{
		Embedder:  f.Embedder("embed-a", embed.OpenAIOptions{Retries: -1}),
		OnDegrade: func(_ context.Context, stage, reason string) { stages = append(stages, stage+"/"+reason) },
	})
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	f.SetEmbedStatus(func(int) int { return http.StatusServiceUnavailable }) // the server goes down
	ans, err := eng.Answer(context.Background(), citebot.Question{Text: estoniaQ})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(ans.Text, "2004") {
		t.Errorf("got %q, want the answer found by words alone", ans.Text)
	}
	if strings.Join(stages, ",") != "embed/error" {
		t.Errorf("OnDegrade got %v, want embed/error", stages)
	}
}

// TestEngineSearchesByWordsWhenTheVectorSizeChanges checks that when the
// model server starts answering with vectors of another size than the
// index's (another model behind the same name), questions are still
// answered, by words, instead of failing.
func TestEngineSearchesByWordsWhenTheVectorSizeChanges(t *testing.T) {
	f := fakeopenai.New(t)
	_, docs := defaultEngine(t)
	var stages []string
	eng, err := retrieval.NewEngine(context.Background(), docs, retrieval.Options{
		Embedder:  f.Embedder("embed-a", embed.OpenAIOptions{}),
		OnDegrade: func(_ context.Context, stage, reason string) { stages = append(stages, stage+"/"+reason) },
	})
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	f.SetDims(48) // the index holds 64
	ans, err := eng.Answer(context.Background(), citebot.Question{Text: estoniaQ})
	if err != nil {
		t.Fatalf("got error %v, want an answer found by words", err)
	}
	if !strings.Contains(ans.Text, "2004") {
		t.Errorf("got %q, want the answer found by words alone", ans.Text)
	}
	if strings.Join(stages, ",") != "embed/error" {
		t.Errorf("OnDegrade got %v, want embed/error", stages)
	}
}
