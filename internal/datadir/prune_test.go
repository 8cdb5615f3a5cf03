//go:build unix

package datadir

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

func TestPruneCorpora(t *testing.T) {
	log := slog.New(slog.DiscardHandler)
	data := t.TempDir()
	root := filepath.Join(data, CorporaDir)
	old := time.Now().Add(-2 * CorporaUnused)
	mk := func(name string, at time.Time) string {
		t.Helper()
		dir := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Join(dir, "index"), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "index", "x"), []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(dir, at, at); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	keep := mk("kept-000000000001", old) // unused for long, but asked about now
	stale := mk("stale-000000000002", old)
	recent := mk("recent-000000000003", time.Now().Add(-time.Hour))
	busy := mk("busy-000000000004", old)
	unlock, err := Lock(context.Background(), busy, log)
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	outside := t.TempDir()
	link := filepath.Join(root, "link-000000000005")
	if err := os.Symlink(outside, link); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "note.txt"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(link, old, old); err != nil {
		t.Fatal(err)
	}

	got := PruneCorpora(data, keep, CorporaUnused, log)
	if want := []string{stale}; !slices.Equal(got, want) {
		t.Errorf("removed %v, want %v", got, want)
	}
	for _, tt := range []struct {
		path string
		want bool
	}{{keep, true}, {stale, false}, {recent, true}, {busy, true}, {link, true}, {outside, true}} {
		if _, err := os.Stat(tt.path); (err == nil) != tt.want {
			t.Errorf("%s exists: %v, want %v", tt.path, err == nil, tt.want)
		}
	}
	if fi, err := os.Stat(keep); err != nil || time.Since(fi.ModTime()) > time.Minute {
		t.Errorf("kept index not marked as used now: %v, %v", fi.ModTime(), err)
	}
	if got := PruneCorpora(filepath.Join(data, "nothing"), keep, CorporaUnused, log); len(got) != 0 {
		t.Errorf("removed %v from a data dir without corpora, want nothing", got)
	}
}
