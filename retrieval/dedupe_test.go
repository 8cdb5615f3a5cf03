package retrieval

import (
	"slices"
	"testing"
	"unicode"
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

// runeWordHashes is sortedWordHashes without its ASCII path: every rune
// through the Unicode tables.
func runeWordHashes(s string) []uint64 {
	var out []uint64
	h := uint64(fnvOffset64)
	n := 0
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) {
			h ^= uint64(unicode.ToLower(r))
			h *= fnvPrime64
			n++
			continue
		}
		if n > 0 {
			out = append(out, h)
		}
		h, n = fnvOffset64, 0
	}
	if n > 0 {
		out = append(out, h)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func FuzzSortedWordHashes(f *testing.F) {
	for _, s := range []string{"", "The Bridge opened in 2004.", "Sakalienė and Kosiniak-Kamysz", "naïve CAFÉ e\u0301", "x\xffy", "Ünïcödé_ß 1,5 %"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := sortedWordHashes(s), runeWordHashes(s); !slices.Equal(got, want) {
			t.Errorf("sortedWordHashes(%q) = %v, want %v", s, got, want)
		}
	})
}
