package datadir

import (
	"path/filepath"
	"strings"
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

func TestCorpusCache(t *testing.T) {
	base := filepath.Join("data", "citebot")
	tests := []struct {
		corpus, wantPrefix string
	}{
		{"/home/ann/docs", "docs-"},
		{"/srv/My Docs (v2)", "My_Docs__v2_-"},
		{"/srv/.hidden", "hidden-"},
		{"/", "_-"},
		{"/srv/" + strings.Repeat("x", 60), strings.Repeat("x", 40) + "-"},
		{"/srv/Ünïcode", "_n_code-"},
	}
	seen := map[string]string{}
	for _, tt := range tests {
		t.Run(tt.corpus, func(t *testing.T) {
			got := CorpusCache(base, tt.corpus)
			if dir := filepath.Dir(got); dir != filepath.Join(base, CorporaDir) {
				t.Errorf("CorpusCache(%q) = %q, want it in %s", tt.corpus, got, filepath.Join(base, CorporaDir))
			}
			if name := filepath.Base(got); !strings.HasPrefix(name, tt.wantPrefix) || len(name) != len(tt.wantPrefix)+12 {
				t.Errorf("CorpusCache(%q) = %q, want %s followed by 12 hex digits", tt.corpus, name, tt.wantPrefix)
			}
			if again := CorpusCache(base, tt.corpus); again != got {
				t.Errorf("CorpusCache(%q) gave %q, then %q", tt.corpus, got, again)
			}
			if other, ok := seen[got]; ok {
				t.Errorf("%q and %q share %q", tt.corpus, other, got)
			}
			seen[got] = tt.corpus
		})
	}
	if a, b := CorpusCache(base, "/a/docs"), CorpusCache(base, "/b/docs"); a == b {
		t.Errorf("two folders named docs share %q", a)
	}
}
