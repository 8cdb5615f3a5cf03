package reader

import (
	"context"
	"reflect"
	"runtime"
	"testing"

	"github.com/citebot/citebot/corpus"
)

// TestLearnInSharesCountsAsOne checks that statistics learnt in shares,
// one per core, add up to those learnt in one pass.
func TestLearnInSharesCountsAsOne(t *testing.T) {
	docs, _, err := corpus.Load(context.Background(), corpus.Default(), corpus.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	chunks := corpus.SplitAll(docs, corpus.ChunkOptions{})
	one := Learn(chunks)
	defer func(n int, procs int) { learnShard = n; runtime.GOMAXPROCS(procs) }(learnShard, runtime.GOMAXPROCS(4))
	learnShard = 5
	shared := Learn(chunks)
	for _, f := range []struct {
		name      string
		got, want any
	}{
		{"df", shared.df, one.df},
		{"proper", shared.proper, one.proper},
		{"lower", shared.lower, one.lower},
		{"stems", shared.stems, one.stems},
		{"n", shared.n, one.n},
	} {
		if !reflect.DeepEqual(f.got, f.want) {
			t.Errorf("%s learnt in shares differs from one pass", f.name)
		}
	}
	if got, want := len(shared.vocab), len(one.vocab); got != want {
		t.Errorf("vocabulary has %d first letters in shares, %d in one pass", got, want)
	}
}
