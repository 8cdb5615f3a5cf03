// Package memory is the embedded index: vectors in chromem-go, BM25 in an
// in-memory bleve index, and the two rankings fused with Reciprocal Rank
// Fusion. It needs no server.
package memory

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sort"
	"sync"

	"github.com/philippgille/chromem-go"

	"github.com/citebot/citebot/corpus"
	"github.com/citebot/citebot/retrieval/embed"
	"github.com/citebot/citebot/retrieval/index"
)

// ExactSearchLimit is the default number of chunks up to which an Index
// searches every vector. chromem-go v0.7 pays a channel send and two locks per
// document per query, which puts an exhaustive search of 100,000 chunks
// near 100 ms on two cores; beyond this limit the vectors are split into
// partitions (an inverted-file index, each partition a chromem collection)
// and a query reads only the partitions nearest to it.
const ExactSearchLimit = 20000

// Index is the embedded index.Index: vectors in chromem-go collections,
// BM25 in an in-memory bleve index, and the two rankings fused with
// Reciprocal Rank Fusion.
type Index struct {
	mu        sync.RWMutex
	chunks    map[string]corpus.Chunk
	db        *chromem.DB
	parts     []*chromem.Collection
	centroids [][]float32 // nil while every vector sits in parts[0]
	probes    int
	partOf    map[string]int
	lex       *bm25Index
	exact     int
	dim       int // dimensions of every vector; 0 while empty
}

// Options tunes an Index. The zero value is the default.
type Options struct {
	// ExactSearchLimit overrides the package default when positive.
	ExactSearchLimit int
}

var _ index.Index = (*Index)(nil)

// New returns an empty in-memory index.
func New(opts Options) (*Index, error) {
	m := &Index{chunks: map[string]corpus.Chunk{}, partOf: map[string]int{}, db: chromem.NewDB(), exact: opts.ExactSearchLimit}
	if m.exact <= 0 {
		m.exact = ExactSearchLimit
	}
	col, err := m.newPart(0)
	if err != nil {
		return nil, fmt.Errorf("memory index: %w", err)
	}
	m.parts = []*chromem.Collection{col}
	lex, err := newBM25Index()
	if err != nil {
		return nil, fmt.Errorf("memory index: %w", err)
	}
	m.lex = lex
	return m, nil
}

func (m *Index) newPart(i int) (*chromem.Collection, error) {
	// The embedding function is never called: every record brings its own
	// vector. It errors rather than panics if that ever changes.
	noEmbed := func(context.Context, string) ([]float32, error) {
		return nil, errors.New("memory index: vectors must be supplied")
	}
	return m.db.CreateCollection(fmt.Sprintf("chunks-%d", i), nil, noEmbed)
}

// Upsert adds or replaces records.
func (m *Index) Upsert(ctx context.Context, recs []index.Record) error {
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
	m.dim = len(recs[0].Vector)
	if m.centroids == nil && len(m.chunks)+len(recs) > m.exact {
		if err := m.partition(ctx, recs); err != nil {
			return err
		}
	} else if err := m.addVectors(ctx, recs); err != nil {
		return err
	}
	if err := m.lex.upsert(recs); err != nil {
		return err
	}
	for _, r := range recs {
		m.chunks[r.Chunk.ID] = r.Chunk
	}
	return nil
}

// addVectors routes each record to its partition and adds it there,
// replacing an older vector with the same ID wherever that lives.
func (m *Index) addVectors(ctx context.Context, recs []index.Record) error {
	byPart := map[int][]chromem.Document{}
	for _, r := range recs {
		p := 0
		if m.centroids != nil {
			p = nearest(m.centroids, r.Vector)
		}
		if old, ok := m.partOf[r.Chunk.ID]; ok && old != p {
			if err := m.parts[old].Delete(ctx, nil, nil, r.Chunk.ID); err != nil {
				return fmt.Errorf("move vector %s: %w", r.Chunk.ID, err)
			}
		}
		m.partOf[r.Chunk.ID] = p
		byPart[p] = append(byPart[p], chromem.Document{ID: r.Chunk.ID, Embedding: r.Vector})
	}
	for p, docs := range byPart {
		if err := m.parts[p].AddDocuments(ctx, docs, runtime.GOMAXPROCS(0)); err != nil {
			return fmt.Errorf("upsert vectors: %w", err)
		}
	}
	return nil
}

// partition moves the index to the inverted-file layout: it trains
// centroids on all vectors (stored and new), then re-adds every vector to
// the partition of its nearest centroid.
func (m *Index) partition(ctx context.Context, recs []index.Record) error {
	all := make([]index.Record, 0, len(m.chunks)+len(recs))
	fresh := make(map[string]bool, len(recs))
	for _, r := range recs {
		fresh[r.Chunk.ID] = true
	}
	for id, c := range m.chunks {
		if fresh[id] {
			continue
		}
		doc, err := m.parts[m.partOf[id]].GetByID(ctx, id)
		if err != nil {
			return fmt.Errorf("partition: read vector %s: %w", id, err)
		}
		all = append(all, index.Record{Chunk: c, Vector: doc.Embedding})
	}
	all = append(all, recs...)
	vecs := make([][]float32, len(all))
	for i, r := range all {
		vecs[i] = r.Vector
	}
	k, probes := ivfPlan(len(all))
	m.centroids = trainCentroids(vecs, k)
	m.probes = probes
	for i := range m.parts {
		if err := m.db.DeleteCollection(fmt.Sprintf("chunks-%d", i)); err != nil {
			return fmt.Errorf("partition: %w", err)
		}
	}
	m.parts = make([]*chromem.Collection, k)
	for i := range m.parts {
		col, err := m.newPart(i)
		if err != nil {
			return fmt.Errorf("partition: %w", err)
		}
		m.parts[i] = col
	}
	clear(m.partOf)
	return m.addVectors(ctx, all)
}

// Delete removes chunks by ID.
func (m *Index) Delete(ctx context.Context, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	byPart := map[int][]string{}
	for _, id := range ids {
		if p, ok := m.partOf[id]; ok {
			byPart[p] = append(byPart[p], id)
		}
	}
	for p, pids := range byPart {
		// pids is never empty here: chromem deletes everything when given
		// no IDs and an empty filter.
		if err := m.parts[p].Delete(ctx, nil, nil, pids...); err != nil {
			return fmt.Errorf("delete vectors: %w", err)
		}
	}
	if err := m.lex.delete(ids); err != nil {
		return err
	}
	for _, id := range ids {
		delete(m.chunks, id)
		delete(m.partOf, id)
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

// vectorSearch ranks chunks by cosine similarity to vec: over every vector
// below the exact-search limit, else over the partitions nearest to vec.
func (m *Index) vectorSearch(ctx context.Context, vec []float32, n int) ([]string, error) {
	if len(vec) != m.dim {
		return nil, fmt.Errorf("%w: the question's vector has %d dimensions, the index's %d", index.ErrVectorSize, len(vec), m.dim)
	}
	q := embed.Normalize(append([]float32(nil), vec...))
	parts := []int{0}
	if m.centroids != nil {
		parts = nearestK(m.centroids, q, m.probes)
	}
	var res []chromem.Result
	for _, p := range parts {
		col := m.parts[p]
		c := col.Count()
		if c == 0 {
			continue
		}
		r, err := col.QueryEmbedding(ctx, q, min(n, c), nil, nil)
		if err != nil {
			return nil, fmt.Errorf("vector search: %w", err)
		}
		res = append(res, r...)
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

// Close releases the BM25 index.
func (m *Index) Close() error {
	return m.lex.close()
}
