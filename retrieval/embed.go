package retrieval

import (
	"context"
	"math"
)

// Embedder turns texts into vectors for semantic search.
type Embedder interface {
	// Name identifies the embedder and its model. The index records it, and
	// an index built by one embedder is rebuilt, never mixed, when another
	// one is configured.
	Name() string
	// Embed returns one vector per text, in order. Vectors need not be
	// normalised; the engine normalises them.
	Embed(ctx context.Context, texts []string) ([][]float32, error)
}

// normalize scales v to unit length in place, so that chromem's dot product
// is cosine similarity. A zero vector stays zero.
func normalize(v []float32) []float32 {
	var sum float64
	for _, x := range v {
		sum += float64(x) * float64(x)
	}
	if sum == 0 {
		return v
	}
	inv := float32(1 / math.Sqrt(sum))
	for i := range v {
		v[i] *= inv
	}
	return v
}

// vectorMismatch reports that a question's vector did not fit the index
// (the embedding model changed under a stored index), so the question is
// searched by its words alone; rebuilding the index with the model puts
// the vectors back to work.
func (e *Engine) vectorMismatch(ctx context.Context, err error) {
	e.log.Warn("the question's embedding does not fit the index; searching by its words alone (rebuild the index with this embedder)",
		"embedder", e.embed.Name(), "err", err)
	if e.degrade != nil {
		e.degrade(ctx, "embed", ReasonError)
	}
}
