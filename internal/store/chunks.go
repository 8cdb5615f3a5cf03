package store

import (
	"bytes"
	"encoding/gob"
	"fmt"

	"github.com/citebot/citebot/corpus"
	"github.com/citebot/citebot/retrieval/conversation"
	"github.com/citebot/citebot/retrieval/reader"
)

// chunkTable is the chunks of a build as spans of their documents' text:
// PerDoc[i] chunks belong to document i, in order; chunk j has
// Sentences[j] sentences, whose start and end offsets follow each other
// in Spans. Chunk text is not stored; corpus.ChunkOf rebuilds it from the
// document, so each text is held once.
type chunkTable struct {
	PerDoc    []int32
	Sentences []int32
	Spans     []int32
}

func encodeChunks(docs []corpus.Document, chunks []corpus.Chunk) ([]byte, error) {
	t := chunkTable{PerDoc: make([]int32, len(docs))}
	d := 0
	for _, c := range chunks {
		for d < len(docs) && docs[d].Source != c.Source {
			d++
		}
		if d == len(docs) {
			return nil, fmt.Errorf("chunk %s is not of a document, in order", c.ID)
		}
		t.PerDoc[d]++
		t.Sentences = append(t.Sentences, int32(len(c.Sentences)))
		for _, sp := range c.Sentences {
			t.Spans = append(t.Spans, int32(sp.Start), int32(sp.End))
		}
	}
	var buf bytes.Buffer
	// A gob of three integer slices cannot fail to encode.
	_ = gob.NewEncoder(&buf).Encode(t)
	return buf.Bytes(), nil
}

// decodeChunks rebuilds the chunks of docs from their table, checking
// every span against its document so that a damaged table is an error,
// never a slice out of range.
func decodeChunks(b []byte, docs []corpus.Document) ([]corpus.Chunk, error) {
	var t chunkTable
	if err := gob.NewDecoder(bytes.NewReader(b)).Decode(&t); err != nil {
		return nil, err
	}
	if len(t.PerDoc) != len(docs) {
		return nil, fmt.Errorf("chunk table has %d documents, the store %d", len(t.PerDoc), len(docs))
	}
	spans := make([]corpus.Span, len(t.Spans)/2)
	for i := range spans {
		spans[i] = corpus.Span{Start: int(t.Spans[2*i]), End: int(t.Spans[2*i+1])}
	}
	out := make([]corpus.Chunk, 0, len(t.Sentences))
	next, nextSpan := 0, 0
	for d, n := range t.PerDoc {
		doc := docs[d]
		for k := 0; k < int(n); k++ {
			if next >= len(t.Sentences) {
				return nil, fmt.Errorf("chunk table ends early")
			}
			ns := int(t.Sentences[next])
			if ns <= 0 || nextSpan+ns > len(spans) {
				return nil, fmt.Errorf("chunk %d: %d sentences past the table", next, ns)
			}
			ss := spans[nextSpan : nextSpan+ns : nextSpan+ns]
			for i, sp := range ss {
				if !sp.Within(len(doc.Text)) || (i > 0 && sp.Start < ss[i-1].End) {
					return nil, fmt.Errorf("chunk %s#%d: sentence %d-%d does not fit its %d bytes", doc.Source, k, sp.Start, sp.End, len(doc.Text))
				}
			}
			out = append(out, corpus.ChunkOf(doc, k, ss))
			next++
			nextSpan += ns
		}
	}
	if next != len(t.Sentences) || nextSpan != len(spans) {
		return nil, fmt.Errorf("chunk table has %d chunks and %d spans left over", len(t.Sentences)-next, len(spans)-nextSpan)
	}
	return out, nil
}

// readerState is what the reader and the follow-up rewriter learnt of
// the corpus.
type readerState struct {
	Stats, Rewriter []byte
}

func encodeReader(stats *reader.Stats, rw *conversation.Rewriter) ([]byte, error) {
	sb, err := stats.MarshalBinary()
	if err != nil {
		return nil, err
	}
	rb, err := rw.MarshalBinary()
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(readerState{Stats: sb, Rewriter: rb}); err != nil {
		return nil, fmt.Errorf("encode reader state: %w", err)
	}
	return buf.Bytes(), nil
}

func decodeReader(b []byte) (*reader.Stats, *conversation.Rewriter, error) {
	var st readerState
	if err := gob.NewDecoder(bytes.NewReader(b)).Decode(&st); err != nil {
		return nil, nil, err
	}
	stats, err := reader.UnmarshalStats(st.Stats)
	if err != nil {
		return nil, nil, err
	}
	rw, err := conversation.UnmarshalRewriter(stats, st.Rewriter)
	if err != nil {
		return nil, nil, err
	}
	return stats, rw, nil
}
