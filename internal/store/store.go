// Package store is the embedded index as `citebot ingest` writes it to the
// data dir and `citebot serve` opens it: the documents, the chunk table
// (each chunk as spans of its document's text), the reader's corpus
// statistics, the BM25 index on disk and the vector file, all of one
// build, in one generation folder that a CURRENT file names. Opening reads
// these back; it never re-reads the corpus, re-chunks, re-learns or
// re-indexes. Anything it cannot use — a missing, damaged, older or newer
// store, another embedder or other chunk sizes — is ErrStale, and the
// caller builds a new generation.
package store

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/citebot/citebot/corpus"
	"github.com/citebot/citebot/internal/datadir"
	"github.com/citebot/citebot/retrieval/conversation"
	"github.com/citebot/citebot/retrieval/index"
	"github.com/citebot/citebot/retrieval/index/memory"
	"github.com/citebot/citebot/retrieval/index/vecfile"
	"github.com/citebot/citebot/retrieval/reader"
)

// Dir is the folder under the data dir that holds the stored index.
const Dir = "index"

// Format is the version of the stored layout this binary writes and
// reads; a store of another version, older or newer, is rebuilt. It
// changes with what the stored statistics mean, the stems among them
// (3: the "-ie" verbs' inflections stem to their base), and with how
// documents are chunked (4: a Markdown table's header row takes in its
// delimiter row and joins every chunk of its rows; 5: a full stop after a
// lower-case letter or "Opp." before a number, as in "(r. 1402–1424)",
// does not end a sentence, and one before a footnote mark, as in
// "ledge.[c] Link", does).
const Format = 5

// LegacyFile is the single-file index of earlier versions (a gzipped gob
// of every record), which this version replaces: it is rebuilt, then
// removed.
const LegacyFile = "index.citebot"

// Files of a generation.
const (
	manifestFile = "manifest.json"
	docsFile     = "documents.gob"
	chunksFile   = "chunks.gob"
	readerFile   = "reader.gob"
)

// ErrStale wraps every reason a stored index cannot be opened; the engine
// then builds it anew from the corpus.
var ErrStale = errors.New("stored index must be rebuilt")

// Manifest describes one stored build.
type Manifest struct {
	Format   int                 `json:"format"`
	Embedder string              `json:"embedder"`
	Chunk    corpus.ChunkOptions `json:"chunk"` // as Effective returns them
	Built    time.Time           `json:"built"`
	Docs     int                 `json:"documents"`
	Chunks   int                 `json:"chunks"`
	Dim      int                 `json:"dim"` // of every vector
	// Files are the corpus folder's files as they were before the build
	// read them (see corpus.Stamps); nil when the build was not from a
	// folder. A folder whose stamps still match needs no reading.
	Files []corpus.FileStamp `json:"files,omitempty"`
}

// Stored is an opened stored index: everything an engine needs to answer.
type Stored struct {
	Manifest Manifest
	Docs     []corpus.Document
	Chunks   []corpus.Chunk
	Stats    *reader.Stats
	Rewriter *conversation.Rewriter
	Index    *memory.Index
}

// Build is what Write stores.
type Build struct {
	Manifest Manifest
	Docs     []corpus.Document
	Chunks   []corpus.Chunk // SplitAll's chunks of Docs, in order
	// Records returns Chunks with their vectors, in order. Write calls it
	// once, and indexes the chunks' text meanwhile, so that embedding and
	// indexing share the cores.
	Records memory.Vectors
	// Learnt returns what the reader and the follow-up rewriter learnt of
	// Chunks. Write calls it once the search index is built, so that the
	// learning may run meanwhile.
	Learnt func() (*reader.Stats, *conversation.Rewriter)
}

// Open opens the current stored index of dataDir for an engine that
// embeds with embedder and chunks with chunk. Every failure wraps
// ErrStale.
func Open(ctx context.Context, dataDir, embedder string, chunk corpus.ChunkOptions, opts memory.Options) (*Stored, error) {
	gen, m, err := current(dataDir)
	if err != nil {
		return nil, err
	}
	switch {
	case m.Embedder != embedder:
		return nil, fmt.Errorf("%w: embedder changed: it holds vectors of %s, not %s", ErrStale, m.Embedder, embedder)
	case m.Chunk != chunk.Effective():
		return nil, fmt.Errorf("%w: it was chunked with %+v, not %+v", ErrStale, m.Chunk, chunk.Effective())
	}
	s := &Stored{Manifest: m}
	if s.Docs, err = readDocuments(gen); err != nil {
		return nil, err
	}
	if err := readGob(filepath.Join(gen, chunksFile), func(b []byte) (err error) {
		s.Chunks, err = decodeChunks(b, s.Docs)
		return err
	}); err != nil {
		return nil, err
	}
	if len(s.Docs) != m.Docs || len(s.Chunks) != m.Chunks {
		return nil, fmt.Errorf("%w: %d documents and %d chunks stored, the manifest says %d and %d", ErrStale, len(s.Docs), len(s.Chunks), m.Docs, m.Chunks)
	}
	if err := readGob(filepath.Join(gen, readerFile), func(b []byte) (err error) {
		s.Stats, s.Rewriter, err = decodeReader(b)
		return err
	}); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	opts.Dim = m.Dim
	idx, err := memory.Open(ctx, gen, embedder, s.Chunks, opts)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrStale, err)
	}
	s.Index = idx
	return s, nil
}

// Write stores b as a new generation of dataDir's index and makes it
// current, and returns the index open over it. A crash part-way leaves the
// generation before current; older generations are removed, keeping the
// one before, which a process still serving it may hold open.
func Write(ctx context.Context, dataDir string, b Build, opts memory.Options) (*memory.Index, error) {
	root := filepath.Join(dataDir, Dir)
	if err := os.MkdirAll(root, 0o755); err != nil {
		return nil, fmt.Errorf("store index: %w", err)
	}
	prev, _ := readCurrent(root)
	n := time.Now().UnixNano()
	name := fmt.Sprintf("g%d", n)
	for _, err := os.Lstat(filepath.Join(root, name)); err == nil; _, err = os.Lstat(filepath.Join(root, name)) {
		n++ // a clock that did not move, or went back
		name = fmt.Sprintf("g%d", n)
	}
	gen := filepath.Join(root, name)
	// The documents, as large as the corpus, are written beside the build
	// and moved into the generation once it stands: written after it,
	// they were the last half second of a 50 MB ingest on one core.
	docsTmp := gen + stagedDocs
	docsDone := make(chan error, 1)
	go func() {
		docsDone <- datadir.WriteFileWith(docsTmp, func(w io.Writer) error { return corpus.WriteDocuments(w, b.Docs) })
	}()
	dim := 0
	records := func(ctx context.Context) ([]index.Record, error) {
		recs, err := b.Records(ctx)
		if len(recs) > 0 {
			dim = len(recs[0].Vector) // before Build may drop the vectors
		}
		return recs, err
	}
	idx, err := memory.BuildEmbedding(ctx, gen, b.Manifest.Embedder, b.Chunks, records, opts)
	docsErr := <-docsDone
	if err != nil {
		os.RemoveAll(gen)
		os.Remove(docsTmp)
		return nil, fmt.Errorf("store index: %w", err)
	}
	fail := func(err error) (*memory.Index, error) {
		idx.Close()
		os.RemoveAll(gen)
		os.Remove(docsTmp)
		return nil, fmt.Errorf("store index: %w", err)
	}
	if docsErr != nil {
		return fail(docsErr)
	}
	if err := os.Rename(docsTmp, filepath.Join(gen, docsFile)); err != nil {
		return fail(err)
	}
	rd, err := encodeReader(b.Learnt())
	if err != nil {
		return fail(err)
	}
	m := b.Manifest
	m.Format, m.Docs, m.Chunks = Format, len(b.Docs), len(b.Chunks)
	m.Chunk, m.Dim = m.Chunk.Effective(), dim

	ct, err := encodeChunks(b.Docs, b.Chunks)
	if err != nil {
		return fail(err)
	}
	mj, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fail(err)
	}
	for _, f := range []struct {
		name string
		data []byte
	}{
		{chunksFile, ct},
		{readerFile, rd},
		{manifestFile, mj},
	} {
		if err := datadir.WriteFileSync(filepath.Join(gen, f.name), f.data); err != nil {
			return fail(err)
		}
	}
	syncDir(gen)
	if err := setCurrent(root, name); err != nil {
		return fail(err)
	}
	prune(root, name, prev)
	os.Remove(filepath.Join(dataDir, LegacyFile))
	return idx, nil
}

// Restamp records stamps as the corpus folder's files in the current
// generation's manifest, for a folder whose documents are unchanged but
// whose files were touched.
func Restamp(dataDir string, stamps []corpus.FileStamp) error {
	gen, m, err := current(dataDir)
	if err != nil {
		return err
	}
	m.Files = stamps
	mj, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	tmp := filepath.Join(gen, manifestFile+".tmp")
	if err := datadir.WriteFileSync(tmp, mj); err != nil {
		return fmt.Errorf("restamp index: %w", err)
	}
	if err := os.Rename(tmp, filepath.Join(gen, manifestFile)); err != nil {
		return fmt.Errorf("restamp index: %w", err)
	}
	return nil
}

// Records returns the chunks of the current stored index with their
// vectors, and its manifest, for copying it elsewhere (`citebot migrate`)
// or reusing its vectors.
func Records(dataDir string) ([]index.Record, Manifest, error) {
	recs, _, m, err := records(dataDir)
	return recs, m, err
}

// records is Records, with the documents the chunks are of.
func records(dataDir string) ([]index.Record, []corpus.Document, Manifest, error) {
	gen, m, err := current(dataDir)
	if err != nil {
		return nil, nil, Manifest{}, err
	}
	var docs []corpus.Document
	var chunks []corpus.Chunk
	if docs, err = readDocuments(gen); err != nil {
		return nil, nil, m, err
	}
	if err := readGob(filepath.Join(gen, chunksFile), func(b []byte) (err error) {
		chunks, err = decodeChunks(b, docs)
		return err
	}); err != nil {
		return nil, nil, m, err
	}
	vf, err := vecfile.Open(filepath.Join(gen, memory.VectorsFile), vecfile.OpenOptions{Embedder: m.Embedder, Dim: m.Dim, NoMmap: true})
	if err != nil {
		return nil, nil, m, fmt.Errorf("%w: %w", ErrStale, err)
	}
	defer vf.Close()
	row := make(map[string]int, vf.Len())
	for i, id := range vf.IDs {
		row[id] = i
	}
	out := make([]index.Record, 0, len(chunks))
	for _, c := range chunks {
		i, ok := row[c.ID]
		if !ok {
			return nil, nil, m, fmt.Errorf("%w: chunk %s has no vector", ErrStale, c.ID)
		}
		out = append(out, index.Record{Chunk: c, Vector: vf.Row(i)})
	}
	return out, docs, m, nil
}

// Vectors returns the vectors of the current stored index by the SHA-256
// of their chunk's text, when it holds vectors of embedder, so that a new
// build embeds only new text, and the content hash of each of its
// documents by source, for telling what the new build changed.
func Vectors(dataDir, embedder string) (map[[32]byte][]float32, map[string]string, error) {
	recs, docs, m, err := records(dataDir)
	if err != nil {
		return nil, nil, err
	}
	if m.Embedder != embedder {
		return nil, nil, fmt.Errorf("%w: embedder changed: it holds vectors of %s, not %s", ErrStale, m.Embedder, embedder)
	}
	vecs := make(map[[32]byte][]float32, len(recs))
	for _, r := range recs {
		vecs[sha256.Sum256([]byte(r.Chunk.Text))] = r.Vector
	}
	hashes := make(map[string]string, len(docs))
	for _, d := range docs {
		hashes[d.Source] = d.Hash
	}
	return vecs, hashes, nil
}

// readDocuments decodes the generation's documents as they stream from
// the file: the whole file in memory beside the decoded text would double
// what start-up holds at its peak.
func readDocuments(gen string) ([]corpus.Document, error) {
	path := filepath.Join(gen, docsFile)
	fi, err := os.Lstat(path)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrStale, err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%w: %s: not a regular file", ErrStale, path)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrStale, err)
	}
	defer f.Close()
	docs, err := corpus.ReadDocuments(bufio.NewReaderSize(f, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrStale, docsFile, err)
	}
	return docs, nil
}

// readGob reads a file of the generation and decodes it with dec; a
// missing or undecodable file is ErrStale.
func readGob(path string, dec func([]byte) error) error {
	b, err := datadir.ReadRegular(path)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrStale, err)
	}
	if err := dec(b); err != nil {
		return fmt.Errorf("%w: %s: %w", ErrStale, filepath.Base(path), err)
	}
	return nil
}

// Exists reports whether dataDir holds a stored index of any version.
func Exists(dataDir string) bool {
	for _, p := range []string{filepath.Join(dataDir, Dir, currentFile), filepath.Join(dataDir, LegacyFile)} {
		if _, err := os.Lstat(p); !errors.Is(err, fs.ErrNotExist) {
			return true
		}
	}
	return false
}
