package index_test

import (
	"testing"

	"github.com/citebot/citebot/corpus"
	"github.com/citebot/citebot/retrieval/index"
)

func TestDigestChunk(t *testing.T) {
	c := corpus.Chunk{ID: "a.txt#0", Source: "a.txt", Title: "T", Text: "One. Two.", Start: 3, End: 12,
		Sentences: []corpus.Span{{Start: 3, End: 7}, {Start: 8, End: 12}}}
	base := index.DigestChunk("e1", c)
	moved := c
	moved.Sentences = []corpus.Span{{Start: 3, End: 8}, {Start: 8, End: 12}}
	renamed := c
	renamed.ID, renamed.Source = "b.txt#0", "b.txt"
	tests := []struct {
		name                        string
		got                         index.ChunkDigest
		sameContent, sameVectorText bool
	}{
		{"same chunk", index.DigestChunk("e1", c), true, true},
		{"other embedder", index.DigestChunk("e2", c), false, false},
		{"sentence spans moved", index.DigestChunk("e1", moved), false, true},
		{"same text, other file", index.DigestChunk("e1", renamed), false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if (tt.got.Content == base.Content) != tt.sameContent {
				t.Errorf("content digest equal: got %v, want %v", tt.got.Content == base.Content, tt.sameContent)
			}
			if (tt.got.Vector == base.Vector) != tt.sameVectorText {
				t.Errorf("vector digest equal: got %v, want %v", tt.got.Vector == base.Vector, tt.sameVectorText)
			}
		})
	}
}
