package index

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"hash"

	"github.com/citebot/citebot/corpus"
	"github.com/citebot/citebot/retrieval/embed"
)

// PersistentIndex is an Index that keeps its chunks between runs and
// between processes, such as a database server. The engine then brings it
// up to date incrementally instead of writing every chunk: it compares
// each chunk's digest with the stored one, writes only new or changed
// chunks, reuses stored vectors for text it has already embedded, and
// deletes chunks that are no longer in the corpus.
type PersistentIndex interface {
	Index
	// Stored lists the chunks the index holds, by chunk ID. embedder names
	// the model whose vectors the engine writes; an index holding another
	// model's vectors returns an error saying how to rebuild it.
	Stored(ctx context.Context, embedder string) (map[string]ChunkDigest, error)
	// Vectors returns the stored vectors of the chunks with these IDs;
	// IDs it does not hold are left out.
	Vectors(ctx context.Context, ids []string) (map[string][]float32, error)
}

// ChunkDigest identifies what is stored for a chunk: Content changes when
// anything the answer layer reads changes, Vector only when the embedded
// text or the embedder does.
type ChunkDigest struct {
	Content string
	Vector  string
}

// DigestChunk returns the digests of c as embedded by embedder.
func DigestChunk(embedder string, c corpus.Chunk) ChunkDigest {
	v := sha256.New()
	writeField(v, embedder)
	writeField(v, embed.Text(c))
	vec := hex.EncodeToString(v.Sum(nil))

	h := sha256.New()
	writeField(h, vec)
	writeField(h, c.ID)
	writeField(h, c.Source)
	writeField(h, c.Title)
	writeField(h, c.Text)
	var b [8]byte
	for _, n := range append([]int{c.Start, c.End, len(c.Sentences)}, spanInts(c.Sentences)...) {
		binary.BigEndian.PutUint64(b[:], uint64(n))
		h.Write(b[:])
	}
	return ChunkDigest{Content: hex.EncodeToString(h.Sum(nil)), Vector: vec}
}

// writeField writes s length-prefixed, so that fields cannot run into each
// other.
func writeField(h hash.Hash, s string) {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(len(s)))
	h.Write(b[:])
	h.Write([]byte(s))
}

func spanInts(ss []corpus.Span) []int {
	out := make([]int, 0, 2*len(ss))
	for _, s := range ss {
		out = append(out, s.Start, s.End)
	}
	return out
}
