package conversation

import (
	"bytes"
	"encoding/gob"
	"fmt"

	"github.com/citebot/citebot/retrieval/reader"
)

// MarshalBinary encodes what r learnt of the corpus's names, so that a
// stored index can bring it back without reading the corpus again.
func (r *Rewriter) MarshalBinary() ([]byte, error) {
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(r.coord); err != nil {
		return nil, fmt.Errorf("encode follow-up rewriter: %w", err)
	}
	return buf.Bytes(), nil
}

// UnmarshalRewriter decodes what Rewriter.MarshalBinary encoded, for the
// corpus whose statistics are stats.
func UnmarshalRewriter(stats *reader.Stats, b []byte) (*Rewriter, error) {
	r := &Rewriter{stats: stats}
	if err := gob.NewDecoder(bytes.NewReader(b)).Decode(&r.coord); err != nil {
		return nil, fmt.Errorf("decode follow-up rewriter: %w", err)
	}
	if r.coord == nil {
		r.coord = map[string]int32{}
	}
	return r, nil
}
