package testcorpus

import (
	"math/rand/v2"
	"strings"

	"github.com/citebot/citebot/corpus"
)

// SentenceQueries returns up to n distinct questions made of the first 12
// words of random sentences of chunks (those of at least 4 words), the
// same ones for the same chunks: measurements of retrieval over a
// generated corpus, which has no question set, ask these.
func SentenceQueries(chunks []corpus.Chunk, n int) []string {
	if len(chunks) == 0 {
		return nil
	}
	r := rand.New(rand.NewPCG(13, 13))
	seen := map[string]bool{}
	var out []string
	for tries := 0; len(out) < n && tries < 100*n; tries++ {
		c := chunks[r.IntN(len(chunks))]
		sentences := strings.SplitAfter(c.Text, ". ")
		w := strings.Fields(sentences[r.IntN(len(sentences))])
		q := strings.Join(w[:min(len(w), 12)], " ")
		if len(w) >= 4 && !seen[q] {
			seen[q] = true
			out = append(out, q)
		}
	}
	return out
}
