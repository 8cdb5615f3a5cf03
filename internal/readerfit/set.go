// Package readerfit fits the reader's models (retrieval/reader) on
// question sets whose answers are marked in their documents, such as the
// SQuAD 2.0 training split in shared/eval/squad-train, and scores a reader
// on a question set. internal/cmd/fitreader runs it.
package readerfit

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"unicode/utf8"
)

// Item is one question of a set: the shared/eval format, plus where the
// answers stand in their documents when the set says so.
type Item struct {
	ID         string   `json:"id"`
	Kind       string   `json:"kind"`
	Question   string   `json:"question"`
	Answers    []string `json:"answers"`
	Sources    []string `json:"sources"`
	Answerable *bool    `json:"answerable"`
	// Offsets are where each answer starts in its source file, in
	// Unicode code points.
	Offsets []int  `json:"answer_offsets"`
	Article string `json:"article"`
}

// IsAnswerable reports whether the corpus is meant to answer the item.
func (it Item) IsAnswerable() bool { return it.Answerable == nil || *it.Answerable }

// ReadSet reads a JSON-lines question set.
func ReadSet(path string) ([]Item, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []Item
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 4<<20)
	line := 0
	for sc.Scan() {
		line++
		b := strings.TrimSpace(sc.Text())
		if b == "" {
			continue
		}
		var it Item
		if err := json.Unmarshal([]byte(b), &it); err != nil {
			return nil, fmt.Errorf("%s line %d: %w", path, line, err)
		}
		out = append(out, it)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return out, nil
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
