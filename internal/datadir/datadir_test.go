package datadir

import (
	"path/filepath"
	"testing"
	"time"
)

func TestRecord(t *testing.T) {
	dir := t.TempDir()
	if _, ok, err := ReadRecord(dir); ok || err != nil {
		t.Fatalf("fresh dir: got ok=%v err=%v, want no record", ok, err)
	}
	want := Record{Corpus: "/srv/articles", Built: time.Date(2025, 3, 18, 12, 0, 0, 0, time.UTC)}
	if err := WriteRecord(dir, want); err != nil {
		t.Fatal(err)
	}
	got, ok, err := ReadRecord(dir)
	if err != nil || !ok || got != want {
		t.Errorf("got %+v %v %v, want %+v", got, ok, err, want)
	}
	if matches, _ := filepath.Glob(filepath.Join(dir, RecordFile+".tmp-*")); len(matches) != 0 {
		t.Errorf("temporary files left: %v", matches)
	}
}

func TestSameCorpus(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		a, b string
		want bool
	}{
		{"", "", true},
		{"", dir, false},
		{dir, dir + "/.", true},
		{dir, filepath.Join(dir, "..", filepath.Base(dir)), true},
		{dir, t.TempDir(), false},
	}
	for _, tt := range tests {
		if got := SameCorpus(tt.a, tt.b); got != tt.want {
			t.Errorf("SameCorpus(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}
