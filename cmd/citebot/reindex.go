package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/citebot/citebot/corpus"
	"github.com/citebot/citebot/internal/datadir"
	"github.com/citebot/citebot/internal/store"
	"github.com/citebot/citebot/internal/watch"
	"github.com/citebot/citebot/metrics"
	"github.com/citebot/citebot/retrieval"
)

// liveIndex keeps serve's index current with its corpus folder: it
// re-reads the files a watcher reports, builds a new engine over the
// updated documents (the stored vectors of unchanged chunks are reused,
// see retrieval.Options.DataDir), stores it in the data dir and swaps it
// in. It also picks up an index that `citebot ingest` rewrote in the data
// dir meanwhile.
type liveIndex struct {
	a       *app
	log     *slog.Logger
	dir     string            // the corpus folder
	dataDir string            // where the index is stored
	opts    retrieval.Options // the options of the first build
	load    corpus.LoadOptions
	quiet   time.Duration // watch.Options.Quiet
	metrics *metrics.Reindex

	// Only run's goroutine touches these.
	docs    []corpus.Document // the documents being served
	retry   []string          // paths of an update that failed, to read again with the next
	stored  os.FileInfo       // the stored index as this process last wrote or read it
	storedT time.Time
}

// storedIndex is the path of the index file in the data dir.
func (l *liveIndex) storedIndex() string { return store.CurrentPath(l.dataDir) }

// remember notes the stored index as it is now, so that only someone
// else's write of it counts as a change.
func (l *liveIndex) remember() {
	fi, err := os.Stat(l.storedIndex())
	if err != nil {
		l.stored, l.storedT = nil, time.Time{}
		return
	}
	l.stored, l.storedT = fi, fi.ModTime()
}

// run watches the corpus folder and the data dir until ctx ends, and
// applies each batch of changes in turn.
func (l *liveIndex) run(ctx context.Context) {
	l.remember()
	jobs := make(chan []string) // nil: the stored index changed
	send := func(paths []string) {
		select {
		case jobs <- paths:
		case <-ctx.Done():
		}
	}
	// Tests wait for both watches before they change files.
	var up sync.WaitGroup
	up.Add(2)
	go func() {
		up.Wait()
		close(l.a.watchReady)
	}()
	go func() {
		err := watch.Watch(ctx, l.dir, watch.Options{Quiet: l.quiet, Skip: corpus.Hidden, Logger: l.log, Ready: up.Done}, send)
		if err != nil {
			l.log.Error("cannot watch the corpus folder; changes reach answers only after a restart", "corpus", l.dir, "err", err)
		}
	}()
	go func() {
		// Only CURRENT changes when another process stores an index; the
		// generation folders it names are written before it.
		only := func(rel string) bool { return rel != store.Dir && rel != store.CurrentRel }
		err := watch.Watch(ctx, l.dataDir, watch.Options{Quiet: l.quiet, Skip: only, Logger: l.log, Ready: up.Done}, func([]string) { send(nil) })
		if err != nil {
			l.log.Warn("cannot watch the data dir; an ingest run beside serve is picked up only after a restart", "data_dir", l.dataDir, "err", err)
		}
	}()
	l.log.Info("watching the corpus folder for changes", "corpus", l.dir)
	for {
		select {
		case <-ctx.Done():
			return
		case paths := <-jobs:
			if paths == nil {
				l.ingested(ctx)
			} else {
				l.update(ctx, paths)
			}
		}
	}
}

// update re-reads the changed paths and swaps in an index over the
// result. On failure the index being served stays, and the paths are
// read again with the next change.
func (l *liveIndex) update(ctx context.Context, paths []string) {
	start := time.Now()
	paths = append(l.retry, paths...)
	l.retry = nil
	// Stamped before reading, as buildEngine does.
	stamps, err := corpus.Stamps(ctx, l.dir)
	if err != nil {
		l.fail(ctx, err, paths)
		return
	}
	docs, err := l.reread(ctx, paths)
	if err != nil {
		l.fail(ctx, err, paths)
		return
	}
	n := changedFiles(l.docs, docs)
	if n == 0 {
		return // a touch, or a file of a type the corpus does not read
	}
	l.metrics.Files(n)
	if err := l.swap(ctx, docs, stamps); err != nil {
		l.fail(ctx, err, paths)
		return
	}
	took := time.Since(start)
	l.metrics.Swapped(took)
	l.log.Info("corpus changed; index updated", "files", n, "documents", len(docs), "took", took.Round(time.Millisecond))
}

func (l *liveIndex) reread(ctx context.Context, paths []string) ([]corpus.Document, error) {
	root, err := os.OpenRoot(l.dir)
	if err != nil {
		return nil, fmt.Errorf("corpus folder %s: %w", l.dir, err)
	}
	defer root.Close()
	docs, skipped, err := corpus.Reload(ctx, root.FS(), l.docs, paths, l.load)
	logSkipped(ctx, l.log, skipped)
	if errors.Is(err, corpus.ErrNoDocuments) {
		return nil, fmt.Errorf("no documents left in %s; the last index stays until one is added", l.dir)
	}
	return docs, err
}

func (l *liveIndex) fail(ctx context.Context, err error, paths []string) {
	if ctx.Err() != nil {
		return // shutting down
	}
	l.retry = paths
	l.metrics.Failure()
	l.log.Error("could not update the index; still answering from the one before", "err", err)
}

// ingested loads the index another process (citebot ingest) stored in the
// data dir, after reading the corpus folder again in full.
func (l *liveIndex) ingested(ctx context.Context) {
	fi, err := os.Stat(l.storedIndex())
	if err != nil || (l.stored != nil && os.SameFile(fi, l.stored) && fi.ModTime().Equal(l.storedT) && fi.Size() == l.stored.Size()) {
		return // removed, or this process's own write
	}
	l.stored, l.storedT = fi, fi.ModTime()
	if rec, ok, err := datadir.ReadRecord(l.dataDir); err == nil && ok && !datadir.SameCorpus(rec.Corpus, datadir.AbsCorpus(l.dir)) {
		l.log.Warn("the data dir's index was rebuilt from another corpus; restart serve to serve it",
			"corpus", rec.CorpusName(), "serving", l.dir)
		return
	}
	start := time.Now()
	unlock, err := datadir.Lock(ctx, l.dataDir, l.log)
	if err != nil {
		l.fail(ctx, fmt.Errorf("data dir %s: %w", l.dataDir, err), []string{"."})
		return
	}
	opts := l.opts
	opts.Stamps = nil // the folder as it is now, not at the first build
	eng, docs, err := retrieval.Open(ctx, l.dir, opts)
	unlock()
	if err != nil {
		// The stored index is not of the folder as it is now: read the
		// folder and bring the index up to date with it.
		l.log.Info("the data dir's index was updated by another process, but not for the corpus folder as it is now; reading it", "why", err)
		stamps, lerr := corpus.Stamps(ctx, l.dir)
		if lerr == nil {
			var skipped []corpus.Skipped
			docs, skipped, lerr = corpus.LoadDir(ctx, l.dir, l.load)
			logSkipped(ctx, l.log, skipped)
		}
		if lerr == nil {
			l.metrics.Files(len(docs))
			lerr = l.swap(ctx, docs, stamps)
		}
		if lerr != nil {
			l.fail(ctx, lerr, []string{"."})
			return
		}
	} else {
		l.metrics.Files(len(docs))
		l.docs = docs
		l.a.install(eng, docs)
		l.a.metrics.Serving(eng.Stats())
	}
	took := time.Since(start)
	l.metrics.Swapped(took)
	l.log.Info("the data dir's index was updated by another process; loaded it", "documents", len(docs), "took", took.Round(time.Millisecond))
}

// swap builds an engine over docs, holding the data dir's lock as every
// build does, and puts it in service.
func (l *liveIndex) swap(ctx context.Context, docs []corpus.Document, stamps []corpus.FileStamp) error {
	unlock, err := datadir.Lock(ctx, l.dataDir, l.log)
	if err != nil {
		return fmt.Errorf("data dir %s: %w", l.dataDir, err)
	}
	defer unlock()
	opts := l.opts
	opts.Stamps = stamps
	eng, err := retrieval.NewEngine(ctx, docs, opts)
	if err != nil {
		return fmt.Errorf("build index: %w", err)
	}
	if s := eng.Stats(); s.SaveError == "" {
		rec := datadir.Record{Corpus: datadir.AbsCorpus(l.dir), Built: time.Now().UTC()}
		if err := datadir.WriteRecord(l.dataDir, rec); err != nil {
			l.log.Warn("could not record the index's corpus in the data dir", "err", err)
		}
	}
	l.remember()
	l.docs = docs
	l.a.install(eng, docs)
	l.a.metrics.Serving(eng.Stats())
	return nil
}

// changedFiles counts the documents added, changed or removed between
// two versions of the corpus.
func changedFiles(old, cur []corpus.Document) int {
	was := make(map[string]string, len(old))
	for _, d := range old {
		was[d.Source] = d.Hash
	}
	n := 0
	for _, d := range cur {
		if h, ok := was[d.Source]; !ok || h != d.Hash {
			n++
		}
		delete(was, d.Source)
	}
	return n + len(was)
}

// liveIndex returns the watcher of the corpus serve loaded, or nil when
// there is nothing to watch: watching is off, or the corpus is the
// embedded one. With Weaviate, each update brings the shared class up to
// date by content hash (see retrieval's syncIndex) before the new engine
// is swapped in.
func (a *app) liveIndex(opts retrieval.Options, docs []corpus.Document) *liveIndex {
	dir := a.cfg.Corpus.Dir
	if dir == "" {
		// serve with no corpus named serves the one the data dir records.
		if rec, ok, err := datadir.ReadRecord(a.cfg.DataDir); err == nil && ok {
			dir = rec.Corpus
		}
	}
	switch {
	case !a.cfg.Corpus.Watch:
		a.log.Info("not watching the corpus folder (CITEBOT_WATCH=false)")
		return nil
	case dir == "":
		return nil // the embedded articles never change
	}
	load := a.cfg.Corpus.LoadOptions()
	load.Logger, load.PDFCacheDir = a.log, pdfCacheDir(a.cfg.DataDir)
	return &liveIndex{a: a, log: a.log, dir: dir, dataDir: a.cfg.DataDir, opts: opts, load: load, quiet: a.watchQuiet, metrics: a.reindex, docs: docs}
}
