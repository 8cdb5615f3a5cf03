package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"

	"golang.org/x/term"

	"github.com/citebot/citebot/config"
	"github.com/citebot/citebot/corpus"
	"github.com/citebot/citebot/retrieval"
)

// loadCorpus reads the configured corpus folder, or the embedded default.
func loadCorpus(ctx context.Context, cfg config.Config, log *slog.Logger) ([]corpus.Document, error) {
	opts := corpus.LoadOptions{Logger: log}
	var docs []corpus.Document
	var skipped []corpus.Skipped
	var err error
	if cfg.Corpus.Dir == "" {
		docs, skipped, err = corpus.Load(ctx, corpus.Default(), opts)
	} else {
		docs, skipped, err = corpus.LoadDir(ctx, cfg.Corpus.Dir, opts)
	}
	if err != nil {
		return nil, err
	}
	if len(skipped) > 0 {
		log.Info("corpus files skipped", "count", len(skipped))
	}
	return docs, nil
}

// buildEngine loads the corpus and builds the engine over it. persist
// reuses and updates the stored index in the data dir. mods adjust the
// engine's options last (serve puts conversations in Redis with them).
func buildEngine(ctx context.Context, cfg config.Config, log *slog.Logger, persist bool, progress func(int, int), mods ...func(*retrieval.Options)) (*retrieval.Engine, []corpus.Document, error) {
	docs, err := loadCorpus(ctx, cfg, log)
	if err != nil {
		return nil, nil, err
	}
	opts := retrieval.Options{
		Chunk:    corpus.ChunkOptions{Size: cfg.Corpus.ChunkSize, Overlap: cfg.Corpus.ChunkOverlap},
		Logger:   log,
		Progress: progress,
		// CITEBOT_EMBED_MODEL: chunks and questions embedded by the model
		// server (see llm.go); nil keeps the local embedder.
		Embedder: llmEmbedder(cfg.LLM, log),
	}
	if persist {
		opts.DataDir = cfg.DataDir
	}
	// CITEBOT_INDEX=weaviate: the engine syncs it by content hash.
	if opts.Index, err = openIndex(cfg, log); err != nil {
		return nil, nil, err
	}
	for _, m := range mods {
		m(&opts)
	}
	eng, err := retrieval.NewEngine(ctx, docs, opts)
	if err != nil {
		return nil, nil, fmt.Errorf("build index: %w", err)
	}
	return eng, docs, nil
}

// progressBar draws a one-line bar on w when w is a terminal, and nothing
// otherwise, so logs and pipes stay clean.
func progressBar(w io.Writer, label string) (update func(done, total int), finish func()) {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil, func() {}
	}
	drawn := false
	update = func(done, total int) {
		if total <= 0 {
			return
		}
		const width = 30
		n := done * width / total
		bar := make([]byte, width)
		for i := range bar {
			if i < n {
				bar[i] = '#'
			} else {
				bar[i] = '.'
			}
		}
		fmt.Fprintf(w, "\r%s [%s] %d/%d", label, bar, done, total)
		drawn = true
	}
	finish = func() {
		if drawn {
			fmt.Fprintln(w)
		}
	}
	return update, finish
}
