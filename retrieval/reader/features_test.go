package reader

import (
	"hash/fnv"
	"testing"
)

// TestHeadLexIsFNV1a pins headLex to hash/fnv's FNV-1a: the committed
// model's head-lex weights are indexed by it.
func TestHeadLexIsFNV1a(t *testing.T) {
	tests := []struct{ head, label string }{
		{"", ""},
		{"city", "cap"},
		{"year", "num-start"},
		{"président", "cap-all"},
	}
	for _, tt := range tests {
		h := fnv.New32a()
		h.Write([]byte(tt.head + "|" + tt.label))
		if got, want := headLex(tt.head, tt.label), int(h.Sum32()%headLexSize); got != want {
			t.Errorf("headLex(%q, %q) = %d, want %d", tt.head, tt.label, got, want)
		}
	}
}
