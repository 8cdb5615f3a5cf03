package retrieval

import (
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// decompose returns the base letter of an accented rune ("š" → "s") using
// Unicode canonical decomposition.
func decompose(r rune) (rune, bool) {
	var buf [8]byte
	n := norm.NFD.AppendString(buf[:0], string(r))
	for _, b := range string(n) {
		if unicode.Is(unicode.Mn, b) {
			continue
		}
		if b != r {
			return b, true
		}
		return r, false
	}
	return r, false
}
