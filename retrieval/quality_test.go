package retrieval_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/citebot/citebot/corpus"
	"github.com/citebot/citebot/retrieval"
)

// qualityBar is what a question set must score. Raise it as quality
// improves; never lower it to make a change pass.
type qualityBar struct {
	accuracy     float64 // answerable questions answered correctly
	retrievalAt3 float64
	refusal      float64 // unanswerable questions refused
}

func TestQuality(t *testing.T) {
	sets := []struct {
		name string
		path string
		bar  qualityBar
	}{
		// The shared development set (issue 2's bar): it lives beside the
		// repository, in ../shared, as on CI.
		{"shared", filepath.Join("..", "..", "shared", "eval", "questions.jsonl"), qualityBar{0.9, 1, 1}},
		// Paraphrases, typos and near-miss unanswerables written to measure
		// the threshold, not to tune it (see docs/quality.md). One of its
		// unanswerables is answered wrongly today.
		{"extra", filepath.Join("testdata", "extra.jsonl"), qualityBar{0.9, 1, 0.85}},
	}
	eng, docs := defaultEngine(t)
	texts := map[string]string{}
	for _, d := range docs {
		texts[d.Source] = d.Text
	}
	for _, set := range sets {
		t.Run(set.name, func(t *testing.T) {
			checkQuality(t, eng, texts, set.path, set.bar, set.name == "shared")
		})
	}
}

// TestQualityHeldOut runs a corpus of other documents (a Markdown report,
// an HTML news page with its menus, a plain-text article with share and
// copyright lines) and questions about them, none of which the rules were
// written against.
func TestQualityHeldOut(t *testing.T) {
	ctx := context.Background()
	docs, _, err := corpus.LoadDir(ctx, filepath.Join("testdata", "heldout", "corpus"), corpus.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	eng, err := retrieval.NewEngine(ctx, docs, retrieval.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	texts := map[string]string{}
	for _, d := range docs {
		texts[d.Source] = d.Text
	}
	checkQuality(t, eng, texts, filepath.Join("testdata", "heldout", "questions.jsonl"), qualityBar{0.9, 1, 0.8}, false)
}

func checkQuality(t *testing.T, eng *retrieval.Engine, texts map[string]string, path string, bar qualityBar, optional bool) {
	t.Helper()
	set := struct {
		path string
		bar  qualityBar
	}{path, bar}
	{
		{
			f, err := os.Open(set.path)
			if os.IsNotExist(err) && optional {
				t.Skipf("%s not found: the shared eval set sits beside the repository on CI", set.path)
			}
			if err != nil {
				t.Fatal(err)
			}
			qs, err := retrieval.ReadEvalSet(f)
			f.Close()
			if err != nil {
				t.Fatal(err)
			}
			rep := retrieval.Evaluate(context.Background(), eng, qs, texts)
			var table strings.Builder
			rep.WriteTable(&table)
			t.Logf("\n%s", table.String())
			if rep.Accuracy < set.bar.accuracy {
				t.Errorf("answer accuracy %.2f, want ≥ %.2f", rep.Accuracy, set.bar.accuracy)
			}
			if rep.RetrievalAt3 < set.bar.retrievalAt3 {
				t.Errorf("retrieval@3 %.2f, want ≥ %.2f", rep.RetrievalAt3, set.bar.retrievalAt3)
			}
			if rep.RefusalRate < set.bar.refusal {
				t.Errorf("refusal rate %.2f, want ≥ %.2f", rep.RefusalRate, set.bar.refusal)
			}
			if rep.Faithfulness < 1 {
				t.Errorf("citation faithfulness %.3f, want 1: %q", rep.Faithfulness, rep.UnfaithfulCite)
			}
		}
	}
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
