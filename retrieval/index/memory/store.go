package memory

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"

	"github.com/philippgille/chromem-go"

	"github.com/citebot/citebot/corpus"
	"github.com/citebot/citebot/internal/datadir"
	"github.com/citebot/citebot/retrieval/embed"
	"github.com/citebot/citebot/retrieval/index"
	"github.com/citebot/citebot/retrieval/index/vecfile"
)

// The parts of a stored index, under the folder Build writes.
const (
	BM25Dir     = "bm25"        // bleve scorch index under a stored index's dir
	VectorsFile = "vectors.cbv" // vecfile under a stored index's dir
)

// formatFile records the store's format version and what it holds. Build
// writes it last, so that a folder a crash left half-built has none and
// Open refuses it.
const formatFile = "format.json"

// storeVersion is the layout of a stored index that this build writes and
// reads. Raise it whenever what Build writes changes meaning (the
// analyzer's code, the fields indexed, how vectors are prepared): a
// stored index of another version is rebuilt, never read.
const storeVersion = 2

// ErrStored wraps every reason Open cannot use a stored index: missing files, corrupt
// or truncated files, another format version (older or newer), another embedder, a
// dimension or count mismatch with the chunks given. The caller then rebuilds.
var ErrStored = errors.New("stored index unusable")

// storeFormat is the content of formatFile.
type storeFormat struct {
	Version  int    `json:"version"`
	Embedder string `json:"embedder"`
	Dim      int    `json:"dim"`
	Count    int    `json:"count"`
}

// Build indexes recs into dir (created; it must not exist or be empty) and returns the
// Index open over what it wrote, ready to search without reading anything back.
// BM25 goes to dir/BM25Dir as an on-disk bleve scorch index built in batches of about
// 2,000 chunks (never one giant batch); vectors go to dir/VectorsFile via vecfile.
//
// Rows are stored in chunk ID order, so that the same records always give
// the same files. recs and their vectors are not changed, but with
// opts.DropVectors each record's Vector is set to nil once written. When
// Build fails it removes what it wrote.
func Build(ctx context.Context, dir, embedder string, recs []index.Record, opts Options) (*Index, error) {
	chunks := make([]corpus.Chunk, len(recs))
	for i, r := range recs {
		chunks[i] = r.Chunk
	}
	return BuildEmbedding(ctx, dir, embedder, chunks, func(context.Context) ([]index.Record, error) { return recs, nil }, opts)
}

// Vectors returns the records of the chunks a build indexes, in the
// chunks' order, with their vectors: an embedding still to be done.
type Vectors func(ctx context.Context) ([]index.Record, error)

// BuildEmbedding is Build for chunks whose vectors are still to be
// computed: it indexes the chunks' text while vectors runs, and writes
// the vectors it returns, or stops indexing if vectors fails. On a large
// corpus both take seconds of every core, and the BM25 builder's own
// goroutine would otherwise run alone after the embedding.
func BuildEmbedding(ctx context.Context, dir, embedder string, chunks []corpus.Chunk, vectors Vectors, opts Options) (*Index, error) {
	if err := checkChunks(chunks); err != nil {
		return nil, fmt.Errorf("build index %s: %w", dir, err)
	}
	if err := makeEmptyDir(dir); err != nil {
		return nil, fmt.Errorf("build index: %w", err)
	}
	m, err := build(ctx, dir, embedder, chunks, vectors, opts)
	if err != nil {
		return nil, errors.Join(fmt.Errorf("build index %s: %w", dir, err), removeContents(dir))
	}
	return m, nil
}

func build(ctx context.Context, dir, embedder string, chunks []corpus.Chunk, vectors Vectors, opts Options) (*Index, error) {
	order := make([]int, len(chunks))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return strings.Compare(chunks[a].ID, chunks[b].ID) })
	bctx, cancel := context.WithCancel(ctx)
	defer cancel()
	bm25Done := make(chan error, 1)
	go func() { bm25Done <- buildBM25(bctx, filepath.Join(dir, BM25Dir), dir, chunks, order) }()
	// Either failure stops the other before the folder is cleared.
	fail := func(err error) (*Index, error) {
		cancel()
		<-bm25Done
		return nil, err
	}
	recs, err := vectors(ctx)
	if err != nil {
		return fail(err)
	}
	if err := checkRecords(chunks, recs); err != nil {
		return fail(err)
	}
	dim := len(recs[0].Vector)
	if err := writeVectors(filepath.Join(dir, VectorsFile), embedder, dim, recs, order); err != nil {
		return fail(err)
	}
	if opts.DropVectors {
		for i := range recs {
			recs[i].Vector = nil
		}
	}
	if err := <-bm25Done; err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	format, err := json.Marshal(storeFormat{Version: storeVersion, Embedder: embedder, Dim: dim, Count: len(recs)})
	if err != nil {
		return nil, err
	}
	if err := datadir.WriteFileSync(filepath.Join(dir, formatFile), format); err != nil {
		return nil, err
	}
	return open(ctx, dir, embedder, chunks, opts)
}

// checkChunks refuses what a stored index cannot hold: no chunks, or a
// chunk twice.
func checkChunks(chunks []corpus.Chunk) error {
	if len(chunks) == 0 {
		return errors.New("no records")
	}
	seen := make(map[string]bool, len(chunks))
	for _, c := range chunks {
		if seen[c.ID] {
			return fmt.Errorf("chunk %s appears twice", c.ID)
		}
		seen[c.ID] = true
	}
	return nil
}

// checkRecords refuses records that are not chunks' in order, or whose
// vectors are of mixed or zero size, or not finite.
func checkRecords(chunks []corpus.Chunk, recs []index.Record) error {
	if len(recs) != len(chunks) {
		return fmt.Errorf("%d records for %d chunks", len(recs), len(chunks))
	}
	dim := len(recs[0].Vector)
	for i, r := range recs {
		if r.Chunk.ID != chunks[i].ID {
			return fmt.Errorf("record %d is chunk %s, not %s", i, r.Chunk.ID, chunks[i].ID)
		}
		if len(r.Vector) == 0 {
			return fmt.Errorf("chunk %s: empty vector", r.Chunk.ID)
		}
		if len(r.Vector) != dim {
			return fmt.Errorf("chunk %s: %w: %d dimensions beside %d", r.Chunk.ID, index.ErrVectorSize, len(r.Vector), dim)
		}
		for _, x := range r.Vector {
			if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
				return fmt.Errorf("chunk %s: vector is not finite", r.Chunk.ID)
			}
		}
	}
	return nil
}

// writeVectors writes the unit-length vectors of recs, in order, as one
// partition of a vector file: every search is exact, so the file needs
// no partition layout, and ingest trains no k-means. It normalises each
// row into one scratch slice as it is written, so that writing holds no
// second copy of the vectors.
func writeVectors(path, embedder string, dim int, recs []index.Record, order []int) error {
	ix := &vecfile.Index{
		Embedder:  embedder,
		Dim:       dim,
		Centroids: make([]float32, dim),
		Offsets:   []int{0, len(recs)},
		IDs:       make([]string, len(recs)),
	}
	scratch := make([]float32, dim)
	unit := func(row int) []float32 {
		return embed.Normalize(append(scratch[:0], recs[order[row]].Vector...))
	}
	for row, i := range order {
		ix.IDs[row] = recs[i].Chunk.ID
		for d, x := range unit(row) {
			ix.Centroids[d] += x
		}
	}
	if embed.Normalize(ix.Centroids); isZero(ix.Centroids) {
		ix.Centroids[0] = 1
	}
	return vecfile.WriteRows(path, ix, unit)
}

func isZero(v []float32) bool {
	for _, x := range v {
		if x != 0 {
			return false
		}
	}
	return true
}

// Open opens the index Build wrote in dir, over chunks (the same chunks Build got, any
// order). It reads no chunk text, trains nothing, re-indexes nothing: bleve is opened
// (read-only is fine — look up scorch's "read_only" config), the vector file is mmapped.
//
// The vector file stays mapped until Close. Up to the exact-search limit
// chromem-go's documents alias its rows; above it dense questions scan
// the rows, and the first sparse question copies them into the
// dimension-major table (about 0.4 s at 96k chunks of 384).
func Open(ctx context.Context, dir, embedder string, chunks []corpus.Chunk, opts Options) (*Index, error) {
	m, err := open(ctx, dir, embedder, chunks, opts)
	if err != nil {
		return nil, fmt.Errorf("open index %s: %w: %w", dir, ErrStored, err)
	}
	return m, nil
}

func open(ctx context.Context, dir, embedder string, chunks []corpus.Chunk, opts Options) (m *Index, err error) {
	format, err := readFormat(dir)
	if err != nil {
		return nil, err
	}
	switch {
	case format.Version != storeVersion:
		return nil, fmt.Errorf("format version %d, this build reads %d", format.Version, storeVersion)
	case format.Embedder != embedder:
		return nil, fmt.Errorf("made by embedder %q, want %q", format.Embedder, embedder)
	case opts.Dim > 0 && format.Dim != opts.Dim:
		return nil, fmt.Errorf("%d dimensions, want %d", format.Dim, opts.Dim)
	case format.Count != len(chunks):
		return nil, fmt.Errorf("%d chunks stored, %d given", format.Count, len(chunks))
	}
	byID := make(map[string]corpus.Chunk, len(chunks))
	for _, c := range chunks {
		if _, dup := byID[c.ID]; dup {
			return nil, fmt.Errorf("chunk %s given twice", c.ID)
		}
		byID[c.ID] = c
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	f, err := vecfile.Open(filepath.Join(dir, VectorsFile), vecfile.OpenOptions{Embedder: embedder, Dim: format.Dim})
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			f.Close()
		}
	}()
	if f.Len() != len(chunks) {
		return nil, fmt.Errorf("vector file has %d rows, %d chunks given", f.Len(), len(chunks))
	}
	for _, id := range f.IDs {
		if _, ok := byID[id]; !ok {
			return nil, fmt.Errorf("vector file has chunk %s, which was not given", id)
		}
	}
	lex, err := openBM25(filepath.Join(dir, BM25Dir), len(chunks))
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			lex.close()
		}
	}()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m = &Index{chunks: byID, lex: lex, exact: opts.exactLimit(), dim: f.Dim, readOnly: true, stored: f}
	if f.Len() > m.exact {
		if opts.SparseQuestions {
			// Built now, before any question: built beside answers, the
			// rows those answers scan meanwhile stay resident next to
			// the new table.
			m.tableOnce.Do(func() { m.table.Store(m.buildTable()) })
		}
		return m, nil
	}
	m.db = chromem.NewDB()
	if m.col, err = m.newCollection(); err != nil {
		return nil, err
	}
	docs := make([]chromem.Document, f.Len())
	for i, id := range f.IDs {
		// chromem keeps these slices and never writes them: it copies a
		// vector to normalise it, and Build stored unit vectors.
		docs[i] = chromem.Document{ID: id, Embedding: f.Row(i)}
	}
	if err := m.col.AddDocuments(ctx, docs, runtime.GOMAXPROCS(0)); err != nil {
		return nil, fmt.Errorf("load vectors: %w", err)
	}
	return m, nil
}

// readFormat reads and parses dir's formatFile.
func readFormat(dir string) (storeFormat, error) {
	var f storeFormat
	b, err := os.ReadFile(filepath.Join(dir, formatFile))
	if err != nil {
		return f, err
	}
	if err := json.Unmarshal(b, &f); err != nil {
		return f, fmt.Errorf("%s: %w", formatFile, err)
	}
	return f, nil
}

// makeEmptyDir creates dir, or accepts it if it exists and is empty.
func makeEmptyDir(dir string) error {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return os.MkdirAll(dir, 0o755)
	case err != nil:
		return err
	case len(entries) > 0:
		return fmt.Errorf("%s is not empty", dir)
	}
	return nil
}

// removeContents removes everything under dir, leaving dir itself.
func removeContents(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	var errs []error
	for _, e := range entries {
		errs = append(errs, os.RemoveAll(filepath.Join(dir, e.Name())))
	}
	return errors.Join(errs...)
}
