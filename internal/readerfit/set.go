// Package readerfit fits the reader's models (retrieval/reader) on
// question sets whose answers are marked in their documents, such as the
// SQuAD 2.0 training split in shared/eval/squad-train, and scores a reader
// on a question set. internal/cmd/fitreader runs it.
package readerfit

import (
	"fmt"
	"os"
	"unicode/utf8"

	"github.com/citebot/citebot/retrieval"
)

// Item is one question of a set in the shared/eval format; fitting
// needs its AnswerOffsets.
type Item = retrieval.EvalQuestion

// ReadSet reads a JSON-lines question set.
func ReadSet(path string) ([]Item, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	items, err := retrieval.ReadEvalSet(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return items, nil
}

// byteOffset converts an offset in code points into a byte offset of s,
// or -1 when it is out of range.
func byteOffset(s string, runes int) int {
	if runes < 0 {
		return -1
	}
	b := 0
	for i := 0; i < runes; i++ {
		if b >= len(s) {
			return -1
		}
		_, size := utf8.DecodeRuneInString(s[b:])
		b += size
	}
	return b
}
