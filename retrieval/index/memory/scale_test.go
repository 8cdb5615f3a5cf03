package memory

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/philippgille/chromem-go"

	"github.com/citebot/citebot/corpus"
	"github.com/citebot/citebot/internal/testcorpus"
	"github.com/citebot/citebot/retrieval/embed"
	"github.com/citebot/citebot/retrieval/index"
	"github.com/citebot/citebot/retrieval/index/vecfile"
)

// TestStoreAtScale measures Build, Open and search on a real corpus, such
// as the 50 MB one scripts/gencorpus writes, embedded by the local
// embedder, with distinct sentence queries. It is skipped unless
// CITEBOT_BENCH_CORPUS names the corpus folder:
//
//	go run ./scripts/gencorpus -mb 50 -out /tmp/corpus50
//	CITEBOT_BENCH_CORPUS=/tmp/corpus50 go test ./retrieval/index/memory -run TestStoreAtScale -v -timeout 30m
//
// docs/benchmarks.md, "Stored embedded index (issue 13)", has its
// figures.
func TestStoreAtScale(t *testing.T) {
	src := os.Getenv("CITEBOT_BENCH_CORPUS")
	if src == "" {
		t.Skip("set CITEBOT_BENCH_CORPUS to a corpus folder to measure")
	}
	ctx := context.Background()
	docs, _, err := corpus.LoadDir(ctx, src, corpus.LoadOptions{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	chunks := corpus.SplitAll(docs, corpus.ChunkOptions{})
	docs = nil
	texts := make([]string, len(chunks))
	for i, c := range chunks {
		texts[i] = c.Text
	}
	questions := testcorpus.SentenceQueries(chunks, 1000)
	var emb embed.Local
	start := time.Now()
	vecs, err := emb.Embed(ctx, texts)
	if err != nil {
		t.Fatal(err)
	}
	queries, err := emb.Embed(ctx, questions)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range queries {
		embed.Normalize(q)
	}
	t.Logf("%d chunks, %d queries, embedded in %v", len(chunks), len(questions), time.Since(start).Round(time.Millisecond))
	recs := make([]index.Record, len(chunks))
	for i, c := range chunks {
		recs[i] = index.Record{Chunk: c, Vector: vecs[i]}
	}
	texts, vecs = nil, nil

	// bleve alone: the on-disk build in batches of 2,000 against one
	// in-memory batch, as New does.
	order := make([]int, len(recs))
	for i := range order {
		order[i] = i
	}
	debug.FreeOSMemory()
	resetPeak(t)
	base := rssMB(t, "VmRSS")
	start = time.Now()
	tmp := t.TempDir()
	if err := buildBM25(ctx, filepath.Join(tmp, "bm25"), tmp, chunks, order); err != nil {
		t.Fatal(err)
	}
	t.Logf("bleve on disk, batches of %d, merged: %v, peak RSS +%d MB", bm25BatchSize, time.Since(start).Round(time.Millisecond), rssMB(t, "VmHWM")-base)
	debug.FreeOSMemory()
	resetPeak(t)
	base = rssMB(t, "VmRSS")
	start = time.Now()
	lex, err := newBM25Index()
	if err != nil {
		t.Fatal(err)
	}
	if err := lex.upsert(recs); err != nil {
		t.Fatal(err)
	}
	t.Logf("bleve one batch in memory: %v, peak RSS +%d MB", time.Since(start).Round(time.Millisecond), rssMB(t, "VmHWM")-base)
	lex.close()
	lex = nil

	// Build and Open.
	dir := filepath.Join(t.TempDir(), "index")
	debug.FreeOSMemory()
	resetPeak(t)
	base = rssMB(t, "VmRSS")
	start = time.Now()
	built, err := Build(ctx, dir, emb.Name(), recs, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("Build: %v, peak RSS +%d MB over %d MB", time.Since(start).Round(time.Millisecond), rssMB(t, "VmHWM")-base, base)
	built.Close()
	built = nil
	debug.FreeOSMemory()
	base = rssMB(t, "VmRSS")
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	heapBase := ms.HeapInuse
	start = time.Now()
	m, err := Open(ctx, dir, emb.Name(), chunks, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	openTime := time.Since(start)
	runtime.GC()
	runtime.ReadMemStats(&ms)
	t.Logf("Open: %v; heap +%d MB, RSS +%d MB", openTime.Round(time.Microsecond), (int64(ms.HeapInuse)-int64(heapBase))>>20, rssMB(t, "VmRSS")-base)
	if m.col != nil {
		t.Fatalf("%d chunks opened into chromem", len(chunks))
	}
	start = time.Now()
	if _, err := m.vectorSearch(ctx, queries[0], 30); err != nil {
		t.Fatal(err)
	}
	firstSparse := time.Since(start)
	runtime.GC()
	runtime.ReadMemStats(&ms)
	t.Logf("first sparse question (builds the flat table): %v; heap now +%d MB, RSS +%d MB", firstSparse.Round(time.Millisecond), (int64(ms.HeapInuse)-int64(heapBase))>>20, rssMB(t, "VmRSS")-base)

	// Vector search: the flat table against the row-major scan of the
	// same file and chromem-go, for the local embedder's sparse queries
	// and for dense ones (as a model's embeddings are).
	f, err := vecfile.Open(filepath.Join(dir, VectorsFile), vecfile.OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	const k = 30
	dense := make([][]float32, 300)
	r := rand.New(rand.NewPCG(7, 7))
	for i := range dense {
		dense[i] = make([]float32, f.Dim)
		for d := range dense[i] {
			dense[i][d] = float32(r.NormFloat64())
		}
		embed.Normalize(dense[i])
	}
	rowScan := func(q []float32) []string {
		hits, err := f.Search(q, k, f.Partitions())
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, h := range hits {
			if h.Score > 0 {
				ids = append(ids, h.ID)
			}
		}
		return ids
	}
	flatScan := func(q []float32) []string { return m.flat.search(q, k) }
	for _, kind := range []struct {
		name    string
		queries [][]float32
	}{{"sparse (local embedder)", queries}, {"dense", dense}} {
		var flatIDs [][]string
		flatT := timeEach(kind.queries, func(q []float32) { flatIDs = append(flatIDs, flatScan(q)) })
		var rowIDs [][]string
		rowT := timeEach(kind.queries, func(q []float32) { rowIDs = append(rowIDs, rowScan(q)) })
		t.Logf("%s: flat table p50 %v p99 %v; row-major scan p50 %v p99 %v; recall@30 of flat against the row scan %.4f",
			kind.name, pct(flatT, 50), pct(flatT, 99), pct(rowT, 50), pct(rowT, 99), recall(flatIDs, rowIDs))
	}

	// chromem-go's exhaustive search over the same vectors, the reference
	// the engine used below the limit, on the first 200 queries.
	db := chromem.NewDB()
	col, err := db.CreateCollection("bench", nil, func(context.Context, string) ([]float32, error) {
		return nil, errors.New("no embedding in the benchmark")
	})
	if err != nil {
		t.Fatal(err)
	}
	cdocs := make([]chromem.Document, f.Len())
	for i, id := range f.IDs {
		cdocs[i] = chromem.Document{ID: id, Embedding: f.Row(i)}
	}
	if err := col.AddDocuments(ctx, cdocs, runtime.GOMAXPROCS(0)); err != nil {
		t.Fatal(err)
	}
	var chromemIDs, flatIDs [][]string
	chromemT := timeEach(queries[:200], func(q []float32) {
		res, err := col.QueryEmbedding(ctx, q, k, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, r := range res {
			if r.Similarity > 0 {
				ids = append(ids, r.ID)
			}
		}
		chromemIDs = append(chromemIDs, ids)
		flatIDs = append(flatIDs, flatScan(q))
	})
	t.Logf("chromem-go exact: p50 %v p99 %v; recall@30 of flat against chromem %.4f", pct(chromemT, 50), pct(chromemT, 99), recall(flatIDs, chromemIDs))
	col, db, cdocs = nil, nil, nil

	// The whole Search, BM25 and vectors fused, as the engine calls it.
	searchT := timeEach(queries, func(q []float32) {})
	for i, q := range queries {
		start := time.Now()
		if _, err := m.Search(ctx, index.Query{Text: questions[i], Vector: q}, 10); err != nil {
			t.Fatal(err)
		}
		searchT[i] = time.Since(start)
	}
	slices.Sort(searchT)
	t.Logf("Search (BM25 + vectors + RRF), %d distinct questions: p50 %v p99 %v", len(queries), pct(searchT, 50), pct(searchT, 99))
}

// timeEach runs f on each query and returns the times, sorted.
func timeEach(queries [][]float32, f func(q []float32)) []time.Duration {
	out := make([]time.Duration, len(queries))
	for i, q := range queries {
		start := time.Now()
		f(q)
		out[i] = time.Since(start)
	}
	slices.Sort(out)
	return out
}

// pct is the p-th percentile of sorted times.
func pct(sorted []time.Duration, p int) time.Duration {
	return sorted[min(len(sorted)*p/100, len(sorted)-1)].Round(10 * time.Microsecond)
}

// recall is the share of want's ids, query by query, that got holds.
func recall(got, want [][]string) float64 {
	var hit, total int
	for i := range want {
		for _, id := range want[i] {
			total++
			if slices.Contains(got[i], id) {
				hit++
			}
		}
	}
	return float64(hit) / float64(max(total, 1))
}

// rssMB reads a memory figure (VmRSS, VmHWM) of this process in MB.
func rssMB(t *testing.T, field string) int64 {
	t.Helper()
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Skipf("no /proc: %v", err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, field+":"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return kb >> 10
		}
	}
	t.Fatalf("%s not in /proc/self/status", field)
	return 0
}

// resetPeak starts VmHWM again from the current RSS.
func resetPeak(t *testing.T) {
	t.Helper()
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		t.Logf("cannot reset peak RSS: %v", err)
	}
}
