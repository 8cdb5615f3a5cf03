package retrieval

import "testing"

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
