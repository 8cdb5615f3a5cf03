//go:build unix

package corpus

import (
	"context"
	"path/filepath"
	"syscall"
	"testing"
)

// TestLoadSkipsFIFO checks that Load does not open a named pipe, which would
// block for ever waiting for a writer.
func TestLoadSkipsFIFO(t *testing.T) {
	dir := t.TempDir()
	if err := syscall.Mkfifo(filepath.Join(dir, "pipe.txt"), 0o644); err != nil {
		t.Skip("mkfifo:", err)
	}
	_, skipped, err := LoadDir(context.Background(), dir, LoadOptions{Logger: discardLogger()})
	if err == nil {
		t.Error("got nil error, want ErrNoDocuments")
	}
	if len(skipped) != 1 || skipped[0].Reason != "not a regular file" {
		t.Errorf("got skipped %v, want the pipe reported as not a regular file", skipped)
	}
}
