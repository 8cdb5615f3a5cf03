package retrieval_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/citebot/citebot"
)

func TestPassages(t *testing.T) {
	eng, docs := defaultEngine(t)
	ctx := context.Background()
	ps, err := eng.Passages(ctx, estoniaQ, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) < 2 {
		t.Fatalf("got %d passages, want several", len(ps))
	}
	if ps[0].Source != estoniaSource || !strings.Contains(ps[0].Text, estoniaSentence) {
		t.Errorf("first passage is %s: %q, want the one with %q", ps[0].Source, ps[0].Text, estoniaSentence)
	}
	seen := map[string]string{}
	for i, p := range ps {
		if i > 0 && p.Score > ps[0].Score {
			t.Errorf("passage %d scores %.3f, above the first's %.3f", i+1, p.Score, ps[0].Score)
		}
		for _, part := range strings.Split(p.Text, " … ") {
			if !strings.Contains(collapse(docText(docs, p.Source)), collapse(part)) {
				t.Errorf("passage %d is not verbatim from %s: %q", i+1, p.Source, part)
			}
			for _, s := range strings.SplitAfter(part, ". ") {
				if len(s) < 40 {
					continue
				}
				if prev, dup := seen[p.Source+s]; dup {
					t.Errorf("sentence %q is in passage %d and %s", s, i+1, prev)
				}
				seen[p.Source+s] = "an earlier one"
			}
		}
	}

	small, err := eng.Passages(ctx, estoniaQ, 100)
	if err != nil {
		t.Fatal(err)
	}
	chars := 0
	for _, p := range small {
		chars += len(p.Text)
	}
	if len(small) == 0 || chars > 4*100 {
		t.Errorf("with 100 tokens got %d passages of %d characters, want at least one within about 400", len(small), chars)
	}

	if _, err := eng.Passages(ctx, " \t", 0); !errors.Is(err, citebot.ErrEmptyQuestion) {
		t.Errorf("got %v for an empty question, want ErrEmptyQuestion", err)
	}
	if _, err := eng.Passages(ctx, strings.Repeat("a", citebot.MaxQuestionLen+1), 0); !errors.Is(err, citebot.ErrQuestionTooLong) {
		t.Errorf("got %v for a long question, want ErrQuestionTooLong", err)
	}
}
