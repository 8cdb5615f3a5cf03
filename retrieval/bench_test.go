package retrieval_test

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/citebot/citebot"
	"github.com/citebot/citebot/corpus"
	"github.com/citebot/citebot/retrieval"
	"github.com/citebot/citebot/retrieval/reader"
)

var devQuestions = []string{
	"when did Estonia ratify Ottawa?",
	"Which countries ratified the Ottawa Convention in 2005?",
	"Who is Lithuania's minister of defence?",
	"What share of GDP did Lithuania, Estonia and Poland endorse for defence spending?",
	"Which human rights organization criticised the withdrawal?",
	"What is the capital of Australia?",
}

// reportLatency runs f b.N times and reports the median and p99, which is
// what the targets are stated in.
func reportLatency(b *testing.B, f func(i int)) {
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		f(i)
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	reportPercentiles(b, lat)
}

// reportConcurrent runs f(i) for every i below b.N from conns goroutines,
// each taking the next i, and reports answers per second and the median
// and p99 latency, as scripts/loadtest does over HTTP.
func reportConcurrent(b *testing.B, conns int, f func(i int) error) {
	lat := make([]time.Duration, b.N)
	var next atomic.Int64
	var firstErr atomic.Pointer[error]
	b.ResetTimer()
	var wg sync.WaitGroup
	for range conns {
		wg.Go(func() {
			for firstErr.Load() == nil {
				i := int(next.Add(1)) - 1
				if i >= b.N {
					return
				}
				start := time.Now()
				if err := f(i); err != nil {
					firstErr.CompareAndSwap(nil, &err)
					return
				}
				lat[i] = time.Since(start)
			}
		})
	}
	wg.Wait()
	b.StopTimer()
	if err := firstErr.Load(); err != nil {
		b.Fatal(*err)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "answers/s")
	reportPercentiles(b, lat)
}

// reportPercentiles reports the median and p99 of lat, which it sorts.
func reportPercentiles(b *testing.B, lat []time.Duration) {
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
}

// BenchmarkAnswerDistinct times distinct questions on a fresh engine, each
// asked once when run with -benchtime=Nx for N at most the number of
// questions (it fails beyond that, rather than repeat one): 415 questions
// on the embedded articles (their own, and the SQuAD development set, which
// they mostly refuse after the same work) and the 400 SQuAD questions on
// their ten articles; and, when CITEBOT_BENCH_CORPUS is set, a generated
// corpus (see benchGenerated). docs/benchmarks.md has the figures and the
// commands.
func BenchmarkAnswerDistinct(b *testing.B) {
	benchSharedSets(b)
	b.Run("generated", benchGenerated)
}

// benchSharedSets is BenchmarkAnswerDistinct on the shared eval sets.
func benchSharedSets(b *testing.B) {
	ctx := context.Background()
	var seedQs, squadQs []string
	for _, path := range []string{filepath.Join(sharedEval, "questions.jsonl"), filepath.Join(sharedEval, "squad-train", "questions.jsonl")} {
		f, err := os.Open(path)
		if err != nil {
			b.Logf("skipping seed and squad: %s: %v (the shared eval sets sit beside the repository)", path, err)
			return
		}
		qs, err := retrieval.ReadEvalSet(f)
		f.Close()
		if err != nil {
			b.Fatal(err)
		}
		for _, q := range qs {
			if strings.Contains(path, "squad") {
				squadQs = append(squadQs, q.Question)
			}
			seedQs = append(seedQs, q.Question)
		}
	}
	squadDocs, _, err := corpus.LoadDir(ctx, filepath.Join(sharedEval, "squad-train", "corpus"), corpus.LoadOptions{})
	if err != nil {
		b.Fatal(err)
	}
	seedDocs, _, err := corpus.Load(ctx, corpus.Default(), corpus.LoadOptions{})
	if err != nil {
		b.Fatal(err)
	}
	for _, run := range []struct {
		name string
		docs []corpus.Document
		qs   []string
	}{{"seed", seedDocs, seedQs}, {"squad", squadDocs, squadQs}} {
		b.Run(run.name, func(b *testing.B) {
			if b.N > len(run.qs) {
				b.Fatalf("-benchtime=%dx would repeat questions; at most %dx", b.N, len(run.qs))
			}
			eng, err := retrieval.NewEngine(ctx, run.docs, retrieval.Options{})
			if err != nil {
				b.Fatal(err)
			}
			defer eng.Close()
			reportLatency(b, func(i int) {
				if _, err := eng.Answer(ctx, citebot.Question{Text: run.qs[i]}); err != nil {
					b.Fatal(err)
				}
			})
		})
	}
}

// The generated corpus of issue 13's benchmarks: benchCorpusEnv names a
// folder written by `scripts/gencorpus -questions N`, whose questions sit
// beside it; benchDataDirEnv optionally names a data dir that `citebot
// ingest` built from it, which saves the benchmark ingesting it first.
const (
	benchCorpusEnv  = "CITEBOT_BENCH_CORPUS"
	benchDataDirEnv = "CITEBOT_BENCH_DATA_DIR"
)

// benchGenerated answers the distinct questions of a generated corpus on
// an engine opened afresh from the stored index for each run, so its
// caches are cold, as `citebot serve` opens it after `citebot ingest`:
// conns=1 one at a time, for p50 and p99, and conns=32 from 32
// goroutines, for the engine's throughput without HTTP. It reports the
// time to open the engine (open-ms, with the documents already read) and
// fails if the stored index was not reused. scripts/benchstore.sh runs it
// at each corpus size; by hand:
//
//	go run ./scripts/gencorpus -mb 50 -out /tmp/corpus50 -questions 100000
//	CITEBOT_BENCH_CORPUS=/tmp/corpus50 go test ./retrieval -run '^$' \
//	  -bench 'BenchmarkAnswerDistinct/generated/conns=1$' -benchtime 300x -timeout 2h
//	CITEBOT_BENCH_CORPUS=/tmp/corpus50 go test ./retrieval -run '^$' \
//	  -bench 'BenchmarkAnswerDistinct/generated/conns=32$' -benchtime 5000x -timeout 2h
func benchGenerated(b *testing.B) {
	dir := os.Getenv(benchCorpusEnv)
	if dir == "" {
		b.Skipf("set %s to a folder written by scripts/gencorpus -questions N", benchCorpusEnv)
	}
	ctx := context.Background()
	qpath := filepath.Clean(dir) + ".questions.jsonl" // where gencorpus writes them
	f, err := os.Open(qpath)
	if err != nil {
		b.Fatalf("%v: write the corpus with scripts/gencorpus -questions N", err)
	}
	set, err := retrieval.ReadEvalSet(f)
	f.Close()
	if err != nil {
		b.Fatal(err)
	}
	qs := make([]string, len(set))
	for i, q := range set {
		qs[i] = q.Question
	}
	docs, _, err := corpus.LoadDir(ctx, dir, corpus.LoadOptions{})
	if err != nil {
		b.Fatal(err)
	}
	quiet := slog.New(slog.DiscardHandler)
	dataDir := os.Getenv(benchDataDirEnv)
	if dataDir == "" {
		dataDir = b.TempDir()
		start := time.Now()
		eng, err := retrieval.NewEngine(ctx, docs, retrieval.Options{DataDir: dataDir, Logger: quiet})
		if err != nil {
			b.Fatal(err)
		}
		s := eng.Stats()
		eng.Close()
		if s.SaveError != "" {
			b.Fatal(s.SaveError)
		}
		b.Logf("ingested %d files, %d chunks, in %v", s.Files, s.Chunks, time.Since(start).Round(time.Millisecond))
	}
	for _, conns := range []int{1, 32} {
		b.Run(fmt.Sprintf("conns=%d", conns), func(b *testing.B) {
			if b.N > len(qs) {
				b.Fatalf("-benchtime=%dx would repeat questions; at most %dx (gencorpus -questions gives more)", b.N, len(qs))
			}
			start := time.Now()
			eng, err := retrieval.NewEngine(ctx, docs, retrieval.Options{DataDir: dataDir, Logger: quiet})
			if err != nil {
				b.Fatal(err)
			}
			opened := time.Since(start)
			defer eng.Close()
			if s := eng.Stats(); s.Embedded > 0 {
				b.Fatalf("the stored index in %s was not reused: %d of %d chunks embedded afresh", dataDir, s.Embedded, s.Chunks)
			}
			ask := func(i int) error {
				_, err := eng.Answer(ctx, citebot.Question{Text: qs[i]})
				return err
			}
			if conns == 1 {
				reportLatency(b, func(i int) {
					if err := ask(i); err != nil {
						b.Fatal(err)
					}
				})
			} else {
				reportConcurrent(b, conns, ask)
			}
			b.ReportMetric(float64(opened.Milliseconds()), "open-ms")
			b.ReportMetric(float64(eng.Stats().Chunks), "chunks")
		})
	}
}

func BenchmarkAnswerDefaultCorpus(b *testing.B) {
	eng, _ := defaultEngine(b)
	ctx := context.Background()
	reportLatency(b, func(i int) {
		if _, err := eng.Answer(ctx, citebot.Question{Text: devQuestions[i%len(devQuestions)]}); err != nil {
			b.Fatal(err)
		}
	})
}

// synthetic makes n documents of plausible news-like sentences from a
// fixed vocabulary, with names, places and dates, so that the index has
// realistic term statistics.
func synthetic(n, sentencesPerDoc int) []corpus.Document {
	r := rand.New(rand.NewPCG(1, 2))
	words := make([]string, 6000)
	for i := range words {
		var sb strings.Builder
		for k := 0; k < 3+r.IntN(7); k++ {
			sb.WriteByte(byte('a' + r.IntN(26)))
		}
		words[i] = sb.String()
	}
	names := []string{"Anna Kowalska", "Jonas Petraitis", "Marta Ozola", "Peeter Tamm", "Olga Ivanova", "Henrik Larsen"}
	places := []string{"Vilnius", "Riga", "Tallinn", "Warsaw", "Helsinki", "Kyiv", "Berlin"}
	months := []string{"January", "March", "June", "September", "November"}
	zipf := rand.NewZipf(r, 1.1, 2, uint64(len(words)-1))
	docs := make([]corpus.Document, n)
	for d := range docs {
		var sb strings.Builder
		var body []corpus.Span
		for s := 0; s < sentencesPerDoc; s++ {
			start := sb.Len()
			k := 8 + r.IntN(18)
			for w := 0; w < k; w++ {
				word := words[zipf.Uint64()]
				switch {
				case w == 0:
					word = strings.ToUpper(word[:1]) + word[1:]
				case r.IntN(25) == 0:
					word = names[r.IntN(len(names))]
				case r.IntN(30) == 0:
					word = "in " + places[r.IntN(len(places))]
				case r.IntN(40) == 0:
					word = fmt.Sprintf("on %s %d, %d", months[r.IntN(len(months))], 1+r.IntN(28), 1990+r.IntN(35))
				}
				if w > 0 {
					sb.WriteByte(' ')
				}
				sb.WriteString(word)
			}
			sb.WriteString(". ")
			body = append(body, corpus.Span{Start: start, End: sb.Len() - 1})
		}
		docs[d] = corpus.Document{Source: fmt.Sprintf("doc%06d.txt", d), Title: fmt.Sprintf("Report %d", d),
			Text: sb.String(), Hash: fmt.Sprint(d), Body: body}
	}
	return docs
}

func BenchmarkAnswer100kChunks(b *testing.B) {
	ctx := context.Background()
	// About 5 chunks of ~700 characters per document.
	docs := synthetic(20000, 30)
	start := time.Now()
	eng, err := retrieval.NewEngine(ctx, docs, retrieval.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer eng.Close()
	s := eng.Stats()
	b.Logf("indexed %d chunks in %v (%.0f chunks/s)", s.Chunks, time.Since(start), float64(s.Chunks)/time.Since(start).Seconds())
	qs := []string{
		"When did Anna Kowalska arrive in Vilnius?",
		"Who met Peeter Tamm in Tallinn?",
		"How many " + docs[7].Text[:30] + "?",
		"What happened in Warsaw on March 3, 2001?",
	}
	reportLatency(b, func(i int) {
		if _, err := eng.Answer(ctx, citebot.Question{Text: qs[i%len(qs)]}); err != nil {
			b.Fatal(err)
		}
	})
	b.ReportMetric(float64(s.Chunks), "chunks")
}

func BenchmarkIngestLocalEmbedder(b *testing.B) {
	ctx := context.Background()
	docs := synthetic(2000, 30)
	b.ResetTimer()
	var chunks int
	for i := 0; i < b.N; i++ {
		eng, err := retrieval.NewEngine(ctx, docs, retrieval.Options{})
		if err != nil {
			b.Fatal(err)
		}
		chunks += eng.Stats().Chunks
		eng.Close()
	}
	b.ReportMetric(float64(chunks)/b.Elapsed().Seconds(), "chunks/s")
}

// BenchmarkReadDistinct times the reader alone on the generated corpus of
// benchGenerated (CITEBOT_BENCH_CORPUS, and CITEBOT_BENCH_DATA_DIR for the
// stored index ingest wrote): the passages of b.N distinct questions are
// retrieved first, untimed, and then each question is read once. The
// reader is about two fifths of serve's CPU; a change to it that a load
// test cannot tell from the machine's swings shows here.
func BenchmarkReadDistinct(b *testing.B) {
	dir, dataDir := os.Getenv(benchCorpusEnv), os.Getenv(benchDataDirEnv)
	if dir == "" || dataDir == "" {
		b.Skipf("set %s and %s to a corpus written by scripts/gencorpus -questions N and the data dir citebot ingest wrote for it", benchCorpusEnv, benchDataDirEnv)
	}
	ctx := context.Background()
	f, err := os.Open(filepath.Clean(dir) + ".questions.jsonl")
	if err != nil {
		b.Fatal(err)
	}
	set, err := retrieval.ReadEvalSet(f)
	f.Close()
	if err != nil {
		b.Fatal(err)
	}
	if b.N > len(set) {
		b.Fatalf("-benchtime=%dx would repeat questions; at most %dx", b.N, len(set))
	}
	docs, _, err := corpus.LoadDir(ctx, dir, corpus.LoadOptions{})
	if err != nil {
		b.Fatal(err)
	}
	eng, err := retrieval.NewEngine(ctx, docs, retrieval.Options{DataDir: dataDir, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	defer eng.Close()
	// The reader's statistics as ingest learnt them: from the cleaned
	// documents' chunks.
	corpus.Clean(docs)
	r, err := reader.New(reader.Learn(corpus.SplitAll(docs, corpus.ChunkOptions{})), reader.Options{})
	if err != nil {
		b.Fatal(err)
	}
	// The questions after the first 1,000, which benchstore's runs ask
	// first, so that their passages are not the ones a warm run read.
	qs := set[min(1000, len(set)-b.N):]
	passages := make([][]reader.Passage, b.N)
	for i := range passages {
		if passages[i], err = eng.Retrieve(ctx, qs[i].Question); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	reportLatency(b, func(i int) { r.Read(qs[i].Question, passages[i]) })
}
