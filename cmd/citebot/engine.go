package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/citebot/citebot/config"
	"github.com/citebot/citebot/corpus"
	"github.com/citebot/citebot/internal/datadir"
	"github.com/citebot/citebot/retrieval"
)

// loadCorpus reads the configured corpus folder, or the embedded default.
func loadCorpus(ctx context.Context, cfg config.Config, log *slog.Logger) ([]corpus.Document, []corpus.Skipped, error) {
	opts := cfg.Corpus.LoadOptions()
	opts.Logger, opts.PDFCacheDir = log, pdfCacheDir(cfg.DataDir)
	var docs []corpus.Document
	var skipped []corpus.Skipped
	var err error
	if cfg.Corpus.Dir == "" {
		docs, skipped, err = corpus.Load(ctx, corpus.Default(), opts)
	} else {
		docs, skipped, err = corpus.LoadDir(ctx, cfg.Corpus.Dir, opts)
	}
	// Report skips even when no document was left, as they may say why.
	logSkipped(ctx, log, skipped)
	if err != nil {
		return nil, skipped, err
	}
	return docs, skipped, nil
}

// pdfCacheDir is the folder in the data dir where the PDF reader keeps its
// compiled WebAssembly, so that only the first start pays for compiling
// it; "" (no cache) when there is no data dir.
func pdfCacheDir(dataDir string) string {
	if dataDir == "" {
		return ""
	}
	return filepath.Join(dataDir, "pdfium-cache")
}

// storeUse says how a command uses the index stored in the data dir.
type storeUse int

const (
	// noStore builds the index in memory and leaves the data dir alone.
	noStore storeUse = iota
	// readStore serves the stored index as it is when the corpus folder
	// has not changed since it was built (see retrieval.Open), without
	// reading the corpus; otherwise it is built as with buildStore.
	readStore
	// buildStore reads the corpus and brings the stored index up to date
	// with it, re-embedding only new text.
	buildStore
)

// buildEngine loads the corpus and builds the engine over it. With a
// store it reuses and updates the stored index in the data dir, holding
// the data dir's lock meanwhile, with the corpus the data dir records
// unless the command names another (see corpusFor). mods adjust the
// engine's options last (serve puts conversations in Redis with them).
func buildEngine(ctx context.Context, cfg config.Config, log *slog.Logger, use storeUse, progress func(int, int), mods ...func(*retrieval.Options)) (*retrieval.Engine, []corpus.Document, []corpus.Skipped, error) {
	persist := use != noStore
	if persist {
		unlock, err := datadir.Lock(ctx, cfg.DataDir, log)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("data dir %s: %w", cfg.DataDir, err)
		}
		defer unlock()
		if cfg, err = corpusFor(cfg, log); err != nil {
			return nil, nil, nil, err
		}
	}
	opts := retrieval.Options{
		Chunk:    cfg.Corpus.ChunkOptions(),
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
	var err error
	if opts.Index, err = openIndex(cfg, log); err != nil {
		return nil, nil, nil, err
	}
	for _, m := range mods {
		m(&opts)
	}
	if persist && opts.Index == nil && cfg.Corpus.Dir != "" {
		// Stamped before reading, so that a file changed while it is read
		// makes the next start read it again.
		if opts.Stamps, err = corpus.Stamps(ctx, cfg.Corpus.Dir); err != nil {
			return nil, nil, nil, err
		}
		if use == readStore {
			start := time.Now()
			eng, docs, err := retrieval.Open(ctx, cfg.Corpus.Dir, opts)
			if err == nil {
				log.Info("opened the stored index", "documents", len(docs), "chunks", eng.Stats().Chunks,
					"took", time.Since(start).Round(time.Millisecond))
				return eng, docs, nil, nil
			}
			if !errors.Is(err, retrieval.ErrStale) {
				return nil, nil, nil, err
			}
			log.Info("reading the corpus to bring the stored index up to date", "why", err)
		}
	}
	docs, skipped, err := loadCorpus(ctx, cfg, log)
	if err != nil {
		return nil, nil, nil, err
	}
	eng, err := retrieval.NewEngine(ctx, docs, opts)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("build index: %w", err)
	}
	if persist && eng.Stats().SaveError == "" {
		rec := datadir.Record{Corpus: datadir.AbsCorpus(cfg.Corpus.Dir), Built: time.Now().UTC()}
		if err := datadir.WriteRecord(cfg.DataDir, rec); err != nil {
			log.Warn("could not record the index's corpus in the data dir", "err", err)
		}
	}
	return eng, docs, skipped, nil
}

// corpusFor settles which corpus a command that uses the data dir's index
// reads. With no corpus named, it is the one the data dir's index was
// built from, so that `citebot ingest --corpus ./articles` then `citebot
// serve` serves the articles. A corpus other than the recorded one would
// silently replace the index, so it needs CITEBOT_REBUILD (--rebuild), and
// is then logged.
func corpusFor(cfg config.Config, log *slog.Logger) (config.Config, error) {
	rec, ok, err := datadir.ReadRecord(cfg.DataDir)
	if err != nil {
		log.Warn("the data dir's corpus record is unreadable; using the configured corpus", "err", err)
		return cfg, nil
	}
	if !ok {
		return cfg, nil
	}
	want := datadir.AbsCorpus(cfg.Corpus.Dir)
	switch {
	case cfg.Corpus.Dir == "" && !cfg.Corpus.Rebuild:
		if rec.Corpus != "" {
			log.Info("using the corpus the data dir's index was built from", "corpus", rec.Corpus, "data_dir", cfg.DataDir)
		}
		cfg.Corpus.Dir = rec.Corpus
	case datadir.SameCorpus(want, rec.Corpus):
	case cfg.Corpus.Rebuild:
		log.Warn("rebuilding the index from another corpus, as asked", "corpus", datadir.CorpusName(want),
			"was", rec.CorpusName(), "data_dir", cfg.DataDir)
	default:
		return cfg, fmt.Errorf("%w: the data dir %s holds the index of %s, not %s; pass --rebuild (or set CITEBOT_REBUILD=true) to replace it, or use another --data-dir",
			errUsage, cfg.DataDir, rec.CorpusName(), datadir.CorpusName(want))
	}
	return cfg, nil
}

// progressBar draws a one-line bar on w when w is a terminal, and nothing
// otherwise, so logs and pipes stay clean.
func progressBar(w io.Writer, label string) (update func(done, total int), finish func()) {
	if !isTerminal(w) {
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
