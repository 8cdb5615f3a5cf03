package retrieval

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/citebot/citebot"
	"github.com/citebot/citebot/corpus"
	"github.com/citebot/citebot/internal/store"
	"github.com/citebot/citebot/retrieval/conversation"
	"github.com/citebot/citebot/retrieval/embed"
	"github.com/citebot/citebot/retrieval/index"
	"github.com/citebot/citebot/retrieval/index/memory"
	"github.com/citebot/citebot/retrieval/reader"
)

// ErrStale means the data dir holds no index that Open can serve as it
// is: none, one of another version, embedder or chunk size, a damaged
// one, or one of a corpus folder that has changed since. The caller reads
// the corpus and calls NewEngine, which rebuilds it.
var ErrStale = store.ErrStale

// Open returns an engine over the index stored in opts.DataDir, with the
// documents it was built from, when that index was built from the corpus
// folder dir as the folder is now: the same files, with the same sizes
// and modification times (opts.Stamps when set, else listed now). It
// reads no corpus file and rebuilds nothing. Otherwise it returns an
// error wrapping ErrStale that says why.
func Open(ctx context.Context, dir string, opts Options) (*Engine, []corpus.Document, error) {
	if opts.DataDir == "" || opts.Index != nil {
		return nil, nil, fmt.Errorf("%w: the engine keeps no index in a data dir", ErrStale)
	}
	// The folder is compared with the manifest before anything else is
	// read: a stale index costs a listing, not an opening.
	now := opts.Stamps
	if now == nil {
		var err error
		if now, err = corpus.Stamps(ctx, dir); err != nil {
			return nil, nil, fmt.Errorf("%w: %w", ErrStale, err)
		}
	}
	m, err := store.CurrentManifest(opts.DataDir)
	if err != nil {
		return nil, nil, err
	}
	if m.Files == nil || !slices.Equal(now, m.Files) {
		return nil, nil, fmt.Errorf("%w: the corpus folder changed since it was built", ErrStale)
	}
	e := newEngine(opts)
	st, err := store.Open(ctx, opts.DataDir, e.embed.Name(), opts.Chunk, e.openOptions())
	if err != nil {
		return nil, nil, err
	}
	if err := e.fromStored(st, opts); err != nil {
		e.Close()
		return nil, nil, err
	}
	return e, st.Docs, nil
}

// openOrStore opens the stored index when it holds exactly docs, and
// otherwise builds an index of docs, reusing the stored vectors of text
// it already embedded, and stores it as the new current build.
func (e *Engine) openOrStore(ctx context.Context, docs []corpus.Document, opts Options) error {
	st, openErr := store.Open(ctx, opts.DataDir, e.embed.Name(), opts.Chunk, e.openOptions())
	if openErr == nil {
		if sameDocuments(st.Docs, docs) {
			if opts.Stamps != nil && !slices.Equal(opts.Stamps, st.Manifest.Files) {
				// Touched files, or a folder moved: the next start
				// should not have to read them to know.
				if err := store.Restamp(opts.DataDir, opts.Stamps); err != nil {
					e.log.Warn("could not record the corpus folder's file times with the index", "err", err)
				}
			}
			return e.fromStored(st, opts)
		}
		st.Index.Close()
	}

	chunks := corpus.SplitAll(docs, opts.Chunk)
	// The longest chain of the build is bleve's, on one core (see
	// parallel.Spare); what the reader learns of the corpus is ready
	// when it ends if it runs on the other cores with the local
	// embedder, which is CPU work too: the embedder's pass gathers the
	// reader's statistics from the tokens it reads, and the rewriter
	// learns after it. A remote embedder mostly waits on the network, so
	// learning runs beside it.
	_, local := e.embed.(embed.Local)
	embedded := make(chan struct{})
	var embedOnce sync.Once
	embedDone := func() { embedOnce.Do(func() { close(embedded) }) }
	var learntWhileEmbedding *reader.Stats // set before embedded closes
	var learning sync.WaitGroup
	learning.Go(func() {
		if local {
			select {
			case <-embedded:
				if learntWhileEmbedding != nil {
					e.stats = learntWhileEmbedding
					e.rw = conversation.NewRewriter(e.stats, chunks)
					return
				}
			case <-ctx.Done():
			}
		}
		e.learn(chunks)
	})
	learnt := func() (*reader.Stats, *conversation.Rewriter) {
		learning.Wait()
		return e.stats, e.rw
	}
	defer learning.Wait()
	// Embedding runs inside Write, beside the indexing of the chunks' text.
	var stats citebot.IngestStats
	var embedErr error
	records := func(ctx context.Context) ([]index.Record, error) {
		var recs []index.Record
		recs, stats, learntWhileEmbedding, embedErr = buildRecords(ctx, e.embed, docs, chunks, opts.DataDir, e.log, opts.Progress, true)
		embedDone()
		return recs, embedErr
	}
	m := store.Manifest{Embedder: e.embed.Name(), Chunk: opts.Chunk, Built: time.Now().UTC(), Files: opts.Stamps}
	// Once stored, the vectors are read from the file: they need not
	// stay in memory through the BM25 build.
	idx, err := store.Write(ctx, opts.DataDir, store.Build{Manifest: m, Docs: docs, Chunks: chunks,
		Learnt: learnt, Records: records}, memory.Options{DropVectors: true})
	embedDone() // Write may fail before it embeds
	if embedErr != nil {
		return embedErr
	}
	if openErr != nil && stats.Rebuilt == "" && store.Exists(opts.DataDir) {
		// The vectors could be reused, but not the rest.
		stats.Rebuilt = strings.TrimPrefix(openErr.Error(), store.ErrStale.Error()+": ")
	}
	e.ingest = stats
	learnt()
	if rerr := e.newReader(opts); rerr != nil {
		if idx != nil {
			idx.Close()
		}
		return rerr
	}
	if err == nil {
		e.idx, e.closer = idx, idx
		return nil
	}
	if ctx.Err() != nil {
		return err
	}
	// Answering from memory beats not answering; ingest reports it.
	e.log.Warn("could not store the index; answering from memory", "err", err)
	saveErr := err.Error()
	// Write dropped the records' vectors, or failed before it had them;
	// the stored index, if any, still holds what it held, and the rest is
	// embedded again.
	recs, again, _, err := buildRecords(ctx, e.embed, docs, chunks, opts.DataDir, e.log, nil, false)
	if err != nil {
		return err
	}
	if e.ingest.Files == 0 {
		e.ingest = again
	}
	e.ingest.SaveError = saveErr
	mi, merr := memory.New(memory.Options{})
	if merr != nil {
		return merr
	}
	e.idx, e.closer = mi, mi
	if err := mi.Upsert(ctx, recs); err != nil {
		return fmt.Errorf("index chunks: %w", err)
	}
	return nil
}

// openOptions are the memory index's options for opening the stored
// index: the local embedder's questions are sparse, so its flat table is
// worth building before the first question.
func (e *Engine) openOptions() memory.Options {
	_, local := e.embed.(embed.Local)
	return memory.Options{SparseQuestions: local}
}

// fromStored takes everything the engine needs from st.
func (e *Engine) fromStored(st *store.Stored, opts Options) error {
	e.idx, e.closer = st.Index, st.Index
	e.stats, e.rw = st.Stats, st.Rewriter
	e.pages = newPageTable(st.Docs)
	if err := e.newReader(opts); err != nil {
		return err
	}
	e.ingest = citebot.IngestStats{Files: len(st.Docs), Chunks: len(st.Chunks), Reused: len(st.Chunks), Embedder: e.embed.Name()}
	return nil
}

// sameDocuments reports whether a and b are the same files with the same
// content, in the same order.
func sameDocuments(a, b []corpus.Document) bool {
	return slices.EqualFunc(a, b, func(x, y corpus.Document) bool { return x.Source == y.Source && x.Hash == y.Hash })
}
