package retrieval_test

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/citebot/citebot"
	"github.com/citebot/citebot/internal/scaletest"
	"github.com/citebot/citebot/retrieval"
	"github.com/citebot/citebot/retrieval/index"
	"github.com/citebot/citebot/retrieval/index/weaviate"
)

// BenchmarkIndexBackends measures the embedded index and a single
// Weaviate node side by side on the synthetic corpus: ingest time, ask
// latency (p50, p99) and memory, at each size in $CITEBOT_BENCH_CHUNKS
// (chunk counts, comma-separated; default 100000). It takes minutes, so
// it runs by hand, once:
//
//	CITEBOT_BENCH_CHUNKS=10000,25000,50000,100000 \
//	  go test ./retrieval -run NONE -bench BenchmarkIndexBackends -benchtime 1x -timeout 2h
//
// Memory is the Go heap the loaded corpus takes (both backends keep it:
// the engine learns term statistics from it), the heap the engine and its
// index add on top (after GC), and for Weaviate the server's resident set.
// docs/benchmarks.md has the figures.
func BenchmarkIndexBackends(b *testing.B) {
	if b.N > 1 {
		b.Skip("run with -benchtime 1x: one run ingests the corpus and asks 300 questions per backend")
	}
	sizes := []int{100000}
	if s := os.Getenv("CITEBOT_BENCH_CHUNKS"); s != "" {
		sizes = sizes[:0]
		for _, f := range strings.Split(s, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || n <= 0 {
				b.Fatalf("CITEBOT_BENCH_CHUNKS: bad size %q", f)
			}
			sizes = append(sizes, n)
		}
	}
	const questions = 300
	ctx := context.Background()
	var table strings.Builder
	const flushIdle = 5
	// Rows are printed as they are measured (a long b.Log is cut short).
	fmt.Fprintln(&table, "| chunks | index | ingest | chunks/s | p50 ask right after ingest | p50 ask | p99 ask | corpus in memory | index in citebot heap | weaviate RSS (peak) |")
	fmt.Fprintln(&table, "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
	fmt.Print(table.String())
	for _, size := range sizes {
		// synthetic() makes about 6.33 chunks of ~700 characters per
		// document of 30 sentences.
		before := heapInUse()
		docs := synthetic(max(1, size*100/633), 30)
		corpusMB := (heapInUse() - before) >> 20
		qs := []string{
			"When did Anna Kowalska arrive in Vilnius?",
			"Who met Peeter Tamm in Tallinn?",
			"How many " + docs[min(7, len(docs)-1)].Text[:30] + "?",
			"What happened in Warsaw on March 3, 2001?",
		}
		for _, backend := range []string{"embedded", "weaviate"} {
			var idx index.Index
			var wv *scaletest.Weaviate
			if backend == "weaviate" {
				wv = scaletest.StartWeaviate(b, fmt.Sprintf("PERSISTENCE_MEMTABLES_FLUSH_IDLE_AFTER_SECONDS=%d", flushIdle))
				w, err := weaviate.New(wv.URL, weaviate.Options{})
				if err != nil {
					b.Fatal(err)
				}
				idx = w
			}
			heap0 := heapInUse()
			start := time.Now()
			eng, err := retrieval.NewEngine(ctx, docs, retrieval.Options{Index: idx})
			if err != nil {
				b.Fatal(err)
			}
			ingest := time.Since(start)
			chunks := eng.Stats().Chunks
			// Right after a write Weaviate's BM25 reads unflushed
			// memtables, which is slow; measure that, then let the
			// memtables flush (they do after flushIdle seconds idle) and
			// measure the steady state.
			cold := make([]time.Duration, 20)
			for i := range cold {
				t0 := time.Now()
				if _, err := eng.Answer(ctx, citebot.Question{Text: qs[i%len(qs)]}); err != nil {
					b.Fatal(err)
				}
				cold[i] = time.Since(t0)
			}
			sort.Slice(cold, func(i, j int) bool { return cold[i] < cold[j] })
			if wv != nil {
				time.Sleep(time.Duration(flushIdle+5) * time.Second)
			}
			lat := make([]time.Duration, questions)
			for i := range lat {
				t0 := time.Now()
				if _, err := eng.Answer(ctx, citebot.Question{Text: qs[i%len(qs)]}); err != nil {
					b.Fatal(err)
				}
				lat[i] = time.Since(t0)
			}
			sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
			heap := heapInUse() - heap0
			server := "–"
			if wv != nil {
				m, err := wv.Memory()
				if err != nil {
					b.Fatal(err)
				}
				server = fmt.Sprintf("%d MB (%d MB)", m.RSS>>20, m.Peak>>20)
			}
			row := fmt.Sprintf("| %d | %s | %.1f s | %.0f | %.1f ms | %.1f ms | %.1f ms | %d MB | %d MB | %s |\n", chunks, backend,
				ingest.Seconds(), float64(chunks)/ingest.Seconds(), ms(cold[len(cold)/2]), ms(lat[len(lat)/2]), ms(lat[len(lat)*99/100]),
				corpusMB, heap>>20, server)
			fmt.Print(row)
			table.WriteString(row)
			runtime.KeepAlive(eng)
			eng.Close()
			if wv != nil {
				wv.Kill()
			}
		}
	}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// heapInUse is the live Go heap after a full collection.
func heapInUse() int64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc)
}
