package store

import (
	"bytes"
	"context"
	"encoding/gob"
	"reflect"
	"testing"

	"github.com/citebot/citebot/corpus"
)

func seedChunks(t *testing.T) ([]corpus.Document, []corpus.Chunk) {
	t.Helper()
	docs, _, err := corpus.Load(context.Background(), corpus.Default(), corpus.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return docs, corpus.SplitAll(docs, corpus.ChunkOptions{})
}

func TestChunkTableRoundTrip(t *testing.T) {
	docs, chunks := seedChunks(t)
	b, err := encodeChunks(docs, chunks)
	if err != nil {
		t.Fatal(err)
	}
	got, err := decodeChunks(b, docs)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, chunks) {
		t.Errorf("decodeChunks(encodeChunks(chunks)) differs from chunks")
	}
}

func TestDecodeChunksRejectsDamage(t *testing.T) {
	docs, chunks := seedChunks(t)
	b, err := encodeChunks(docs, chunks)
	if err != nil {
		t.Fatal(err)
	}
	var good chunkTable
	if err := gob.NewDecoder(bytes.NewReader(b)).Decode(&good); err != nil {
		t.Fatal(err)
	}
	tests := map[string]func(t *chunkTable){
		"span past its document": func(t *chunkTable) { t.Spans[1] = 1 << 30 },
		"reversed span":          func(t *chunkTable) { t.Spans[0], t.Spans[1] = t.Spans[1], t.Spans[0] },
		"negative span":          func(t *chunkTable) { t.Spans[0] = -5 },
		"too many sentences":     func(t *chunkTable) { t.Sentences[len(t.Sentences)-1] += 100 },
		"no sentences":           func(t *chunkTable) { t.Sentences[0] = 0 },
		"spans left over":        func(t *chunkTable) { t.Spans = append(t.Spans, 0, 1) },
		"chunks left over":       func(t *chunkTable) { t.Sentences = append(t.Sentences, 1) },
		"another document count": func(t *chunkTable) { t.PerDoc = t.PerDoc[1:] },
		"more chunks than exist": func(t *chunkTable) { t.PerDoc[0] += 1000 },
	}
	for name, damage := range tests {
		t.Run(name, func(t *testing.T) {
			tab := chunkTable{
				PerDoc:    append([]int32(nil), good.PerDoc...),
				Sentences: append([]int32(nil), good.Sentences...),
				Spans:     append([]int32(nil), good.Spans...),
			}
			damage(&tab)
			var buf bytes.Buffer
			if err := gob.NewEncoder(&buf).Encode(tab); err != nil {
				t.Fatal(err)
			}
			if _, err := decodeChunks(buf.Bytes(), docs); err == nil {
				t.Errorf("decodeChunks accepted a table with %s", name)
			}
		})
	}
	if _, err := decodeChunks(b[:len(b)/2], docs); err == nil {
		t.Errorf("decodeChunks accepted half a table")
	}
}

func TestValidGeneration(t *testing.T) {
	tests := []struct {
		name string
		want bool
	}{
		{"g1732790000000000000", true},
		{"g1", true},
		{"g", false},
		{"", false},
		{"../g1", false},
		{"g1/..", false},
		{"G1", false},
		{"g1 ", false},
	}
	for _, tt := range tests {
		if got := validGeneration(tt.name); got != tt.want {
			t.Errorf("validGeneration(%q) = %v, want %v", tt.name, got, tt.want)
		}
	}
}
