package embed

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/citebot/citebot"
	"github.com/citebot/citebot/internal/retry"
	openai "github.com/sashabaranov/go-openai"
	"golang.org/x/sync/errgroup"
)

// Defaults for OpenAIOptions.
const (
	DefaultEmbedBatchSize   = 64
	DefaultEmbedConcurrency = 2
	DefaultEmbedRetries     = 4
	DefaultEmbedBackoff     = 500 * time.Millisecond
	DefaultEmbedTimeout     = 30 * time.Second
)

// maxEmbedBackoff caps one wait between retries, however many came before.
const maxEmbedBackoff = 20 * time.Second

// OpenAIOptions tunes an OpenAI embedder. Zero values use the
// defaults above.
type OpenAIOptions struct {
	// BatchSize is the number of texts sent in one embeddings request.
	BatchSize int
	// Concurrency is the number of requests in flight at once.
	Concurrency int
	// Retries is how often a request that failed with 429 or 5xx (or did
	// not reach the server) is retried; negative means never.
	Retries int
	// Backoff is the first wait before a retry; each later wait doubles,
	// with jitter, up to 20s.
	Backoff time.Duration
	// Timeout bounds one request.
	Timeout time.Duration
	// Dimensions asks models that support it (text-embedding-3-*) for
	// shorter vectors; zero leaves the model's own size. It is part of
	// Name, since vectors of different sizes cannot be mixed.
	Dimensions int
	// Logger receives retry warnings; nil means slog.Default().
	Logger *slog.Logger
	// OnRequest, when set, is called after each embeddings request, retries
	// included, with its duration and error. For metrics.
	OnRequest func(ctx context.Context, took time.Duration, err error)
}

// OpenAI embeds texts through an OpenAI-compatible /embeddings
// endpoint (OpenAI, Ollama, vLLM, LocalAI, llama.cpp server), many texts
// per request, a bounded number of requests at a time, retrying rate
// limits and server errors with exponential backoff. It is safe for
// concurrent use.
type OpenAI struct {
	client *openai.Client
	model  string
	opts   OpenAIOptions
	log    *slog.Logger
}

// NewOpenAI returns an embedder that calls model through client.
// It makes no network calls.
func NewOpenAI(client *openai.Client, model string, opts OpenAIOptions) *OpenAI {
	if opts.BatchSize <= 0 {
		opts.BatchSize = DefaultEmbedBatchSize
	}
	if opts.Concurrency <= 0 {
		opts.Concurrency = DefaultEmbedConcurrency
	}
	if opts.Retries == 0 {
		opts.Retries = DefaultEmbedRetries
	}
	if opts.Retries < 0 {
		opts.Retries = 0
	}
	if opts.Backoff <= 0 {
		opts.Backoff = DefaultEmbedBackoff
	}
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultEmbedTimeout
	}
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	return &OpenAI{client: client, model: model, opts: opts, log: log}
}

// Name identifies the model, so that an index built with another model
// (or another vector size) is re-embedded rather than mixed.
func (e *OpenAI) Name() string {
	if e.opts.Dimensions > 0 {
		return fmt.Sprintf("openai/%s/%d", e.model, e.opts.Dimensions)
	}
	return "openai/" + e.model
}

// Embed returns one unit vector per text, in order. Texts go out in
// batches of BatchSize, Concurrency batches at a time; the first batch
// that fails for good cancels the rest.
func (e *OpenAI) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, len(texts))
	if len(texts) == 0 {
		return out, nil
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(e.opts.Concurrency)
	for start := 0; start < len(texts) && gctx.Err() == nil; start += e.opts.BatchSize {
		end := min(start+e.opts.BatchSize, len(texts))
		g.Go(func() error {
			vecs, err := e.embedBatch(gctx, texts[start:end])
			if err != nil {
				return fmt.Errorf("embed texts %d–%d of %d: %w", start+1, end, len(texts), err)
			}
			copy(out[start:end], vecs)
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("embed: %w", err)
	}
	return out, nil
}

// embedBatch sends one request, retrying what is worth retrying.
func (e *OpenAI) embedBatch(ctx context.Context, texts []string) ([][]float32, error) {
	var vecs [][]float32
	_, err := retry.Policy{
		Retries: e.opts.Retries, First: e.opts.Backoff, Max: maxEmbedBackoff, Jitter: true,
		Retryable: retryable,
		OnRetry: func(attempt int, wait time.Duration, err error) {
			e.log.Warn("embeddings request failed; retrying", "model", e.model, "attempt", attempt,
				"wait", wait.Round(time.Millisecond), "err", err)
		},
	}.Do(ctx, func(ctx context.Context) error {
		var err error
		vecs, err = e.request(ctx, texts)
		return err
	})
	if err != nil {
		return nil, err
	}
	return vecs, nil
}

func (e *OpenAI) request(ctx context.Context, texts []string) (_ [][]float32, err error) {
	if e.opts.OnRequest != nil {
		start := time.Now()
		defer func() { e.opts.OnRequest(ctx, time.Since(start), err) }()
	}
	ctx, cancel := context.WithTimeout(ctx, e.opts.Timeout)
	defer cancel()
	resp, err := e.client.CreateEmbeddings(ctx, openai.EmbeddingRequestStrings{
		Input:      texts,
		Model:      openai.EmbeddingModel(e.model),
		Dimensions: e.opts.Dimensions,
	})
	if err != nil {
		return nil, err
	}
	if len(resp.Data) != len(texts) {
		return nil, badResponse(fmt.Sprintf("server returned %d embeddings for %d texts", len(resp.Data), len(texts)))
	}
	// The API tags each vector with the index of its input; servers are
	// not bound to answer in order.
	out := make([][]float32, len(texts))
	dim := 0
	for _, d := range resp.Data {
		if d.Index < 0 || d.Index >= len(texts) || out[d.Index] != nil {
			return nil, badResponse(fmt.Sprintf("server returned an embedding with bad or repeated index %d", d.Index))
		}
		if len(d.Embedding) == 0 {
			return nil, badResponse(fmt.Sprintf("server returned an empty embedding for text %d", d.Index))
		}
		if dim == 0 {
			dim = len(d.Embedding)
		} else if len(d.Embedding) != dim {
			return nil, badResponse(fmt.Sprintf("server returned embeddings of %d and %d dimensions", dim, len(d.Embedding)))
		}
		out[d.Index] = Normalize(d.Embedding)
	}
	return out, nil
}

// retryable reports whether a failed model request may succeed if sent
// again: rate limits, server errors, and requests that never got an answer.
func retryable(err error) bool {
	var bad badResponse
	if errors.Is(err, context.Canceled) || errors.As(err, &bad) {
		return false
	}
	switch status := HTTPStatus(err); {
	case status == 0:
		return true // transport error or per-request timeout
	case status == http.StatusTooManyRequests, status == http.StatusRequestTimeout, status >= 500:
		return true
	}
	return false
}

// HTTPStatus is the HTTP status of a failed go-openai call, 0 if the call
// got no HTTP answer.
func HTTPStatus(err error) int {
	var apiErr *openai.APIError
	if errors.As(err, &apiErr) {
		return apiErr.HTTPStatusCode
	}
	var reqErr *openai.RequestError
	if errors.As(err, &reqErr) {
		return reqErr.HTTPStatusCode
	}
	return 0
}

// badResponse is a reply that arrived but makes no sense; sending the same
// request again would not fix it.
type badResponse string

func (b badResponse) Error() string { return string(b) }

// FailureReason classifies a failed model call for metrics and notes:
// citebot.ReasonTimeout when it ran out of time, ReasonRateLimited when the
// server answered 429, else ReasonError.
func FailureReason(err error) string {
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return citebot.ReasonTimeout
	case HTTPStatus(err) == http.StatusTooManyRequests:
		return citebot.ReasonRateLimited
	}
	return citebot.ReasonError
}
