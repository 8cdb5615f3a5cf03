package vecfile_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/philippgille/chromem-go"

	"github.com/citebot/citebot/retrieval/index/vecfile"
)

// Benchmarks at the scale: 96k rows of 384 dimensions. With
// CITEBOT_BENCH_CORPUS set to the 50 MB generated corpus they use its
// chunks and sentence queries, embedded by the local embedder; without
// it, random unit rows, with queries that have the local embedder's
// sparsity (70 of 384 entries non-zero). Every iteration asks another
// query; -benchtime 1000x or less never repeats one.
//
//	CITEBOT_BENCH_CORPUS=/tmp/corpus50 go test ./retrieval/index/vecfile -run '^$' -bench . -benchtime 300x -timeout 30m

const (
	benchRows    = 96000
	benchDim     = 384
	benchQueries = 1000
	benchK       = 30
)

// bench holds the loaded vectors and their index across benchmarks,
// which run one at a time.
var bench struct {
	sync.Mutex
	e  embedded
	ix *vecfile.Index
}

func loadBench(b *testing.B) (embedded, *vecfile.Index) {
	b.Helper()
	bench.Lock()
	defer bench.Unlock()
	if bench.ix != nil {
		return bench.e, bench.ix
	}
	if dir := os.Getenv(benchCorpusEnv); dir != "" {
		bench.e = embedCorpus(b, dir, nil)
	} else {
		bench.e = randomBench()
	}
	start := time.Now()
	ix, err := vecfile.Build(bench.e.embedder, bench.e.ids, bench.e.vecs, vecfile.BuildOptions{Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("built %d partitions of %d rows in %v", ix.Partitions(), ix.Len(), time.Since(start).Round(time.Millisecond))
	bench.ix = ix
	return bench.e, bench.ix
}

// randomBench is benchRows random unit rows, and queries with the local
// embedder's sparsity.
func randomBench() embedded {
	r := rand.New(rand.NewPCG(42, 42))
	e := embedded{embedder: "random/384", ids: make([]string, benchRows), vecs: make([][]float32, benchRows)}
	for i := range e.vecs {
		e.ids[i] = fmt.Sprintf("row%06d", i)
		v := make([]float32, benchDim)
		for d := range v {
			v[d] = float32(r.NormFloat64())
		}
		normalize(v)
		e.vecs[i] = v
	}
	for range benchQueries {
		q := make([]float32, benchDim)
		for _, d := range r.Perm(benchDim)[:70] {
			q[d] = float32(r.NormFloat64())
		}
		normalize(q)
		e.queries = append(e.queries, q)
	}
	return e
}

// denseQueries are random unit vectors with no zero entries, as an
// embedding model's are.
func denseQueries(n, dim int) [][]float32 {
	r := rand.New(rand.NewPCG(7, 7))
	out := make([][]float32, n)
	for i := range out {
		v := make([]float32, dim)
		for d := range v {
			v[d] = float32(r.NormFloat64())
		}
		normalize(v)
		out[i] = v
	}
	return out
}

// BenchmarkSearch compares, over the same vectors, chromem-go's
// exhaustive query with the tight scan of the flat file, exact and with
// the default probes, for the local embedder's sparse queries and for
// dense ones.
func BenchmarkSearch(b *testing.B) {
	e, ix := loadBench(b)
	b.Logf("%d rows of %d, %d partitions, default probes %d", ix.Len(), ix.Dim, ix.Partitions(), vecfile.DefaultProbes(ix.Partitions()))
	queries := map[string][][]float32{"sparse": e.queries, "dense": denseQueries(benchQueries, ix.Dim)}
	for _, kind := range []string{"sparse", "dense"} {
		qs := queries[kind]
		for _, m := range []struct {
			name   string
			probes int
		}{{"exact", ix.Partitions()}, {"default-probes", 0}} {
			b.Run("vecfile-"+m.name+"/"+kind, func(b *testing.B) {
				i := 0
				for b.Loop() {
					if _, err := ix.Search(qs[i%len(qs)], benchK, m.probes); err != nil {
						b.Fatal(err)
					}
					i++
				}
			})
		}
	}
	ctx := context.Background()
	db := chromem.NewDB()
	col, err := db.CreateCollection("bench", nil, func(context.Context, string) ([]float32, error) {
		return nil, errors.New("no embedding in the benchmark")
	})
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	if err := col.Add(ctx, e.ids, e.vecs, nil, nil); err != nil {
		b.Fatal(err)
	}
	b.Logf("chromem: added %d documents in %v", col.Count(), time.Since(start).Round(time.Millisecond))
	for _, kind := range []string{"sparse", "dense"} {
		qs := queries[kind]
		b.Run("chromem-exact/"+kind, func(b *testing.B) {
			i := 0
			for b.Loop() {
				if _, err := col.QueryEmbedding(ctx, qs[i%len(qs)], benchK, nil, nil); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}

// BenchmarkOpen is the start-up cost of the vector file: mapping it (the
// default) or reading it whole.
func BenchmarkOpen(b *testing.B) {
	_, ix := loadBench(b)
	path := filepath.Join(b.TempDir(), "vectors.bin")
	start := time.Now()
	if err := vecfile.Write(path, ix); err != nil {
		b.Fatal(err)
	}
	fi, _ := os.Stat(path)
	b.Logf("wrote %d rows of %d (%d MB) in %v", ix.Len(), ix.Dim, fi.Size()>>20, time.Since(start).Round(time.Millisecond))
	for _, m := range []struct {
		name string
		opts vecfile.OpenOptions
	}{{"mmap", vecfile.OpenOptions{Embedder: ix.Embedder, Dim: ix.Dim}}, {"read", vecfile.OpenOptions{NoMmap: true}}} {
		b.Run(m.name, func(b *testing.B) {
			for b.Loop() {
				f, err := vecfile.Open(path, m.opts)
				if err != nil {
					b.Fatal(err)
				}
				if err := f.Close(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
