// Package index is where chunks and their vectors are stored and
// searched: the Index interface the engine consumes, the records it holds,
// the lexical analysis both backends share, and Reciprocal Rank Fusion.
// Its sub-packages are the backends: memory, embedded, and weaviate, a
// server for corpora that outgrow one machine.
package index

import (
	"context"
	"errors"

	"github.com/citebot/citebot/corpus"
)

// ErrVectorSize means a query's vector has another number of dimensions
// than the index's vectors: the embedding model changed under a stored
// index. The engine then searches by words alone.
var ErrVectorSize = errors.New("vector size does not match the index")

// Record is a chunk and its vector, as an Index stores it.
type Record struct {
	Chunk  corpus.Chunk
	Vector []float32
}

// Query is a search request: the question's text for lexical matching and
// its vector for semantic matching.
type Query struct {
	Text   string
	Vector []float32
}

// Hit is a chunk an Index found, with its fused relevance score (higher is
// better; only the order is meaningful across backends).
type Hit struct {
	Chunk corpus.Chunk
	Score float64
}

// Index stores chunks and finds those that best match a query, combining
// lexical and vector relevance. memory.Index is the embedded implementation;
// a networked vector database can stand in for corpora that outgrow one
// machine.
type Index interface {
	// Upsert adds records, replacing any with the same chunk ID.
	Upsert(ctx context.Context, recs []Record) error
	// Delete removes the chunks with these IDs; unknown IDs are ignored.
	Delete(ctx context.Context, ids []string) error
	// Search returns at most k hits, best first.
	Search(ctx context.Context, q Query, k int) ([]Hit, error)
}
