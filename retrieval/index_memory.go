package retrieval

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"

	"github.com/philippgille/chromem-go"

	"github.com/citebot/citebot/corpus"
)

// MemoryIndex is the embedded Index: vectors in a chromem-go collection,
// BM25 in an in-memory bleve index, and the two rankings fused with
// Reciprocal Rank Fusion.
type MemoryIndex struct {
	mu     sync.RWMutex
	chunks map[string]corpus.Chunk
	vec    *chromem.Collection
	lex    *bm25Index
}

var _ Index = (*MemoryIndex)(nil)

// NewMemoryIndex returns an empty in-memory index.
func NewMemoryIndex() (*MemoryIndex, error) {
	db := chromem.NewDB()
	// The embedding function is never called: every record brings its own
	// vector. It errors rather than panics if that ever changes.
	noEmbed := func(context.Context, string) ([]float32, error) {
		return nil, fmt.Errorf("memory index: vectors must be supplied")
	}
	col, err := db.CreateCollection("chunks", nil, noEmbed)
	if err != nil {
		return nil, fmt.Errorf("memory index: %w", err)
	}
	lex, err := newBM25Index()
	if err != nil {
		return nil, fmt.Errorf("memory index: %w", err)
	}
	return &MemoryIndex{chunks: map[string]corpus.Chunk{}, vec: col, lex: lex}, nil
}

// Upsert adds or replaces records.
func (m *MemoryIndex) Upsert(ctx context.Context, recs []Record) error {
	if len(recs) == 0 {
		return nil
	}
	docs := make([]chromem.Document, len(recs))
	for i, r := range recs {
		if len(r.Vector) == 0 {
			return fmt.Errorf("upsert chunk %s: empty vector", r.Chunk.ID)
		}
		docs[i] = chromem.Document{ID: r.Chunk.ID, Embedding: normalize(r.Vector)}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.vec.AddDocuments(ctx, docs, runtime.GOMAXPROCS(0)); err != nil {
		return fmt.Errorf("upsert vectors: %w", err)
	}
	if err := m.lex.upsert(recs); err != nil {
		return err
	}
	for _, r := range recs {
		m.chunks[r.Chunk.ID] = r.Chunk
	}
	return nil
}

// Delete removes chunks by ID.
func (m *MemoryIndex) Delete(ctx context.Context, ids []string) error {
	if len(ids) == 0 {
		// chromem deletes everything when given no IDs and an empty filter.
		return nil
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.vec.Delete(ctx, nil, nil, ids...); err != nil {
		return fmt.Errorf("delete vectors: %w", err)
	}
	if err := m.lex.delete(ids); err != nil {
		return err
	}
	for _, id := range ids {
		delete(m.chunks, id)
	}
	return nil
}

// Len is the number of chunks indexed.
func (m *MemoryIndex) Len() int {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return len(m.chunks)
}

// Search fuses the BM25 and vector rankings. Each side contributes its top
// candidates; lexical matches weigh a little more because names and
// numbers, which questions hinge on, are exact-match material.
func (m *MemoryIndex) Search(ctx context.Context, q Query, k int) ([]Hit, error) {
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
	rankings := [][]string{lexIDs, vecIDs}
	weights := []float64{1.0, 0.8}
	ids, score := fuseRRF(rankings, weights)
	hits := make([]Hit, 0, min(k, len(ids)))
	for _, id := range ids {
		c, ok := m.chunks[id]
		if !ok {
			continue
		}
		hits = append(hits, Hit{Chunk: c, Score: score[id]})
		if len(hits) == k {
			break
		}
	}
	return hits, nil
}

// vectorSearch ranks chunks by cosine similarity to vec.
func (m *MemoryIndex) vectorSearch(ctx context.Context, vec []float32, n int) ([]string, error) {
	res, err := m.vec.QueryEmbedding(ctx, normalize(append([]float32(nil), vec...)), n, nil, nil)
	if err != nil {
		return nil, fmt.Errorf("vector search: %w", err)
	}
	ids := make([]string, 0, len(res))
	for _, r := range res {
		if r.Similarity <= 0 {
			break
		}
		ids = append(ids, r.ID)
	}
	return ids, nil
}

// Close releases the BM25 index.
func (m *MemoryIndex) Close() error {
	return m.lex.close()
}
