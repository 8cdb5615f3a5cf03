package reader

import (
	"bytes"
	"encoding/gob"
	"fmt"
)

// storedStats is Stats as WriteTo encodes it; vocab is derived from df on
// reading.
type storedStats struct {
	DF, Proper, Lower map[string]int32
	N                 int
	Stems             map[string]string
}

// MarshalBinary encodes s, so that a stored index can bring back what
// Learn found without reading the corpus again.
func (s *Stats) MarshalBinary() ([]byte, error) {
	var buf bytes.Buffer
	err := gob.NewEncoder(&buf).Encode(storedStats{DF: s.df, Proper: s.proper, Lower: s.lower, N: s.n, Stems: s.stems})
	if err != nil {
		return nil, fmt.Errorf("encode reader statistics: %w", err)
	}
	return buf.Bytes(), nil
}

// UnmarshalStats decodes what Stats.MarshalBinary encoded.
func UnmarshalStats(b []byte) (*Stats, error) {
	var in storedStats
	if err := gob.NewDecoder(bytes.NewReader(b)).Decode(&in); err != nil {
		return nil, fmt.Errorf("decode reader statistics: %w", err)
	}
	if in.N < 0 {
		return nil, fmt.Errorf("decode reader statistics: %d chunks", in.N)
	}
	s := &Stats{df: in.DF, n: in.N, proper: in.Proper, lower: in.Lower, stems: in.Stems}
	for _, m := range []*map[string]int32{&s.df, &s.proper, &s.lower} {
		if *m == nil {
			*m = map[string]int32{}
		}
	}
	if s.stems == nil {
		s.stems = map[string]string{}
	}
	s.indexVocab()
	return s, nil
}
