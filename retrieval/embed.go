package retrieval

import (
	"context"

	"github.com/citebot/citebot"
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

// vectorMismatch reports that a question's vector did not fit the index
// (the embedding model changed under a stored index), so the question is
// searched by its words alone; rebuilding the index with the model puts
// the vectors back to work.
func (e *Engine) vectorMismatch(ctx context.Context, err error) {
	e.log.Warn("the question's embedding does not fit the index; searching by its words alone (rebuild the index with this embedder)",
		"embedder", e.embed.Name(), "err", err)
	if e.degrade != nil {
		e.degrade(ctx, "embed", citebot.ReasonError)
	}
}
