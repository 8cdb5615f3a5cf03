package index

import (
	"bytes"
	"hash/maphash"
	"sync"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/char/asciifolding"
	"github.com/blevesearch/bleve/v2/registry"
	porterstemmer "github.com/blevesearch/go-porterstemmer"
)

// The analyzer's own filters: bleve's ASCII folding and Porter stemming,
// with the same output for every input, made cheaper for text that is
// mostly ASCII and words that recur. Ingest spends most of its time
// analysing chunks, and these two filters were a third of that (see also
// tokenizer.go).
const (
	foldName = "citebot_asciifolding"
	stemName = "citebot_porter"
)

func init() {
	// Registration fails only for a name taken twice, which is a bug.
	if err := registry.RegisterCharFilter(foldName, func(map[string]any, *registry.Cache) (analysis.CharFilter, error) {
		return foldFilter{fold: asciifolding.New()}, nil
	}); err != nil {
		panic(err)
	}
	if err := registry.RegisterTokenFilter(stemName, func(map[string]any, *registry.Cache) (analysis.TokenFilter, error) {
		return newStemFilter(), nil
	}); err != nil {
		panic(err)
	}
}

// foldFilter is asciifolding's filter, applied only to the runs of
// non-ASCII bytes: it folds rune by rune and keeps ASCII as it is, so
// the result is the same, without converting every text to runes.
type foldFilter struct{ fold analysis.CharFilter }

func (f foldFilter) Filter(input []byte) []byte {
	i := 0
	for i < len(input) && input[i] < utf8.RuneSelf {
		i++
	}
	if i == len(input) {
		return input
	}
	out := make([]byte, 0, len(input)+8)
	out = append(out, input[:i]...)
	for i < len(input) {
		j := i
		for j < len(input) && input[j] >= utf8.RuneSelf {
			j++
		}
		if j > i {
			// A copy: the fold may return its input.
			out = append(out, f.fold.Filter(bytes.Clone(input[i:j]))...)
			i = j
		}
		for j < len(input) && input[j] < utf8.RuneSelf {
			j++
		}
		out = append(out, input[i:j]...)
		i = j
	}
	return out
}

// stemFilter is bleve's Porter stemming filter with a memory of the
// terms it has stemmed, shared by every goroutine that analyses with it.
type stemFilter struct {
	seed   maphash.Seed
	shards [stemShards]stemShard
}

const (
	stemShards = 64
	// stemShardSize bounds each shard; past it, new terms are stemmed
	// every time, so that a long-running server's memory stays bounded.
	stemShardSize = 4096
)

type stemShard struct {
	mu    sync.RWMutex
	stems map[string][]byte
}

func newStemFilter() *stemFilter {
	f := &stemFilter{seed: maphash.MakeSeed()}
	for i := range f.shards {
		f.shards[i].stems = map[string][]byte{}
	}
	return f
}

func (f *stemFilter) Filter(input analysis.TokenStream) analysis.TokenStream {
	for _, token := range input {
		if token.KeyWord {
			continue
		}
		token.Term = f.stem(token.Term)
	}
	return input
}

// stem returns the stem of term as bleve's filter builds it. The slice
// returned is shared: the analysis chain only reads terms after this
// filter, and bleve copies them into the index.
func (f *stemFilter) stem(term []byte) []byte {
	sh := &f.shards[maphash.Bytes(f.seed, term)%stemShards]
	sh.mu.RLock()
	st, ok := sh.stems[string(term)]
	sh.mu.RUnlock()
	if ok {
		return st
	}
	st = analysis.BuildTermFromRunes(porterstemmer.StemWithoutLowerCasing(bytes.Runes(term)))
	sh.mu.Lock()
	if len(sh.stems) < stemShardSize {
		sh.stems[string(term)] = st
	}
	sh.mu.Unlock()
	return st
}
