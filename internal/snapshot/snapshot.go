// Package snapshot is the embedded index as stored in the data dir: chunk
// records with their vectors, the embedder that made them and the hash of
// every source file, in one gzipped gob file that is replaced atomically.
package snapshot

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/citebot/citebot/retrieval/index"
)

// File is the name of the stored index under the data dir.
const File = "index.citebot"

// ErrCorrupt means the stored index could not be read. The engine logs
// it and rebuilds from the corpus.
var ErrCorrupt = errors.New("stored index is corrupt")

// storeMagic starts every index file; a version bump makes old files
// rebuild rather than misread.
var storeMagic = []byte("CITEBOT-INDEX\x00v1\n")

// Snapshot is the stored index: chunk records with their vectors, the
// embedder that made them, and the hash of every file they came from.
type Snapshot struct {
	Embedder string
	Files    map[string]string // source → content hash
	Records  []index.Record
}

// Read returns the records and embedder of the index stored in dataDir,
// for copying it elsewhere (`citebot migrate`).
func Read(dataDir string) (records []index.Record, embedder string, err error) {
	s, err := Load(filepath.Join(dataDir, File))
	if err != nil {
		return nil, "", err
	}
	return s.Records, s.Embedder, nil
}

// Load reads the snapshot at path; a file that is not one is ErrCorrupt.
func Load(path string) (Snapshot, error) {
	// Opening a FIFO for reading blocks until a writer comes, which would
	// hang start-up (and the shutdown that waits for it).
	fi, err := os.Stat(path)
	if err != nil {
		return Snapshot{}, err
	}
	if !fi.Mode().IsRegular() {
		return Snapshot{}, fmt.Errorf("%w: %s: not a regular file", ErrCorrupt, path)
	}
	f, err := os.Open(path)
	if err != nil {
		return Snapshot{}, err
	}
	defer f.Close()
	br := bufio.NewReader(f)
	head := make([]byte, len(storeMagic))
	if _, err := io.ReadFull(br, head); err != nil || !bytes.Equal(head, storeMagic) {
		return Snapshot{}, fmt.Errorf("%w: %s: bad header", ErrCorrupt, path)
	}
	zr, err := gzip.NewReader(br)
	if err != nil {
		return Snapshot{}, fmt.Errorf("%w: %s: %v", ErrCorrupt, path, err)
	}
	var s Snapshot
	if err := gob.NewDecoder(zr).Decode(&s); err != nil {
		return Snapshot{}, fmt.Errorf("%w: %s: %v", ErrCorrupt, path, err)
	}
	// Reading to EOF makes gzip check its CRC, which catches a flipped
	// byte that gob happened to accept.
	if _, err := io.Copy(io.Discard, zr); err != nil {
		return Snapshot{}, fmt.Errorf("%w: %s: %v", ErrCorrupt, path, err)
	}
	for _, r := range s.Records {
		if len(r.Vector) == 0 {
			return Snapshot{}, fmt.Errorf("%w: %s: chunk %s has no vector", ErrCorrupt, path, r.Chunk.ID)
		}
	}
	return s, nil
}

// staleTempAge is how long a temporary index file must have gone unwritten
// before it counts as left over from a process that was killed while
// saving. A save in progress writes to its file continuously.
const staleTempAge = 10 * time.Minute

// RemoveStaleTemps deletes the temporary files that saves killed part-way
// left in dataDir; they are never renamed into place and would pile up.
func RemoveStaleTemps(dataDir string, log *slog.Logger) {
	matches, _ := filepath.Glob(filepath.Join(dataDir, File+".tmp-*"))
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

// Save writes s to path through a temporary file in the same directory, syncs it
// and renames it over the old one, so a crash leaves either the old index
// or the new one, never half of either.
func Save(path string, s Snapshot) (err error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("save index: %w", err)
	}
	tmp, err := os.CreateTemp(dir, File+".tmp-*")
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
