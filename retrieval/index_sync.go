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
	"github.com/citebot/citebot/retrieval/index"
)

// syncIndex brings a persistent index up to date with chunks, as
// NewEngine does for the embedded index. It embeds only chunks whose
// vector it cannot find, in the index (same text, same embedder) or in the
// data dir's stored embedded index, writes only chunks whose digest changed, and then
// deletes chunks that left the corpus. Writing before deleting keeps every
// answerable chunk searchable throughout, and an interrupted sync is
// finished by the next one: written chunks then match their digests.
func syncIndex(ctx context.Context, idx index.PersistentIndex, emb Embedder, docs []corpus.Document, chunks []corpus.Chunk,
	dataDir string, log *slog.Logger, progress func(int, int)) (citebot.IngestStats, error) {
	stats := citebot.IngestStats{Files: len(docs), Chunks: len(chunks), Embedder: emb.Name()}
	stored, err := idx.Stored(ctx, emb.Name())
	if err != nil {
		return stats, fmt.Errorf("read stored index: %w", err)
	}
	if len(stored) == 0 {
		stats.Rebuilt = "index empty"
	}

	// Which chunks need writing, and which stored vectors they can reuse.
	byVector := make(map[string]string, len(stored)) // vector digest → a stored chunk ID
	for id, d := range stored {
		if d.Vector != "" {
			byVector[d.Vector] = id
		}
	}
	live := make(map[string]bool, len(chunks))
	changedFiles := map[string]bool{}
	var todo []int
	digests := make([]index.ChunkDigest, len(chunks))
	for i, c := range chunks {
		live[c.ID] = true
		digests[i] = index.DigestChunk(emb.Name(), c)
		if stored[c.ID].Content == digests[i].Content {
			stats.Reused++
			continue
		}
		todo = append(todo, i)
		changedFiles[c.Source] = true
	}
	var gone []string
	goneFiles := map[string]bool{}
	for id := range stored {
		if !live[id] {
			gone = append(gone, id)
			goneFiles[chunkSource(id)] = true
		}
	}
	for _, d := range docs {
		delete(goneFiles, d.Source)
	}
	stats.Changed, stats.Removed = len(changedFiles), len(goneFiles)
	if progress != nil {
		progress(stats.Reused, len(chunks))
	}

	recs := make([]index.Record, len(todo))
	var fromIndex []string
	for k, i := range todo {
		recs[k].Chunk = chunks[i]
		if id, ok := byVector[digests[i].Vector]; ok {
			fromIndex = append(fromIndex, id)
		}
	}
	vecs := map[string][]float32{} // by vector digest
	if len(fromIndex) > 0 {
		got, err := idx.Vectors(ctx, fromIndex)
		if err != nil {
			return stats, fmt.Errorf("read stored vectors: %w", err)
		}
		for id, v := range got {
			vecs[stored[id].Vector] = v
		}
	}
	snapVecs := storedVectors(dataDir, emb.Name(), log)
	var embed []corpus.Chunk
	var embedAt []int
	for k, i := range todo {
		if v, ok := vecs[digests[i].Vector]; ok {
			recs[k].Vector = v
			stats.Reused++
			continue
		}
		if v, ok := snapVecs[sha256.Sum256([]byte(chunks[i].Text))]; ok {
			recs[k].Vector = v
			stats.Reused++
			continue
		}
		embed = append(embed, chunks[i])
		embedAt = append(embedAt, k)
	}
	// The rest is embedded as for the embedded index, without reading the
	// stored embedded index again: the persistent index is the store now.
	if len(embed) > 0 {
		base := stats.Reused
		var p func(int, int)
		if progress != nil {
			p = func(done, _ int) { progress(base+done, len(chunks)) }
		}
		fresh, _, _, err := buildRecords(ctx, emb, docs, embed, "", log, p, false)
		if err != nil {
			return stats, err
		}
		for j, k := range embedAt {
			recs[k].Vector = fresh[j].Vector
		}
		stats.Embedded = len(embed)
	}

	if err := idx.Upsert(ctx, recs); err != nil {
		return stats, fmt.Errorf("index chunks: %w", err)
	}
	if err := idx.Delete(ctx, gone); err != nil {
		return stats, fmt.Errorf("remove deleted chunks: %w", err)
	}
	log.Info("index synchronised", "written", len(recs), "deleted", len(gone), "unchanged", len(chunks)-len(recs), "embedded", stats.Embedded)
	return stats, nil
}

// chunkSource is the source of a chunk ID "<source>#<ordinal>".
func chunkSource(id string) string {
	if i := strings.LastIndexByte(id, '#'); i >= 0 {
		return id[:i]
	}
	return id
}

// storedVectors returns the embedded index's stored vectors by text hash
// when the data dir has one by the same embedder, so that moving to a
// persistent index re-embeds nothing. It only reads the stored index.
func storedVectors(dataDir, embedder string, log *slog.Logger) map[[32]byte][]float32 {
	if dataDir == "" || !store.Exists(dataDir) {
		return nil
	}
	vecs, _, err := store.Vectors(dataDir, embedder)
	if err != nil {
		log.Info("not reusing the stored embedded index's vectors", "err", err)
		return nil
	}
	return vecs
}
