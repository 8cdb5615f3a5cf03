package retrieval

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"path/filepath"

	"github.com/citebot/citebot"
	"github.com/citebot/citebot/corpus"
	"github.com/citebot/citebot/internal/snapshot"
	"github.com/citebot/citebot/retrieval/embed"
	"github.com/citebot/citebot/retrieval/index"
)

// embedBatch is how many texts go to the embedder at once.
const embedBatch = 256

// buildRecords returns a Record for every chunk. With a data dir it reuses
// stored vectors for chunk text that has not changed under the same
// embedder, embeds the rest, and saves the new snapshot atomically.
func buildRecords(ctx context.Context, emb Embedder, docs []corpus.Document, chunks []corpus.Chunk,
	dataDir string, _ corpus.ChunkOptions, log *slog.Logger, progress func(int, int)) ([]index.Record, citebot.IngestStats, error) {
	stats := citebot.IngestStats{Files: len(docs), Chunks: len(chunks), Embedder: emb.Name()}
	files := make(map[string]string, len(docs))
	for _, d := range docs {
		files[d.Source] = d.Hash
	}

	stored := map[[32]byte][]float32{}
	if dataDir != "" {
		snapshot.RemoveStaleTemps(dataDir, log)
		snap, err := snapshot.Load(filepath.Join(dataDir, snapshot.File))
		switch {
		case errors.Is(err, fs.ErrNotExist):
			stats.Rebuilt = "no stored index"
		case err != nil:
			log.Error("stored index unreadable; rebuilding from the corpus", "err", err)
			stats.Rebuilt = "stored index unreadable"
		case snap.Embedder != emb.Name():
			log.Info("embedder changed; re-embedding everything", "was", snap.Embedder, "now", emb.Name())
			stats.Rebuilt = fmt.Sprintf("embedder changed from %s", snap.Embedder)
		default:
			for _, r := range snap.Records {
				stored[sha256.Sum256([]byte(r.Chunk.Text))] = r.Vector
			}
			for src, h := range files {
				if snap.Files[src] != h {
					stats.Changed++
				}
			}
			for src := range snap.Files {
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
	var todo []int
	for i, c := range chunks {
		recs[i].Chunk = c
		if v, ok := stored[sha256.Sum256([]byte(c.Text))]; ok {
			recs[i].Vector = v
			stats.Reused++
			continue
		}
		todo = append(todo, i)
	}
	if progress != nil {
		progress(stats.Reused, len(chunks))
	}
	for b := 0; b < len(todo); b += embedBatch {
		idx := todo[b:min(b+embedBatch, len(todo))]
		texts := make([]string, len(idx))
		for k, i := range idx {
			texts[k] = embed.Text(chunks[i])
		}
		vecs, err := emb.Embed(ctx, texts)
		if err != nil {
			return nil, stats, fmt.Errorf("embed chunks %s…: %w", chunks[idx[0]].ID, err)
		}
		if len(vecs) != len(idx) {
			return nil, stats, fmt.Errorf("embed chunks %s…: got %d vectors for %d texts", chunks[idx[0]].ID, len(vecs), len(idx))
		}
		for k, i := range idx {
			recs[i].Vector = embed.Normalize(vecs[k])
		}
		stats.Embedded += len(idx)
		if progress != nil {
			progress(stats.Reused+stats.Embedded, len(chunks))
		}
	}

	if dataDir != "" && (stats.Embedded > 0 || stats.Changed > 0 || stats.Removed > 0 || stats.Rebuilt != "") {
		if err := snapshot.Save(filepath.Join(dataDir, snapshot.File), snapshot.Snapshot{Embedder: emb.Name(), Files: files, Records: recs}); err != nil {
			// Answering from memory beats not answering; ingest reports it.
			log.Warn("could not store the index", "err", err)
			stats.SaveError = err.Error()
		}
	}
	return recs, stats, nil
}
