// Package memory is the embedded index: vectors in chromem-go, BM25 in
// bleve, and the two rankings fused with Reciprocal Rank Fusion. It needs
// no server. New keeps everything in memory; Build writes an index to a
// folder (bleve on disk, vectors in a vecfile) and Open opens that folder
// again without re-indexing anything.
package memory

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/philippgille/chromem-go"

	"github.com/citebot/citebot/corpus"
	"github.com/citebot/citebot/retrieval/embed"
	"github.com/citebot/citebot/retrieval/index"
	"github.com/citebot/citebot/retrieval/index/vecfile"
)

// ExactSearchLimit is the default number of chunks up to which an Index
// keeps its vectors in chromem-go. Beyond it the search stays exact but
// reads the vectors directly: for sparse questions a dimension-major
// table (flatVectors; for a stored index, quantTable's int8 copy), and
// for dense ones a stored index's row-major vector file. chromem-go v0.7
// pays a goroutine, a channel send and two locks per document per query:
// BenchmarkVectorSearchBySize measured it 4× slower than the table at 100
// chunks, 10× at 1,000 and 10,000 for sparse questions and 2–3× for dense
// ones, with the same results (the quality sets answer identically either
// way), and it was near 100 ms at 100,000 chunks. Up to this limit its cost is a small part of an answer;
// see docs/benchmarks.md, "Stored embedded index (issue 13)".
const ExactSearchLimit = 500

// ErrReadOnly is returned by Upsert and Delete on an Index from Build or
// Open: a stored index is replaced by building another, never changed in
// place.
var ErrReadOnly = errors.New("memory index: a stored index is read-only")

// Index is the embedded index.Index: vectors in a chromem-go collection
// (or, above the exact-search limit, a dimension-major table), BM25 in
// bleve, and the two rankings fused with Reciprocal Rank Fusion.
type Index struct {
	mu     sync.RWMutex
	chunks map[string]corpus.Chunk
	db     *chromem.DB
	col    *chromem.Collection // nil above the exact-search limit
	// flat holds New's vectors above the exact-search limit.
	flat *flatVectors
	// table is a stored index's int8 table: its first sparse question
	// starts building it in the background (tableOnce, tableDone), and
	// sparse questions scan the rows until it is there, so none waits
	// for it; one whose questions are all dense (a model's embeddings)
	// never holds this quantised copy of its vectors.
	table     atomic.Pointer[quantTable]
	tableOnce sync.Once
	tableDone sync.WaitGroup
	lex       *bm25Index
	exact     int
	dim       int // dimensions of every vector; 0 while empty
	// stored is the mapped vector file of an Index from Build or Open:
	// chromem's documents alias its rows below the limit, and dense
	// questions scan it above.
	stored   *vecfile.File
	readOnly bool
	closed   bool
}

// Options tunes an Index. The zero value is the default.
type Options struct {
	// ExactSearchLimit overrides the package default when positive.
	ExactSearchLimit int
	// Dim, when positive, is the vector size a stored index must hold:
	// Open refuses one of another size with ErrStored.
	Dim int
	// DropVectors makes Build set each record's Vector to nil once the
	// vector file is written, so that a large ingest does not hold the
	// vectors in memory through the BM25 build too.
	DropVectors bool
	// SparseQuestions says the embedder's questions are sparse, as the
	// local embedder's are: Open then builds the int8 table of a stored
	// index above the limit at once, rather than at the first sparse
	// question.
	SparseQuestions bool
}

func (o Options) exactLimit() int {
	if o.ExactSearchLimit > 0 {
		return o.ExactSearchLimit
	}
	return ExactSearchLimit
}

// errClosed is what Search says after Close, rather than reading vectors
// that may have been unmapped.
var errClosed = errors.New("memory index: closed")

var _ index.Index = (*Index)(nil)

// New returns an empty in-memory index.
func New(opts Options) (*Index, error) {
	m := &Index{chunks: map[string]corpus.Chunk{}, db: chromem.NewDB(), exact: opts.exactLimit()}
	col, err := m.newCollection()
	if err != nil {
		return nil, fmt.Errorf("memory index: %w", err)
	}
	m.col = col
	lex, err := newBM25Index()
	if err != nil {
		return nil, fmt.Errorf("memory index: %w", err)
	}
	m.lex = lex
	return m, nil
}

func (m *Index) newCollection() (*chromem.Collection, error) {
	// The embedding function is never called: every record brings its own
	// vector. It errors rather than panics if that ever changes.
	noEmbed := func(context.Context, string) ([]float32, error) {
		return nil, errors.New("memory index: vectors must be supplied")
	}
	return m.db.CreateCollection("chunks", nil, noEmbed)
}

// Upsert adds or replaces records. It normalises their vectors in place.
func (m *Index) Upsert(ctx context.Context, recs []index.Record) error {
	if m.readOnly {
		return ErrReadOnly
	}
	if len(recs) == 0 {
		return nil
	}
	for _, r := range recs {
		if len(r.Vector) == 0 {
			return fmt.Errorf("upsert chunk %s: empty vector", r.Chunk.ID)
		}
		if len(r.Vector) != len(recs[0].Vector) {
			return fmt.Errorf("upsert chunk %s: %w: %d dimensions beside %d", r.Chunk.ID, index.ErrVectorSize, len(r.Vector), len(recs[0].Vector))
		}
		embed.Normalize(r.Vector)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.dim != 0 && len(recs[0].Vector) != m.dim && len(m.chunks) > 0 {
		return fmt.Errorf("upsert chunk %s: %w: %d dimensions, the index holds %d", recs[0].Chunk.ID, index.ErrVectorSize, len(recs[0].Vector), m.dim)
	}
	if len(m.chunks) == 0 && m.flat != nil && m.flat.dim != len(recs[0].Vector) {
		m.flat = newFlatVectors(len(recs[0].Vector))
	}
	m.dim = len(recs[0].Vector)
	if m.flat == nil && len(m.chunks)+len(recs) > m.exact {
		if err := m.moveToFlat(ctx); err != nil {
			return err
		}
	}
	if m.flat != nil {
		for _, r := range recs {
			m.flat.upsert(r.Chunk.ID, r.Vector)
		}
	} else {
		docs := make([]chromem.Document, len(recs))
		for i, r := range recs {
			docs[i] = chromem.Document{ID: r.Chunk.ID, Embedding: r.Vector}
		}
		if err := m.col.AddDocuments(ctx, docs, runtime.GOMAXPROCS(0)); err != nil {
			return fmt.Errorf("upsert vectors: %w", err)
		}
	}
	if err := m.lex.upsert(recs); err != nil {
		return err
	}
	for _, r := range recs {
		m.chunks[r.Chunk.ID] = r.Chunk
	}
	return nil
}

// moveToFlat moves every vector from chromem to the flat table, which
// then holds the vectors for good.
func (m *Index) moveToFlat(ctx context.Context) error {
	f := newFlatVectors(m.dim)
	for id := range m.chunks {
		doc, err := m.col.GetByID(ctx, id)
		if err != nil {
			return fmt.Errorf("move vector %s: %w", id, err)
		}
		f.upsert(id, doc.Embedding)
	}
	if err := m.db.DeleteCollection(m.col.Name); err != nil {
		return fmt.Errorf("move vectors: %w", err)
	}
	m.col, m.flat = nil, f
	return nil
}

// Delete removes chunks by ID.
func (m *Index) Delete(ctx context.Context, ids []string) error {
	if m.readOnly {
		return ErrReadOnly
	}
	if len(ids) == 0 {
		return nil
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	var known []string
	for _, id := range ids {
		if _, ok := m.chunks[id]; ok {
			known = append(known, id)
		}
	}
	if len(known) == 0 {
		return nil
	}
	if m.flat != nil {
		for _, id := range known {
			m.flat.delete(id)
		}
	} else if err := m.col.Delete(ctx, nil, nil, known...); err != nil {
		// known is never empty here: chromem deletes everything when
		// given no IDs and an empty filter.
		return fmt.Errorf("delete vectors: %w", err)
	}
	if err := m.lex.delete(known); err != nil {
		return err
	}
	for _, id := range known {
		delete(m.chunks, id)
	}
	return nil
}

// Len is the number of chunks indexed.
func (m *Index) Len() int {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return len(m.chunks)
}

// Search fuses the BM25 and vector rankings. Lexical matches weigh a
// little more, because names and numbers, which questions hinge on, are
// exact-match material.
func (m *Index) Search(ctx context.Context, q index.Query, k int) ([]index.Hit, error) {
	if k <= 0 {
		return nil, nil
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	if m.closed {
		return nil, errClosed
	}
	n := len(m.chunks)
	if n == 0 {
		return nil, nil
	}
	depth := min(max(3*k, 30), n)
	// The two searches are independent; running them side by side halves
	// the latency on a multi-core machine.
	var lexIDs, vecIDs []string
	var lexErr, vecErr error
	var wg sync.WaitGroup
	if q.Text != "" {
		wg.Go(func() { lexIDs, _, lexErr = m.lex.search(ctx, q.Text, depth) })
	}
	if len(q.Vector) > 0 {
		wg.Go(func() { vecIDs, vecErr = m.vectorSearch(ctx, q.Vector, depth) })
	}
	wg.Wait()
	if err := errors.Join(lexErr, vecErr); err != nil {
		return nil, err
	}
	ids, score := index.FuseRRF([][]string{lexIDs, vecIDs}, []float64{1.0, 0.8})
	hits := make([]index.Hit, 0, min(k, len(ids)))
	for _, id := range ids {
		c, ok := m.chunks[id]
		if !ok {
			continue
		}
		hits = append(hits, index.Hit{Chunk: c, Score: score[id]})
		if len(hits) == k {
			break
		}
	}
	return hits, nil
}

// vectorSearch ranks chunks by cosine similarity to vec, exactly: in
// chromem below the exact-search limit, else in the flat table (the int8
// table of a stored index), or for a stored index and a dense question,
// in the vector file's rows.
func (m *Index) vectorSearch(ctx context.Context, vec []float32, n int) ([]string, error) {
	if len(vec) != m.dim {
		return nil, fmt.Errorf("%w: the question's vector has %d dimensions, the index's %d", index.ErrVectorSize, len(vec), m.dim)
	}
	q := embed.Normalize(append([]float32(nil), vec...))
	switch {
	case m.col != nil:
	case m.stored == nil:
		return m.flat.search(q, n), nil
	case isSparse(q):
		if t := m.table.Load(); t != nil {
			ids, err := t.search(q, n)
			if err != nil {
				return nil, fmt.Errorf("vector search: %w", err)
			}
			return ids, nil
		}
		m.tableOnce.Do(func() {
			m.tableDone.Go(func() { m.table.Store(m.buildTable()) })
		})
		return m.rowSearch(q, n)
	default:
		return m.rowSearch(q, n)
	}
	c := m.col.Count()
	if c == 0 {
		return nil, nil
	}
	res, err := m.col.QueryEmbedding(ctx, q, min(n, c), nil, nil)
	if err != nil {
		return nil, fmt.Errorf("vector search: %w", err)
	}
	// Ties (repeated text) go by ID, so that a question always gets the
	// same passages.
	sort.Slice(res, func(i, j int) bool {
		if res[i].Similarity != res[j].Similarity {
			return res[i].Similarity > res[j].Similarity
		}
		return res[i].ID < res[j].ID
	})
	ids := make([]string, 0, min(n, len(res)))
	for _, r := range res {
		if r.Similarity <= 0 || len(ids) == n {
			break
		}
		ids = append(ids, r.ID)
	}
	return ids, nil
}

// buildTable quantises the stored rows into the int8 table that sparse
// questions scan. The pages of each stretch of rows are let go once read;
// the table reads the few rows a question rescores from the file, not
// the mapping, so they do not come back.
func (m *Index) buildTable() *quantTable {
	t := quantFromRows(m.stored.Dim, m.stored.IDs, m.stored.Row, m.stored.ReadRow, m.stored.EvictRows)
	m.stored.Evict() // what row scans meanwhile brought back
	return t
}

// isSparse reports whether at most half of q's entries are non-zero, as
// the local embedder's questions are (about 70 of 384): the flat and
// int8 tables then read a fraction of the vectors. A dense question reads
// them all either way, and the row-major scan does that faster.
func isSparse(q []float32) bool {
	nz := 0
	for _, x := range q {
		if x != 0 {
			nz++
		}
	}
	return nz*2 <= len(q)
}

// rowSearch is the exact scan of the stored vector file. Build stores the
// rows in ID order, and the scan keeps the lower row of equal scores, so
// ties go by ID as in the other paths.
func (m *Index) rowSearch(q []float32, n int) ([]string, error) {
	hits, err := m.stored.Search(q, n, m.stored.Partitions())
	if err != nil {
		return nil, fmt.Errorf("vector search: %w", err)
	}
	ids := make([]string, 0, len(hits))
	for _, h := range hits {
		if h.Score <= 0 {
			break
		}
		ids = append(ids, h.ID)
	}
	return ids, nil
}

// Close releases the BM25 index and the vector file. The Index must not
// be used afterwards.
func (m *Index) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return nil
	}
	m.closed = true
	err := m.lex.close()
	m.tableDone.Wait() // it reads the mapped rows
	if t := m.table.Load(); t != nil {
		t.free() // no search runs: they hold mu, and see closed
	}
	if m.stored != nil {
		err = errors.Join(err, m.stored.Close())
	}
	return err
}
