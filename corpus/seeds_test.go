package corpus

import (
	"io/fs"
	"testing"
)

func TestDefaultIsRootedAtSeedNames(t *testing.T) {
	names, err := fs.Glob(Default(), "*.txt")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"000_2bc005b4439df7f9.txt",
		"001_ab8ee8623a11ff01.txt",
		"002_16874060ac9fe7ff.txt",
		"003_205263a981956156.txt",
		"004_a2def31897be0633.txt",
	}
	if len(names) != len(want) {
		t.Fatalf("got %d seed files %v, want %d", len(names), names, len(want))
	}
	for i := range want {
		if names[i] != want[i] {
			t.Errorf("got seed %d = %q, want %q", i, names[i], want[i])
		}
	}
	b, err := fs.ReadFile(Default(), want[0])
	if err != nil {
		t.Fatalf("read %s: %v", want[0], err)
	}
	if len(b) == 0 {
		t.Errorf("got empty %s, want the article", want[0])
	}
}
