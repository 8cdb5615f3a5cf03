package retrieval

import (
	"context"
	"sync"

	"github.com/citebot/citebot/corpus"
	"github.com/citebot/citebot/internal/parallel"
	"github.com/citebot/citebot/retrieval/embed"
	"github.com/citebot/citebot/retrieval/reader"
	"github.com/citebot/citebot/retrieval/words"
)

// learners embed chunks with the local embedder and gather the reader's
// statistics from the same tokens, one share per spare core: reading a
// 50 MB corpus once for both saves the second tokenization, 2–3 s of CPU
// on the longest chain of ingest (see docs/benchmarks.md).
type learners []*learner

// learner is one core's share.
type learner struct {
	e      embed.Local
	l      *reader.Learner
	titles *words.Splitter // titles are embedded, not learnt
	// toks and title are the tokens of the chunk being read, in slices
	// reused from chunk to chunk.
	toks, title []words.Token
}

func newLearners(e embed.Local) learners {
	ls := make(learners, parallel.Spare())
	for i := range ls {
		ls[i] = &learner{e: e, l: reader.NewLearner(), titles: words.NewSplitter(words.Stem)}
	}
	return ls
}

// embed returns the vectors of chunks[idx] (what e.Embed gives for their
// embed.Text) and learns them, each share a contiguous part of idx.
func (ls learners) embed(ctx context.Context, chunks []corpus.Chunk, idx []int) ([][]float32, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out := make([][]float32, len(idx))
	ls.each(len(idx), func(w *learner, k int) {
		c := chunks[idx[k]]
		w.toks = w.l.AppendSplit(w.toks[:0], c.Text)
		w.title = w.title[:0]
		if c.Title != "" {
			w.title = w.titles.AppendSplit(w.title, c.Title) // embed.Text puts it first, on a line of its own
		}
		out[k] = w.e.VectorOf(w.title, w.toks)
		w.l.AddTokens(c, w.toks)
	})
	return out, ctx.Err()
}

// learn learns chunks[idx] without embedding them.
func (ls learners) learn(chunks []corpus.Chunk, idx []int) {
	ls.each(len(idx), func(w *learner, k int) { w.l.Add(chunks[idx[k]]) })
}

// each calls f for k in [0, n), the shares' parts of it in turn on one
// goroutine each.
func (ls learners) each(n int, f func(w *learner, k int)) {
	var wg sync.WaitGroup
	for i, w := range ls {
		lo, hi := i*n/len(ls), (i+1)*n/len(ls)
		if lo == hi {
			continue
		}
		wg.Go(func() {
			for k := lo; k < hi; k++ {
				f(w, k)
			}
		})
	}
	wg.Wait()
}

// stats adds the shares up.
func (ls learners) stats() *reader.Stats {
	parts := make([]*reader.Learner, len(ls))
	for i, w := range ls {
		parts[i] = w.l
	}
	return reader.Learnt(parts...)
}
