package main

import (
	"context"
	"log/slog"
	"net/url"
	"time"

	"github.com/citebot/citebot"
	"github.com/citebot/citebot/config"
	"github.com/citebot/citebot/metrics"
	"github.com/citebot/citebot/retrieval"
	"github.com/citebot/citebot/retrieval/embed"
	"github.com/citebot/citebot/retrieval/generate"
)

// llmEmbedder returns the model embedder when CITEBOT_EMBED_MODEL is set,
// and nil otherwise, which leaves the engine its local embedder.
func llmEmbedder(c config.LLM, log *slog.Logger) retrieval.Embedder {
	if !c.Embeddings() {
		return nil
	}
	return embed.NewOpenAI(embed.NewClient(c.BaseURL, c.APIKey.Reveal()), c.EmbedModel, embed.OpenAIOptions{
		BatchSize:   c.EmbedBatchSize,
		Concurrency: c.EmbedConcurrency,
		Timeout:     c.Timeout,
		Logger:      log,
		OnRequest: func(ctx context.Context, _ time.Duration, err error) {
			if err != nil {
				metrics.ObserveLLMError(ctx, "embed")
			}
		},
	})
}

// llmAnswerer wraps eng in a Generator when CITEBOT_CHAT_MODEL is set, and
// returns eng itself otherwise.
func llmAnswerer(c config.LLM, eng *retrieval.Engine, log *slog.Logger) citebot.StreamAnswerer {
	if !c.Generation() {
		return eng
	}
	return generate.New(eng, embed.NewClient(c.BaseURL, c.APIKey.Reveal()), c.ChatModel, generate.Options{
		Timeout:         c.Timeout,
		MaxAnswerTokens: c.MaxAnswerTokens,
		MaxAnswerChars:  c.MaxAnswerChars,
		ContextTokens:   c.ContextTokens,
		Logger:          log,
		OnModelCall: func(ctx context.Context, _ string, took time.Duration, err error) {
			metrics.ObserveStage(ctx, metrics.StageGeneration, took)
			if err != nil {
				metrics.ObserveLLMError(ctx, "chat")
			}
		},
	})
}

// logLLMMode says which parts of answering use a model, and which models;
// never the API key.
func logLLMMode(log *slog.Logger, c config.LLM) {
	mode := c.Mode()
	if mode == config.LLMOffline {
		log.Info("answer mode", "llm", mode, "embedder", "local", "answers", "extractive")
		return
	}
	attrs := []any{"llm", mode, "base_url", redactURL(c.BaseURL)}
	if c.Embeddings() {
		attrs = append(attrs, "embed_model", c.EmbedModel)
	}
	if c.Generation() {
		attrs = append(attrs, "chat_model", c.ChatModel, "timeout", c.Timeout)
	}
	log.Info("answer mode", attrs...)
}

// redactURL hides any password and query (which may carry a key) in u.
func redactURL(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return "(unparsable)"
	}
	p.RawQuery = ""
	return p.Redacted()
}

// chatStreamInterval is how often a chat adapter edits an answer while the
// model writes it: every when a chat model is configured, never offline,
// where the answer arrives whole.
func chatStreamInterval(c config.LLM, every time.Duration) time.Duration {
	if !c.Generation() {
		return 0
	}
	return every
}

// observeStreams wraps a for adapter so that the Observer counts, times and
// logs each question, streamed or not. (metrics.Observer.Wrap gives only
// Answer, which would hide AnswerStream from the adapter.)
func observeStreams(o *metrics.Observer, a citebot.StreamAnswerer, adapter string) citebot.StreamAnswerer {
	return observed{o: o, a: a, adapter: adapter}
}

type observed struct {
	o       *metrics.Observer
	a       citebot.StreamAnswerer
	adapter string
}

func (w observed) Answer(ctx context.Context, q citebot.Question) (citebot.Answer, error) {
	return w.o.Answer(ctx, w.a, w.adapter, q)
}

func (w observed) AnswerStream(ctx context.Context, q citebot.Question, delta func(string)) (citebot.Answer, error) {
	return w.o.Answer(ctx, streamCall{w.a, delta}, w.adapter, q)
}

// streamCall is one streamed question as a plain Answerer, for the Observer.
type streamCall struct {
	a     citebot.StreamAnswerer
	delta func(string)
}

func (s streamCall) Answer(ctx context.Context, q citebot.Question) (citebot.Answer, error) {
	return s.a.AnswerStream(ctx, q, s.delta)
}
