package embed

import (
	"github.com/citebot/citebot/corpus"
)

// Text is what a chunk's vector is computed from: its title gives
// the passage the topic that a bare paragraph often leaves implicit.
func Text(c corpus.Chunk) string {
	if c.Title == "" {
		return c.Text
	}
	return c.Title + "\n" + c.Text
}
