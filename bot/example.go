package bot

import "strings"

// GenericExample is the example question help texts show when neither the
// configuration nor the loaded documents give one: a pattern to follow,
// not a question about any particular corpus.
const GenericExample = "What do the documents say about …?"

// ExampleFunc returns a question the loaded corpus answers, for help texts
// and input hints, or "" while none is known (the index is still loading).
// The value can change after start-up, so adapters call it each time.
type ExampleFunc func() string

// Example returns f's question, or GenericExample when f is nil or has
// none.
func (f ExampleFunc) Example() string {
	if f != nil {
		if q := strings.TrimSpace(f()); q != "" {
			return q
		}
	}
	return GenericExample
}
