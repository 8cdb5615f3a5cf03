package embed

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
)

// TestLocalEmbedSharesWork checks that a long list, embedded by several
// goroutines, gets the same vectors in the same order as each text alone.
func TestLocalEmbedSharesWork(t *testing.T) {
	for _, n := range []int{1, minPerWorker - 1, 10 * minPerWorker, 1000} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			texts := make([]string, n)
			for i := range texts {
				texts[i] = fmt.Sprintf("Estonia ratified convention number %d in %d.", i, 1990+i%30)
			}
			got, err := Local{}.Embed(context.Background(), texts)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != n {
				t.Fatalf("got %d vectors, want %d", len(got), n)
			}
			for i, text := range texts {
				alone, err := Local{}.Embed(context.Background(), []string{text})
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(got[i], alone[0]) {
					t.Fatalf("vector %d differs from the text embedded alone", i)
				}
			}
		})
	}
}

func TestLocalEmbedStopsWhenCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, n := range []int{1, 1000} {
		if _, err := (Local{}).Embed(ctx, make([]string, n)); !errors.Is(err, context.Canceled) {
			t.Errorf("%d texts: got %v, want context.Canceled", n, err)
		}
	}
}
