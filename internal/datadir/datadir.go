// Package datadir guards citebot's data dir, where the stored index and
// the feedback log live. One process at a time builds or updates the index
// there (Lock), and the dir records which corpus its index was built from
// (ReadRecord, WriteRecord), so that a later command does not silently
// serve, or overwrite it with, another corpus.
package datadir

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Files in the data dir.
const (
	LockFile   = ".lock"
	RecordFile = "corpus.json"
)

// Record is what the data dir says about its index.
type Record struct {
	// Corpus is the absolute path of the corpus folder the index was built
	// from; "" means the articles embedded in the binary.
	Corpus string `json:"corpus"`
	// Built is when the index was last built or updated.
	Built time.Time `json:"built"`
}

// CorpusName is how logs and messages name r's corpus.
func (r Record) CorpusName() string { return CorpusName(r.Corpus) }

// CorpusName names a corpus folder for logs and messages; "" is the
// embedded articles.
func CorpusName(dir string) string {
	if dir == "" {
		return "the embedded articles"
	}
	return dir
}

// ReadRecord returns dir's Record, and false when dir has none (a data dir
// from before records were kept, or a fresh one).
func ReadRecord(dir string) (Record, bool, error) {
	p := filepath.Join(dir, RecordFile)
	b, err := ReadRegular(p)
	if errors.Is(err, fs.ErrNotExist) {
		return Record{}, false, nil
	}
	if err != nil {
		return Record{}, false, err
	}
	var r Record
	if err := json.Unmarshal(b, &r); err != nil {
		return Record{}, false, fmt.Errorf("%s: %w", p, err)
	}
	return r, true, nil
}

// WriteRecord stores r in dir, atomically.
func WriteRecord(dir string, r Record) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, RecordFile+".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // fails harmlessly once renamed
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), filepath.Join(dir, RecordFile))
}

// ReadRegular reads a regular file. Anything else at the path (a FIFO
// would block the read for ever) is an error.
func ReadRegular(p string) ([]byte, error) {
	fi, err := os.Stat(p)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file", p)
	}
	return os.ReadFile(p)
}

// SameCorpus reports whether two corpus folders are the same folder: the
// same path once made absolute, or the same directory on disk.
func SameCorpus(a, b string) bool {
	if a == b {
		return true
	}
	if a == "" || b == "" {
		return false
	}
	fa, errA := os.Stat(a)
	fb, errB := os.Stat(b)
	return errA == nil && errB == nil && os.SameFile(fa, fb)
}

// AbsCorpus makes a corpus folder absolute, for recording; "" (the
// embedded articles) stays "".
func AbsCorpus(dir string) string {
	if dir == "" {
		return ""
	}
	if abs, err := filepath.Abs(dir); err == nil {
		return abs
	}
	return dir
}

// CorporaDir is the folder of a data dir that holds `citebot ask`'s
// indexes of corpora other than the one the data dir's own index is of.
const CorporaDir = "corpora"

// CorpusCache is the data dir, inside dataDir, for the index of the corpus
// folder at the absolute path corpus: CorporaDir/<name>-<hash>, the name
// being the folder's base name made safe and short, for people listing
// the folder, and the hash that of the whole path, so that two folders of
// the same name get two indexes.
func CorpusCache(dataDir, corpus string) string {
	sum := sha256.Sum256([]byte(corpus))
	name := strings.Map(func(r rune) rune {
		if r < utf8.RuneSelf && (r == '-' || r == '_' || r == '.' || unicode.IsLetter(r) || unicode.IsDigit(r)) {
			return r
		}
		return '_'
	}, filepath.Base(corpus))
	name = strings.TrimLeft(name, ".")
	if len(name) > 40 {
		name = name[:40]
	}
	if name == "" {
		name = "corpus"
	}
	return filepath.Join(dataDir, CorporaDir, name+"-"+hex.EncodeToString(sum[:6]))
}

// WriteFileSync writes b to path and syncs it, so that a file that marks
// something as complete is on disk before it is relied on.
func WriteFileSync(path string, b []byte) error {
	return WriteFileWith(path, func(w io.Writer) error {
		_, err := w.Write(b)
		return err
	})
}

// WriteFileWith is WriteFileSync for contents that write makes, through
// a buffer, so that a large file need not be held in memory whole.
func WriteFileWith(path string, write func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	if err := write(bw); err != nil {
		f.Close()
		return err
	}
	if err := bw.Flush(); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
