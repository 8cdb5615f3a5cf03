//go:build unix

package retrieval_test

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"testing/fstest"
	"time"

	"github.com/citebot/citebot"
	"github.com/citebot/citebot/internal/store"
)

// TestFIFOAtIndexPathIsRebuilt checks that a FIFO where the index should
// be is treated as a corrupt index, not opened: reading it would block
// start-up, and shutdown with it, for ever.
func TestFIFOAtIndexPathIsRebuilt(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, store.Dir), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(store.CurrentPath(dir), 0o600); err != nil {
		t.Skip("mkfifo:", err)
	}
	docs := loadMap(t, fstest.MapFS{"a.txt": {Data: []byte("The old bridge was opened in 1889 by the mayor.\n")}})
	done := make(chan citebot.IngestStats, 1)
	go func() { done <- build(t, docs, nil, dir) }()
	select {
	case s := <-done:
		if s.Rebuilt == "" || s.SaveError != "" {
			t.Errorf("got %+v, want a rebuild that saved the index", s)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("building the engine hangs on a FIFO at the index path")
	}
	if fi, err := os.Stat(store.CurrentPath(dir)); err != nil || !fi.Mode().IsRegular() {
		t.Errorf("index path after the rebuild: %v %v, want a regular file", fi, err)
	}
}
