package retrieval

import "testing"

func TestEstimateTokens(t *testing.T) {
	tests := []struct {
		s        string
		min, max int
	}{
		{"", 0, 0},
		{"The quick brown fox jumps over the lazy dog.", 10, 14},
		{"渥太华公约禁止杀伤人员地雷", 13, 13},
		{"Оттавская конвенция", 9, 11},
	}
	for _, tt := range tests {
		if got := estimateTokens(tt.s); got < tt.min || got > tt.max {
			t.Errorf("estimateTokens(%q) = %d, want %d–%d", tt.s, got, tt.min, tt.max)
		}
	}
}
