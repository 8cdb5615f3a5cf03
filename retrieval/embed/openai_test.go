package embed_test

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/citebot/citebot/internal/fakeopenai"
	"github.com/citebot/citebot/retrieval/embed"
)

func texts(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("text number %d about bridge %d", i, i*7)
	}
	return out
}

func TestOpenAIEmbedderBatchesInOrderAndNormalises(t *testing.T) {
	f := fakeopenai.New(t)
	emb := f.Embedder("embed-a", embed.OpenAIOptions{BatchSize: 4, Concurrency: 2})
	in := texts(10)
	vecs, err := emb.Embed(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	if len(vecs) != len(in) {
		t.Fatalf("got %d vectors, want %d", len(vecs), len(in))
	}
	for i, v := range vecs {
		if n := fakeopenai.Norm(v); math.Abs(n-1) > 1e-5 {
			t.Errorf("vector %d has norm %.6f, want 1", i, n)
		}
		// The fake answers each batch in reverse order; the vector must
		// still belong to its text.
		want := fakeopenai.Vector("embed-a", in[i])
		scale := float32(1 / fakeopenai.Norm(want))
		for k := range v {
			if math.Abs(float64(v[k]-want[k]*scale)) > 1e-5 {
				t.Fatalf("vector %d is not the embedding of %q", i, in[i])
			}
		}
	}
	reqs := f.EmbedRequests()
	if len(reqs) != 3 {
		t.Fatalf("got %d requests, want 3 batches of at most 4", len(reqs))
	}
	seen := 0
	for _, r := range reqs {
		if len(r.Input) > 4 || r.Model != "embed-a" {
			t.Errorf("request of %d texts for model %q, want at most 4 for embed-a", len(r.Input), r.Model)
		}
		seen += len(r.Input)
	}
	if seen != len(in) {
		t.Errorf("sent %d texts, want %d", seen, len(in))
	}
}

func TestOpenAIEmbedderBoundsConcurrency(t *testing.T) {
	f := fakeopenai.New(t)
	const limit = 3
	var inflight, peak atomic.Int32
	var once sync.Once
	full := make(chan struct{})
	f.EmbedHook = func(r *http.Request) {
		n := inflight.Add(1)
		defer inflight.Add(-1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		if n == limit {
			once.Do(func() { close(full) })
		}
		// Hold every request until the limit has been reached once, so
		// that a sequential embedder fails rather than passes.
		select {
		case <-full:
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
	}
	emb := f.Embedder("embed-a", embed.OpenAIOptions{BatchSize: 2, Concurrency: limit})
	if _, err := emb.Embed(context.Background(), texts(20)); err != nil {
		t.Fatal(err)
	}
	if got := peak.Load(); got != limit {
		t.Errorf("peak concurrency %d, want %d", got, limit)
	}
}

func TestOpenAIEmbedderRetries(t *testing.T) {
	tests := []struct {
		name     string
		statuses []int // per attempt; the rest succeed
		retries  int
		wantErr  bool
		attempts int
	}{
		{"rate limited then ok", []int{429, 429}, 3, false, 3},
		{"server errors then ok", []int{500, 503}, 3, false, 3},
		{"bad request is not retried", []int{400}, 3, true, 1},
		{"gives up after retries", []int{500, 500, 500, 500}, 2, true, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := fakeopenai.New(t)
			f.EmbedStatus = func(n int) int {
				if n < len(tt.statuses) {
					return tt.statuses[n]
				}
				return http.StatusOK
			}
			emb := f.Embedder("embed-a", embed.OpenAIOptions{Retries: tt.retries})
			_, err := emb.Embed(context.Background(), texts(3))
			if (err != nil) != tt.wantErr {
				t.Fatalf("got err %v, want error %v", err, tt.wantErr)
			}
			if got := len(f.EmbedRequests()); got != tt.attempts {
				t.Errorf("got %d attempts, want %d", got, tt.attempts)
			}
		})
	}
}

func TestOpenAIEmbedderName(t *testing.T) {
	f := fakeopenai.New(t)
	a := f.Embedder("embed-a", embed.OpenAIOptions{})
	b := f.Embedder("embed-b", embed.OpenAIOptions{})
	c := f.Embedder("embed-a", embed.OpenAIOptions{Dimensions: 256})
	if a.Name() == b.Name() || a.Name() == c.Name() || !strings.Contains(a.Name(), "embed-a") {
		t.Errorf("names %q, %q, %q must name the model and differ", a.Name(), b.Name(), c.Name())
	}
}

// TestEmbeddingModelChangeReembeds shows that the stored index remembers
// the model: the same model reuses every vector, another model re-embeds
// everything rather than mixing vectors.
// ExampleNewOpenAI embeds with a local Ollama server.
func ExampleNewOpenAI() {
	cfg := openai.DefaultConfig("") // Ollama needs no key
	cfg.BaseURL = "http://localhost:11434/v1"
	emb := embed.NewOpenAI(openai.NewClientWithConfig(cfg), "nomic-embed-text",
		embed.OpenAIOptions{BatchSize: 64, Concurrency: 2})
	fmt.Println(emb.Name())
	// Output: openai/nomic-embed-text
}
