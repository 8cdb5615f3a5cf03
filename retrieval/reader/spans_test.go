package reader

import "testing"

// FuzzMayHoldAddress checks that the prefilter never hides an address
// from inAddress: wherever the expression matches, mayHoldAddress holds.
func FuzzMayHoldAddress(f *testing.F) {
	for _, s := range []string{"", "see www.example.com", "WwW.x", "[post](/a/b)", "HTTPS://go.dev", "a.b.c", "ww.w", "w.ww."} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if addresses.MatchString(s) && !mayHoldAddress(s) {
			t.Errorf("mayHoldAddress(%q) = false, but %q is an address", s, addresses.FindString(s))
		}
	})
}

func TestMayHoldAddress(t *testing.T) {
	tests := []struct {
		text string
		want bool
	}{
		{"The parish record gives his birthday as 22 February 1810.", false},
		{"Read it at WWW.Example.org today.", true},
		{"See the [blog post](https://go.dev/blog) for more.", true},
		{"Fetch ftp://host/file first.", true},
		{"Version 1.2.3 of the www package", false},
	}
	for _, tt := range tests {
		if got := mayHoldAddress(tt.text); got != tt.want {
			t.Errorf("mayHoldAddress(%q) = %v, want %v", tt.text, got, tt.want)
		}
	}
}
