package vecfile_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/citebot/citebot/corpus"
	"github.com/citebot/citebot/internal/testcorpus"
	"github.com/citebot/citebot/retrieval/embed"
	"github.com/citebot/citebot/retrieval/index/vecfile"
)

// sharedEval holds the team's evaluation sets, beside the repository.
var sharedEval = filepath.Join("..", "..", "..", "..", "shared", "eval")

// benchCorpusEnv names a folder, such as one written by
// scripts/gencorpus, whose chunks the recall test and the benchmarks use
// when it is set.
const benchCorpusEnv = "CITEBOT_BENCH_CORPUS"

// embedded is a corpus's chunks embedded by the local embedder, unit
// length, with distinct query vectors.
type embedded struct {
	embedder string
	ids      []string
	vecs     [][]float32
	queries  [][]float32
}

// embedCorpus loads dir as ingest does, splits it with the default chunk
// options and embeds the chunks and the questions with the local
// embedder.
func embedCorpus(tb testing.TB, dir string, questions []string) embedded {
	tb.Helper()
	ctx := context.Background()
	docs, _, err := corpus.LoadDir(ctx, dir, corpus.LoadOptions{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		tb.Fatal(err)
	}
	chunks := corpus.SplitAll(docs, corpus.ChunkOptions{})
	texts := make([]string, len(chunks))
	e := embedded{embedder: embed.Local{}.Name(), ids: make([]string, len(chunks))}
	for i, c := range chunks {
		texts[i], e.ids[i] = c.Text, c.ID
	}
	if questions == nil {
		questions = testcorpus.SentenceQueries(chunks, 1000)
	}
	start := time.Now()
	var emb embed.Local
	if e.vecs, err = emb.Embed(ctx, texts); err != nil {
		tb.Fatal(err)
	}
	if e.queries, err = emb.Embed(ctx, questions); err != nil {
		tb.Fatal(err)
	}
	for _, v := range append(e.vecs, e.queries...) {
		normalize(v)
	}
	tb.Logf("%s: %d chunks, %d queries, embedded in %v", dir, len(chunks), len(questions), time.Since(start).Round(time.Millisecond))
	return e
}

// normalize scales v to unit length, as the engine does with every
// embedder's output.
func normalize(v []float32) {
	var s float64
	for _, x := range v {
		s += float64(x) * float64(x)
	}
	if s > 0 {
		inv := float32(1 / math.Sqrt(s))
		for i := range v {
			v[i] *= inv
		}
	}
}

// squadQuestions reads the squad-train question set.
func squadQuestions(tb testing.TB) []string {
	tb.Helper()
	f, err := os.Open(filepath.Join(sharedEval, "squad-train", "questions.jsonl"))
	if err != nil {
		tb.Skipf("squad-train question set not found: %v", err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var q struct{ Question string }
		if err := json.Unmarshal(sc.Bytes(), &q); err != nil {
			tb.Fatal(err)
		}
		out = append(out, q.Question)
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return out
}

// recallAt is the share of each query's k exact nearest rows that a
// search with the given probes finds, averaged over queries.
func recallAt(tb testing.TB, ix *vecfile.Index, exact [][]vecfile.Hit, queries [][]float32, k, probes int) float64 {
	tb.Helper()
	var sum float64
	for qi, q := range queries {
		hits, err := ix.Search(q, k, probes)
		if err != nil {
			tb.Fatal(err)
		}
		found := map[int]bool{}
		for _, h := range hits {
			found[h.Row] = true
		}
		var n int
		for _, h := range exact[qi] {
			if found[h.Row] {
				n++
			}
		}
		sum += float64(n) / float64(len(exact[qi]))
	}
	return sum / float64(len(queries))
}

// TestRecallRealText measures recall@30 against exact search on real text
// embeddings: squad-train's chunks with its questions, and, when
// CITEBOT_BENCH_CORPUS names a folder (the 50 MB generated corpus),
// that corpus with sentence queries. It logs recall by probe count for
// docs/benchmarks.md and requires ≥ 0.95 at DefaultProbes. Run with -v
// to see the table:
//
//	go run ./scripts/gencorpus -mb 50 -out /tmp/corpus50
//	CITEBOT_BENCH_CORPUS=/tmp/corpus50 go test ./retrieval/index/vecfile -run TestRecallRealText -v -timeout 30m
func TestRecallRealText(t *testing.T) {
	type set struct {
		name      string
		dir       string
		questions []string
	}
	sets := []set{{"squad-train", filepath.Join(sharedEval, "squad-train", "corpus"), squadQuestions(t)}}
	if dir := os.Getenv(benchCorpusEnv); dir != "" {
		sets = append(sets, set{"generated", dir, nil})
	} else if testing.Verbose() {
		t.Logf("set %s to a generated corpus folder to measure it too", benchCorpusEnv)
	}
	const k = 30
	for _, s := range sets {
		t.Run(s.name, func(t *testing.T) {
			e := embedCorpus(t, s.dir, s.questions)
			n := len(e.vecs)
			// Partition counts: the default (n/800), the square root of n,
			// and, for a corpus too small for the default to split, about
			// 100 rows a partition, so that probing is measured at all.
			plans := map[string]int{
				"n/800":   vecfile.DefaultPartitions(n),
				"sqrt(n)": int(math.Sqrt(float64(n))),
			}
			if n < 20*800 {
				plans["n/100"] = max(n/100, 2)
			}
			for _, name := range []string{"n/800", "sqrt(n)", "n/100"} {
				parts, ok := plans[name]
				if !ok {
					continue
				}
				start := time.Now()
				ix, err := vecfile.Build(e.embedder, e.ids, e.vecs, vecfile.BuildOptions{Partitions: parts, Seed: 1})
				if err != nil {
					t.Fatal(err)
				}
				built := time.Since(start)
				p := ix.Partitions()
				smallest, largest := n, 0
				for c := range p {
					size := ix.Offsets[c+1] - ix.Offsets[c]
					smallest, largest = min(smallest, size), max(largest, size)
				}
				exact := make([][]vecfile.Hit, len(e.queries))
				for qi, q := range e.queries {
					if exact[qi], err = ix.Search(q, k, p); err != nil {
						t.Fatal(err)
					}
				}
				var row strings.Builder
				for _, probes := range probeSteps(p) {
					fmt.Fprintf(&row, " %d:%.3f", probes, recallAt(t, ix, exact, e.queries, k, probes))
				}
				def := vecfile.DefaultProbes(p)
				got := recallAt(t, ix, exact, e.queries, k, def)
				t.Logf("%s, %s: %d rows, %d partitions of %d to %d rows, built in %v; recall@%d by probes:%s; default %d probes: %.3f",
					s.name, name, n, p, smallest, largest, built.Round(time.Millisecond), k, row.String(), def, got)
				if got < 0.95 {
					t.Errorf("%s: recall@%d at the default %d of %d probes: got %.3f, want ≥ 0.95", s.name, k, def, p, got)
				}
			}
		})
	}
}

// probeSteps are the probe counts the recall table shows.
func probeSteps(partitions int) []int {
	var out []int
	for _, share := range []float64{0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9} {
		p := max(int(math.Ceil(share*float64(partitions))), 1)
		if len(out) == 0 || p > out[len(out)-1] {
			out = append(out, p)
		}
	}
	return out
}
