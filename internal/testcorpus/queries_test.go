package testcorpus

import (
	"slices"
	"strings"
	"testing"

	"github.com/citebot/citebot/corpus"
)

func TestSentenceQueries(t *testing.T) {
	chunks := []corpus.Chunk{
		{Text: "The old bridge in Tromsø opened in 1960. The bridges of Bergen, Tromsø and Narvik are painted green and were inspected by engineers from Sweden and Denmark in the spring of 1974. Short one."},
		{Text: "The mayor of Bergen is Marte Mjøs Persen. Persen was elected in 2019."},
	}
	got := SentenceQueries(chunks, 10)
	if len(got) == 0 || len(got) > 10 {
		t.Fatalf("got %d queries, want 1 to 10", len(got))
	}
	seen := map[string]bool{}
	for _, q := range got {
		if n := len(strings.Fields(q)); n < 4 || n > 12 {
			t.Errorf("query %q has %d words, want 4 to 12", q, n)
		}
		if seen[q] {
			t.Errorf("query %q twice", q)
		}
		seen[q] = true
	}
	if again := SentenceQueries(chunks, 10); !slices.Equal(again, got) {
		t.Errorf("second call got %q, want the same %q", again, got)
	}
	if got := SentenceQueries(nil, 5); got != nil {
		t.Errorf("no chunks: got %q, want none", got)
	}
}
