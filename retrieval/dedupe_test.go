package retrieval

import (
	"slices"
	"testing"
)

func TestSimilarWords(t *testing.T) {
	tests := []struct {
		a, b string
		want float64
	}{
		{"The bridge opened in 1889.", "the BRIDGE opened, in 1889", 1},
		{"a a a b", "b a", 1},
		{"one two three four", "one two three five", 3.0 / 5},
		{"Šakalienė met him", "šakalienė met him", 1},
		{"", "anything", 0},
		{"...", "!!!", 0},
	}
	for _, tt := range tests {
		if got := similarWords(tt.a, tt.b); got != tt.want {
			t.Errorf("similarWords(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestWordSetsKeepAtMostTheirCap(t *testing.T) {
	var w wordSets
	for i := range wordSetCap + 100 {
		id := string(rune('a'+i%26)) + string(rune(i))
		got := w.of(id, "the bridge opened")
		if want := sortedWordHashes("the bridge opened"); !slices.Equal(got, want) {
			t.Fatalf("of(%q) = %v, want %v", id, got, want)
		}
	}
	if got := w.n.Load(); got != wordSetCap {
		t.Errorf("kept %d word sets, want the cap %d", got, wordSetCap)
	}
	// A kept set is returned as kept, even when asked with other text.
	first := w.of(string(rune('a'))+string(rune(0)), "other words")
	if want := sortedWordHashes("the bridge opened"); !slices.Equal(first, want) {
		t.Errorf("kept set = %v, want %v", first, want)
	}
}
