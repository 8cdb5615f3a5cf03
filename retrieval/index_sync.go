package retrieval

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io/fs"
	"log/slog"
	"path/filepath"
	"strings"

	"github.com/citebot/citebot/corpus"
)

// PersistentIndex is an Index that keeps its chunks between runs and
// between processes, such as a database server. The engine then brings it
// up to date incrementally instead of writing every chunk: it compares
// each chunk's digest with the stored one, writes only new or changed
// chunks, reuses stored vectors for text it has already embedded, and
// deletes chunks that are no longer in the corpus.
type PersistentIndex interface {
	Index
	// Stored lists the chunks the index holds, by chunk ID. embedder names
	// the model whose vectors the engine writes; an index holding another
	// model's vectors returns an error saying how to rebuild it.
	Stored(ctx context.Context, embedder string) (map[string]ChunkDigest, error)
	// Vectors returns the stored vectors of the chunks with these IDs;
	// IDs it does not hold are left out.
	Vectors(ctx context.Context, ids []string) (map[string][]float32, error)
}

// ChunkDigest identifies what is stored for a chunk: Content changes when
// anything the answer layer reads changes, Vector only when the embedded
// text or the embedder does.
type ChunkDigest struct {
	Content string
	Vector  string
}

// DigestChunk returns the digests of c as embedded by embedder.
func DigestChunk(embedder string, c corpus.Chunk) ChunkDigest {
	v := sha256.New()
	writeField(v, embedder)
	writeField(v, embedText(c))
	vec := hex.EncodeToString(v.Sum(nil))

	h := sha256.New()
	writeField(h, vec)
	writeField(h, c.ID)
	writeField(h, c.Source)
	writeField(h, c.Title)
	writeField(h, c.Text)
	var b [8]byte
	for _, n := range append([]int{c.Start, c.End, len(c.Sentences)}, spanInts(c.Sentences)...) {
		binary.BigEndian.PutUint64(b[:], uint64(n))
		h.Write(b[:])
	}
	return ChunkDigest{Content: hex.EncodeToString(h.Sum(nil)), Vector: vec}
}

// writeField writes s length-prefixed, so that fields cannot run into each
// other.
func writeField(h hash.Hash, s string) {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(len(s)))
	h.Write(b[:])
	h.Write([]byte(s))
}

func spanInts(ss []corpus.Span) []int {
	out := make([]int, 0, 2*len(ss))
	for _, s := range ss {
		out = append(out, s.Start, s.End)
	}
	return out
}

// syncIndex brings a persistent index up to date with chunks, as
// NewEngine does for the embedded index. It embeds only chunks whose
// vector it cannot find, in the index (same text, same embedder) or in the
// data dir's snapshot, writes only chunks whose digest changed, and then
// deletes chunks that left the corpus. Writing before deleting keeps every
// answerable chunk searchable throughout, and an interrupted sync is
// finished by the next one: written chunks then match their digests.
func syncIndex(ctx context.Context, idx PersistentIndex, emb Embedder, docs []corpus.Document, chunks []corpus.Chunk,
	dataDir string, chunkOpts corpus.ChunkOptions, log *slog.Logger, progress func(int, int)) (IngestStats, error) {
	stats := IngestStats{Files: len(docs), Chunks: len(chunks), Embedder: emb.Name()}
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
	digests := make([]ChunkDigest, len(chunks))
	for i, c := range chunks {
		live[c.ID] = true
		digests[i] = DigestChunk(emb.Name(), c)
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

	recs := make([]Record, len(todo))
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
	snapVecs := snapshotVectors(dataDir, emb.Name(), log)
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
	// The rest is embedded as for the embedded index, without touching the
	// snapshot: the persistent index is the store now.
	if len(embed) > 0 {
		base := stats.Reused
		var p func(int, int)
		if progress != nil {
			p = func(done, _ int) { progress(base+done, len(chunks)) }
		}
		fresh, _, err := buildRecords(ctx, emb, docs, embed, "", chunkOpts, log, p)
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

// snapshotVectors returns the embedded index's stored vectors by text hash
// when the data dir has a snapshot by the same embedder, so that moving to
// a persistent index re-embeds nothing. It only reads the snapshot.
func snapshotVectors(dataDir, embedder string, log *slog.Logger) map[[32]byte][]float32 {
	if dataDir == "" {
		return nil
	}
	snap, err := loadSnapshot(filepath.Join(dataDir, IndexFile))
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		log.Warn("stored embedded index unreadable; not reusing its vectors", "err", err)
		return nil
	case snap.Embedder != embedder:
		return nil
	}
	out := make(map[[32]byte][]float32, len(snap.Records))
	for _, r := range snap.Records {
		out[sha256.Sum256([]byte(r.Chunk.Text))] = r.Vector
	}
	return out
}

// ReadSnapshot returns the records and embedder of the embedded index
// stored in dataDir, for copying it elsewhere (`citebot migrate`).
func ReadSnapshot(dataDir string) (records []Record, embedder string, err error) {
	snap, err := loadSnapshot(filepath.Join(dataDir, IndexFile))
	if err != nil {
		return nil, "", err
	}
	return snap.Records, snap.Embedder, nil
}

// CopyStats reports what CopyIndex did.
type CopyStats struct {
	Written   int // records written
	Unchanged int // records the index already held unchanged
	Deleted   int // chunks the index held that recs does not
}

// CopyIndex makes idx hold exactly recs, with their vectors as they are:
// it writes the records whose digest differs from the stored one and
// deletes chunks recs does not have. embedder names the model that made
// the vectors. Copying again after an interruption resumes it.
func CopyIndex(ctx context.Context, recs []Record, embedder string, idx PersistentIndex, progress func(done, total int)) (CopyStats, error) {
	var st CopyStats
	stored, err := idx.Stored(ctx, embedder)
	if err != nil {
		return st, err
	}
	live := make(map[string]bool, len(recs))
	var todo []Record
	for _, r := range recs {
		live[r.Chunk.ID] = true
		if stored[r.Chunk.ID].Content == DigestChunk(embedder, r.Chunk).Content {
			st.Unchanged++
			continue
		}
		todo = append(todo, r)
	}
	const step = 1000
	for i := 0; i < len(todo); i += step {
		if progress != nil {
			progress(st.Unchanged+i, len(recs))
		}
		if err := idx.Upsert(ctx, todo[i:min(i+step, len(todo))]); err != nil {
			return st, err
		}
		st.Written = min(i+step, len(todo))
	}
	if progress != nil {
		progress(len(recs), len(recs))
	}
	var gone []string
	for id := range stored {
		if !live[id] {
			gone = append(gone, id)
		}
	}
	if err := idx.Delete(ctx, gone); err != nil {
		return st, err
	}
	st.Deleted = len(gone)
	return st, nil
}
