package retrieval

import (
	"context"
	"crypto/sha256"
	"fmt"
	"log/slog"
	"strings"

	"github.com/citebot/citebot"
	"github.com/citebot/citebot/corpus"
	"github.com/citebot/citebot/internal/store"
	"github.com/citebot/citebot/retrieval/embed"
	"github.com/citebot/citebot/retrieval/index"
	"github.com/citebot/citebot/retrieval/reader"
)

// embedBatch is how many texts go to the embedder at once.
const embedBatch = 256

// buildRecords returns a Record for every chunk. With a data dir it reuses
// the stored index's vectors for chunk text that has not changed under the
// same embedder, and embeds the rest. With learn set and the local
// embedder, it also returns the reader's statistics of every chunk,
// gathered from the tokens the embedder reads (reader.Learner): ingest
// then reads the corpus once for both; otherwise the statistics are nil.
func buildRecords(ctx context.Context, emb Embedder, docs []corpus.Document, chunks []corpus.Chunk,
	dataDir string, log *slog.Logger, progress func(int, int), learn bool) ([]index.Record, citebot.IngestStats, *reader.Stats, error) {
	stats := citebot.IngestStats{Files: len(docs), Chunks: len(chunks), Embedder: emb.Name()}
	files := make(map[string]string, len(docs))
	for _, d := range docs {
		files[d.Source] = d.Hash
	}

	var stored map[[32]byte][]float32
	if dataDir != "" {
		var was map[string]string
		var err error
		stored, was, err = store.Vectors(dataDir, emb.Name())
		switch {
		case err != nil && !store.Exists(dataDir):
			stats.Rebuilt = "no stored index"
		case err != nil:
			log.Warn("the stored index cannot be reused; embedding everything again", "err", err)
			stats.Rebuilt = strings.TrimPrefix(err.Error(), store.ErrStale.Error()+": ")
		default:
			for src, h := range files {
				if was[src] != h {
					stats.Changed++
				}
			}
			for src := range was {
				if _, ok := files[src]; !ok {
					stats.Removed++
				}
			}
		}
		if stats.Rebuilt != "" {
			stats.Changed = len(docs)
		}
	}

	recs := make([]index.Record, len(chunks))
	var todo, reused []int
	for i, c := range chunks {
		recs[i].Chunk = c
		if v, ok := stored[sha256.Sum256([]byte(c.Text))]; ok {
			recs[i].Vector = v
			stats.Reused++
			reused = append(reused, i)
			continue
		}
		todo = append(todo, i)
	}
	if progress != nil {
		progress(stats.Reused, len(chunks))
	}
	var ls learners
	if local, ok := emb.(embed.Local); ok && learn {
		ls = newLearners(local)
	}
	for b := 0; b < len(todo); b += embedBatch {
		idx := todo[b:min(b+embedBatch, len(todo))]
		var vecs [][]float32
		var err error
		if ls != nil {
			vecs, err = ls.embed(ctx, chunks, idx)
		} else {
			texts := make([]string, len(idx))
			for k, i := range idx {
				texts[k] = embed.Text(chunks[i])
			}
			vecs, err = emb.Embed(ctx, texts)
		}
		if err != nil {
			return nil, stats, nil, fmt.Errorf("embed chunks %s…: %w", chunks[idx[0]].ID, err)
		}
		if len(vecs) != len(idx) {
			return nil, stats, nil, fmt.Errorf("embed chunks %s…: got %d vectors for %d texts", chunks[idx[0]].ID, len(vecs), len(idx))
		}
		for k, i := range idx {
			recs[i].Vector = embed.Normalize(vecs[k])
		}
		stats.Embedded += len(idx)
		if progress != nil {
			progress(stats.Reused+stats.Embedded, len(chunks))
		}
	}
	if ls == nil {
		return recs, stats, nil, nil
	}
	// The chunks whose vectors were reused are learnt on their own.
	ls.learn(chunks, reused)
	return recs, stats, ls.stats(), nil
}
