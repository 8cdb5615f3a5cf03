package retrieval_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/citebot/citebot"
	"github.com/citebot/citebot/corpus"
	"github.com/citebot/citebot/retrieval"
)

// qualityBar is what a question set must score, each a little below what
// the reader measured when the bar was set (docs/quality.md). Raise a bar
// as quality improves; never lower one to make a change pass.
type qualityBar struct {
	lead         float64            // answerable questions with an accepted answer in the lead
	contains     float64            // … anywhere in the reply
	retrievalAt3 float64            // … whose source is among the first three citations
	refusal      map[string]float64 // by kind: unanswerable questions refused
	// baselineMargin is how many points of lead accuracy the reader must
	// gain over the BM25 top-sentence baseline; 0 means not checked.
	baselineMargin float64
}

// qualitySet is a question set and the corpus it is about.
type qualitySet struct {
	name      string
	questions string
	corpus    string // "" means the embedded articles
	// shared sets live beside the repository, in ../shared, as on CI;
	// elsewhere they may be missing, and their test skips.
	shared bool
	bar    qualityBar
}

var sharedEval = filepath.Join("..", "..", "shared", "eval")

var qualitySets = []qualitySet{
	// The questions about the embedded articles.
	{name: "seed", questions: filepath.Join(sharedEval, "questions.jsonl"), shared: true,
		bar: qualityBar{lead: 0.6, contains: 0.6, retrievalAt3: 1, refusal: map[string]float64{"unanswerable": 1}}},
	// SQuAD 2.0 questions the reader was not fitted on, over the ten
	// articles it was fitted on (squad-train/README.md). Settings were
	// chosen on this set too, so it flatters the reader a little.
	{name: "squad-dev", questions: filepath.Join(sharedEval, "squad-train", "questions.jsonl"),
		corpus: filepath.Join(sharedEval, "squad-train", "corpus"), shared: true,
		bar: qualityBar{lead: 0.5, contains: 0.58, retrievalAt3: 0.95,
			refusal: map[string]float64{"offtopic": 0.9, "squad-impossible": 0.4}, baselineMargin: 3}},
	// Technical documentation (READMEs, Go package docs, hard-wrapped and
	// in Markdown) with questions written before the reader ever read
	// them; used for nothing but this measurement.
	{name: "techdocs", questions: filepath.Join("testdata", "techdocs", "questions.jsonl"),
		corpus: filepath.Join("testdata", "techdocs", "corpus"),
		bar: qualityBar{lead: 0.5, contains: 0.55, retrievalAt3: 0.95,
			refusal: map[string]float64{"offtopic": 0.8, "techdoc-unanswerable": 0.6}}},
	// A second such set, written blind after the first had informed
	// changes to the reader: the most honest figure there is.
	{name: "techdocs2", questions: filepath.Join("testdata", "techdocs2", "questions.jsonl"),
		corpus: filepath.Join("testdata", "techdocs2", "corpus"),
		bar: qualityBar{lead: 0.3, contains: 0.3, retrievalAt3: 0.95,
			refusal: map[string]float64{"offtopic": 0.8, "techdoc-unanswerable": 0.8}}},
	// A third, written blind by someone who never ran citebot, over six
	// other documents (testdata/techdocs3/SOURCES.md); its first
	// measurement is the one docs/quality.md reports.
	{name: "techdocs3", questions: filepath.Join("testdata", "techdocs3", "questions.jsonl"),
		corpus: filepath.Join("testdata", "techdocs3", "corpus"),
		bar: qualityBar{lead: 0.3, contains: 0.35, retrievalAt3: 0.95,
			refusal: map[string]float64{"offtopic": 0.8, "techdoc-unanswerable": 0.8}}},
	// Two more, written in the fourth session as confidence-model
	// training data that ended up unused (their SOURCES.md): nothing was
	// fitted on them.
	{name: "manuals-a", questions: filepath.Join("testdata", "manuals-a", "questions.jsonl"),
		corpus: filepath.Join("testdata", "manuals-a", "corpus"),
		bar: qualityBar{lead: 0.26, contains: 0.28, retrievalAt3: 0.95,
			refusal: map[string]float64{"offtopic": 0.8, "techdoc-unanswerable": 0.8}}},
	{name: "manuals-b", questions: filepath.Join("testdata", "manuals-b", "questions.jsonl"),
		corpus: filepath.Join("testdata", "manuals-b", "corpus"),
		bar: qualityBar{lead: 0.33, contains: 0.33, retrievalAt3: 0.95,
			refusal: map[string]float64{"offtopic": 0.8, "techdoc-unanswerable": 0.8}}},
	// A fourth, written blind in the tenth session (testdata/techdocs4/
	// SOURCES.md), over commands and lists that a colon-ended sentence
	// introduces as much as over prose; measured once, at the end.
	{name: "techdocs4", questions: filepath.Join("testdata", "techdocs4", "questions.jsonl"),
		corpus: filepath.Join("testdata", "techdocs4", "corpus"),
		bar: qualityBar{lead: 0.36, contains: 0.36, retrievalAt3: 0.9,
			refusal: map[string]float64{"offtopic": 0.8, "techdoc-unanswerable": 0.6}}},
	// Six READMEs with Markdown tables, and questions most of which a
	// table cell answers, written blind by someone who never ran citebot
	// (testdata/tables/SOURCES.md), after the reader learnt to read
	// tables and before it was measured on them.
	{name: "tables", questions: filepath.Join("testdata", "tables", "questions.jsonl"),
		corpus: filepath.Join("testdata", "tables", "corpus"),
		bar: qualityBar{lead: 0.33, contains: 0.33, retrievalAt3: 0.95,
			refusal: map[string]float64{"offtopic": 0.8, "techdoc-unanswerable": 0.6}}},
	// Regression sets from before the reader: paraphrases, typos and
	// near-miss questions about the embedded articles, and three other
	// documents with their questions. The rule engine was written against
	// both, so they say little about text nobody tuned for.
	{name: "extra", questions: filepath.Join("testdata", "extra.jsonl"),
		bar: qualityBar{lead: 0.7, contains: 0.75, retrievalAt3: 0.8, refusal: map[string]float64{"unanswerable": 0.5}}},
	{name: "heldout", questions: filepath.Join("testdata", "heldout", "questions.jsonl"),
		corpus: filepath.Join("testdata", "heldout", "corpus"),
		bar:    qualityBar{lead: 0.58, contains: 0.6, retrievalAt3: 0.9, refusal: map[string]float64{"unanswerable": 0.6}}},
}

func TestQuality(t *testing.T) {
	for _, set := range qualitySets {
		t.Run(set.name, func(t *testing.T) {
			qs := readQualitySet(t, set)
			ctx := context.Background()
			docs := loadQualityCorpus(t, set)
			eng, err := retrieval.NewEngine(ctx, docs, retrieval.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer eng.Close()
			texts := map[string]string{}
			for _, d := range docs {
				texts[d.Source] = d.Text
			}
			rep := checkQuality(t, eng, texts, qs, set.bar)
			if set.bar.baselineMargin > 0 {
				base := retrieval.Evaluate(ctx, retrieval.NewBaseline(docs, corpus.ChunkOptions{}), qs, texts)
				margin := (rep.LeadAccuracy - base.LeadAccuracy) * 100
				t.Logf("baseline lead accuracy %.3f; margin %+.1f points", base.LeadAccuracy, margin)
				if margin < set.bar.baselineMargin {
					t.Errorf("lead accuracy %.1f points over the BM25 baseline, want ≥ %.1f", margin, set.bar.baselineMargin)
				}
			}
		})
	}
}

// readQualitySet reads a set's questions, skipping the test when a shared
// set is missing outside CI.
func readQualitySet(t *testing.T, set qualitySet) []retrieval.EvalQuestion {
	t.Helper()
	f, err := os.Open(set.questions)
	if os.IsNotExist(err) && set.shared && os.Getenv("CI") != "true" {
		t.Skipf("%s not found: the shared eval sets sit beside the repository on CI", set.questions)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	qs, err := retrieval.ReadEvalSet(f)
	if err != nil {
		t.Fatal(err)
	}
	return qs
}

// loadQualityCorpus loads the documents set's questions are about.
func loadQualityCorpus(t *testing.T, set qualitySet) []corpus.Document {
	t.Helper()
	var docs []corpus.Document
	var err error
	if set.corpus == "" {
		docs, _, err = corpus.Load(context.Background(), corpus.Default(), corpus.LoadOptions{})
	} else {
		docs, _, err = corpus.LoadDir(context.Background(), set.corpus, corpus.LoadOptions{})
	}
	if err != nil {
		t.Fatal(err)
	}
	return docs
}

// checkQuality asks eng every question of qs and checks the report
// against bar.
func checkQuality(t *testing.T, eng citebot.Answerer, texts map[string]string, qs []retrieval.EvalQuestion, bar qualityBar) retrieval.EvalReport {
	t.Helper()
	rep := retrieval.Evaluate(context.Background(), eng, qs, texts)
	var table strings.Builder
	rep.WriteTable(&table)
	t.Logf("\n%s", table.String())
	if rep.LeadAccuracy < bar.lead {
		t.Errorf("lead accuracy %.3f, want ≥ %.2f", rep.LeadAccuracy, bar.lead)
	}
	if rep.ContainsAccuracy < bar.contains {
		t.Errorf("contains accuracy %.3f, want ≥ %.2f", rep.ContainsAccuracy, bar.contains)
	}
	if rep.RetrievalAt3 < bar.retrievalAt3 {
		t.Errorf("retrieval@3 %.3f, want ≥ %.2f", rep.RetrievalAt3, bar.retrievalAt3)
	}
	for kind, want := range bar.refusal {
		got := -1.0
		for _, k := range rep.Refusals {
			if k.Kind == kind {
				got = k.Rate
			}
		}
		if got < want {
			t.Errorf("refused %.3f of %s questions, want ≥ %.2f", got, kind, want)
		}
	}
	if rep.Faithfulness < 1 {
		t.Errorf("citation faithfulness %.3f, want 1: %q", rep.Faithfulness, rep.UnfaithfulCite)
	}
	return rep
}

func TestReadEvalSetRejectsMalformedLines(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"bad json", "{\"question\": \n", "line 1"},
		{"empty question", "{\"id\":\"a\",\"question\":\"  \"}\n", "empty question"},
		{"second line", "{\"question\":\"ok?\"}\n[1,2]\n", "line 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := retrieval.ReadEvalSet(strings.NewReader(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got error %v, want one mentioning %q", err, tt.want)
			}
		})
	}
	qs, err := retrieval.ReadEvalSet(strings.NewReader("\n{\"question\":\"q?\",\"answerable\":false}\n"))
	if err != nil || len(qs) != 1 || qs[0].IsAnswerable() || qs[0].ID != "line2" {
		t.Errorf("got %+v, %v; want one unanswerable question with a generated ID", qs, err)
	}
}

// TestStoredIndexAnswersAsBuilt checks that an engine opened from the
// stored index (what serve runs) gives every answer the engine built in
// memory gives (what the quality figures measure): the on-disk BM25
// segments, the vector file and the stored statistics change nothing.
func TestStoredIndexAnswersAsBuilt(t *testing.T) {
	for _, set := range qualitySets {
		if set.name != "seed" && set.name != "squad-dev" && set.name != "techdocs2" {
			continue
		}
		t.Run(set.name, func(t *testing.T) {
			qs := readQualitySet(t, set)
			ctx := context.Background()
			docs := loadQualityCorpus(t, set)
			built, err := retrieval.NewEngine(ctx, docs, retrieval.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer built.Close()
			data := t.TempDir()
			first, err := retrieval.NewEngine(ctx, docs, retrieval.Options{DataDir: data})
			if err != nil {
				t.Fatal(err)
			}
			first.Close()
			stored, err := retrieval.NewEngine(ctx, docs, retrieval.Options{DataDir: data})
			if err != nil {
				t.Fatal(err)
			}
			defer stored.Close()
			if s := stored.Stats(); s.Embedded != 0 || s.Reused != s.Chunks {
				t.Fatalf("second engine %+v, want the stored index opened", s)
			}
			differ := 0
			for _, q := range qs {
				want, err := built.Answer(ctx, citebot.Question{Text: q.Question})
				if err != nil {
					t.Fatal(err)
				}
				got, err := stored.Answer(ctx, citebot.Question{Text: q.Question})
				if err != nil {
					t.Fatal(err)
				}
				if got.Text != want.Text {
					differ++
					if differ <= 3 {
						t.Errorf("%s: stored index answers %.80q, built %.80q", q.Question, got.Text, want.Text)
					}
				}
			}
			if differ > 0 {
				t.Errorf("%d of %d answers differ", differ, len(qs))
			}
		})
	}
}
