// Package embed turns text into vectors for semantic search: Local, which
// needs no model and no network, and OpenAI, over any OpenAI-compatible
// /embeddings endpoint. It alone knows go-openai's errors, and classifies a
// failed model call for the stages above it (FailureReason).
package embed

import (
	"context"
	"fmt"
	"sync"

	"github.com/citebot/citebot/internal/parallel"
	"github.com/citebot/citebot/retrieval/words"
)

// DefaultLocalDim is the vector size of the local embedder when
// Local.Dim is zero. 384 keeps a 100,000-chunk index at about
// 150 MB and an exhaustive search within budget, while collisions between
// hashed features stay rare enough not to matter for ranking.
const DefaultLocalDim = 384

// Local embeds text offline by feature hashing: each content word
// contributes its stem and its character 3- and 4-grams, hashed into a fixed
// number of signed buckets. It needs no model and no network, and the
// n-grams make it tolerant of typos ("otawa", "ratfy") and inflections that
// a word index misses.
type Local struct {
	// Dim is the vector size; zero means DefaultLocalDim.
	Dim int
}

func (e Local) dim() int {
	if e.Dim <= 0 {
		return DefaultLocalDim
	}
	return e.Dim
}

// Name identifies the embedder and its parameters. The version changes
// with the words' stems (v3: "died" and "die" are one word), so that
// vectors stored by another version are made again.
func (e Local) Name() string { return fmt.Sprintf("local-hash-v3/%d", e.dim()) }

// Embed returns one vector per text. It never fails except on a cancelled
// context. A long list is shared among the spare CPUs (parallel.Spare):
// hashing is all it does, and it runs beside the index build.
func (e Local) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, len(texts))
	workers := min(parallel.Spare(), len(texts)/minPerWorker)
	if workers <= 1 {
		split := words.Split
		if len(texts) > 1 {
			split = words.NewSplitter(words.Stem).Split
		}
		for i, t := range texts {
			if i%256 == 0 && ctx.Err() != nil {
				break
			}
			out[i] = e.vector(t, split)
		}
	} else {
		var wg sync.WaitGroup
		for w := range workers {
			wg.Go(func() {
				split := words.NewSplitter(words.Stem).Split
				for i := w; i < len(texts); i += workers {
					if (i/workers)%64 == 0 && ctx.Err() != nil {
						return
					}
					out[i] = e.vector(texts[i], split)
				}
			})
		}
		wg.Wait()
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("local embed: %w", err)
	}
	return out, nil
}

// minPerWorker is the fewest texts worth a goroutine of their own: a
// question alone is embedded in place.
const minPerWorker = 32

// Feature weights: a whole-word match says more than a shared n-gram.
const (
	wordWeight  = 1.0
	gramWeight  = 0.35
	fnvOffset64 = 14695981039346656037
	fnvPrime64  = 1099511628211
)

// vector embeds text, split into words by split (words.Split, or a
// words.Splitter's when many texts are embedded at once).
func (e Local) vector(text string, split func(string) []words.Token) []float32 {
	return e.VectorOf(split(text))
}

// VectorOf is the vector of a text already tokenized, in one piece or in
// several (a chunk's title and then its text): what Embed gives for the
// text. A caller that tokenizes the text anyway for a purpose of its own
// need not have it tokenized again.
func (e Local) VectorOf(parts ...[]words.Token) []float32 {
	d := uint64(e.dim())
	v := make([]float32, d)
	add := func(h uint64, w float32) {
		idx := (h >> 1) % d
		if h&1 == 1 {
			w = -w
		}
		v[idx] += w
	}
	var buf [64]byte
	for _, part := range parts {
		for _, t := range part {
			if t.Stem == "" {
				continue
			}
			add(hashString(fnvOffset64^'w', t.Stem), wordWeight)
			// Pad the folded word so that grams at its edges are distinct
			// features: "^ot", "wa$".
			w := t.Norm
			if len(w)+2 > len(buf) {
				w = w[:len(buf)-2]
			}
			b := buf[:0]
			b = append(b, '^')
			b = append(b, w...)
			b = append(b, '$')
			for n := 3; n <= 4; n++ {
				for i := 0; i+n <= len(b); i++ {
					add(hashBytes(fnvOffset64^uint64(n), b[i:i+n]), gramWeight)
				}
			}
		}
	}
	return Normalize(v)
}

func hashString(h uint64, s string) uint64 {
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= fnvPrime64
	}
	return h
}

func hashBytes(h uint64, b []byte) uint64 {
	for _, c := range b {
		h ^= uint64(c)
		h *= fnvPrime64
	}
	return h
}
