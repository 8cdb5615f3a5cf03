package retrieval

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/citebot/citebot"
	"github.com/citebot/citebot/corpus"
	"github.com/citebot/citebot/retrieval/embed"
	"github.com/citebot/citebot/retrieval/index"
)

// IndexFile is the name of the stored index under the data dir.
const IndexFile = "index.citebot"

// ErrCorruptIndex means the stored index could not be read. The engine
// logs it and rebuilds from the corpus.
var ErrCorruptIndex = errors.New("stored index is corrupt")

// storeMagic starts every index file; a version bump makes old files
// rebuild rather than misread.
var storeMagic = []byte("CITEBOT-INDEX\x00v1\n")

// snapshot is the stored index: chunk records with their vectors, the
// embedder that made them, and the hash of every file they came from.
type snapshot struct {
	Embedder string
	Files    map[string]string // source → content hash
	Records  []index.Record
}

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
		removeStaleTemps(dataDir, log)
		snap, err := loadSnapshot(filepath.Join(dataDir, IndexFile))
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
		if err := saveSnapshot(filepath.Join(dataDir, IndexFile), snapshot{Embedder: emb.Name(), Files: files, Records: recs}); err != nil {
			// Answering from memory beats not answering; ingest reports it.
			log.Warn("could not store the index", "err", err)
			stats.SaveError = err.Error()
		}
	}
	return recs, stats, nil
}

func loadSnapshot(path string) (snapshot, error) {
	// Opening a FIFO for reading blocks until a writer comes, which would
	// hang start-up (and the shutdown that waits for it).
	fi, err := os.Stat(path)
	if err != nil {
		return snapshot{}, err
	}
	if !fi.Mode().IsRegular() {
		return snapshot{}, fmt.Errorf("%w: %s: not a regular file", ErrCorruptIndex, path)
	}
	f, err := os.Open(path)
	if err != nil {
		return snapshot{}, err
	}
	defer f.Close()
	br := bufio.NewReader(f)
	head := make([]byte, len(storeMagic))
	if _, err := io.ReadFull(br, head); err != nil || !bytes.Equal(head, storeMagic) {
		return snapshot{}, fmt.Errorf("%w: %s: bad header", ErrCorruptIndex, path)
	}
	zr, err := gzip.NewReader(br)
	if err != nil {
		return snapshot{}, fmt.Errorf("%w: %s: %v", ErrCorruptIndex, path, err)
	}
	var s snapshot
	if err := gob.NewDecoder(zr).Decode(&s); err != nil {
		return snapshot{}, fmt.Errorf("%w: %s: %v", ErrCorruptIndex, path, err)
	}
	// Reading to EOF makes gzip check its CRC, which catches a flipped
	// byte that gob happened to accept.
	if _, err := io.Copy(io.Discard, zr); err != nil {
		return snapshot{}, fmt.Errorf("%w: %s: %v", ErrCorruptIndex, path, err)
	}
	for _, r := range s.Records {
		if len(r.Vector) == 0 {
			return snapshot{}, fmt.Errorf("%w: %s: chunk %s has no vector", ErrCorruptIndex, path, r.Chunk.ID)
		}
	}
	return s, nil
}

// staleTempAge is how long a temporary index file must have gone unwritten
// before it counts as left over from a process that was killed while
// saving. A save in progress writes to its file continuously.
const staleTempAge = 10 * time.Minute

// removeStaleTemps deletes the temporary files that saves killed part-way
// left in dataDir; they are never renamed into place and would pile up.
func removeStaleTemps(dataDir string, log *slog.Logger) {
	matches, _ := filepath.Glob(filepath.Join(dataDir, IndexFile+".tmp-*"))
	for _, m := range matches {
		fi, err := os.Lstat(m)
		if err != nil || time.Since(fi.ModTime()) < staleTempAge {
			continue
		}
		if err := os.Remove(m); err != nil {
			log.Warn("could not remove a temporary index file left by an interrupted save", "path", m, "err", err)
			continue
		}
		log.Info("removed a temporary index file left by an interrupted save", "path", m, "size", fi.Size())
	}
}

// saveSnapshot writes to a temporary file in the same directory, syncs it
// and renames it over the old one, so a crash leaves either the old index
// or the new one, never half of either.
func saveSnapshot(path string, s snapshot) (err error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("save index: %w", err)
	}
	tmp, err := os.CreateTemp(dir, IndexFile+".tmp-*")
	if err != nil {
		return fmt.Errorf("save index: %w", err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	bw := bufio.NewWriterSize(tmp, 1<<20)
	if _, err := bw.Write(storeMagic); err != nil {
		return fmt.Errorf("save index: %w", err)
	}
	zw := gzip.NewWriter(bw)
	if err := gob.NewEncoder(zw).Encode(s); err != nil {
		return fmt.Errorf("save index: %w", err)
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("save index: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("save index: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("save index: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("save index: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("save index: %w", err)
	}
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}
