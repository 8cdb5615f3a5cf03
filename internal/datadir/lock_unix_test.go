//go:build unix

package datadir

import (
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// notify is a slog.Handler that says when anything is logged.
type notify chan string

func (n notify) Enabled(context.Context, slog.Level) bool { return true }
func (n notify) Handle(_ context.Context, r slog.Record) error {
	select {
	case n <- r.Message:
	default:
	}
	return nil
}
func (n notify) WithAttrs([]slog.Attr) slog.Handler { return n }
func (n notify) WithGroup(string) slog.Handler      { return n }

// TestLockIsExclusive checks that a second Lock on the same dir waits
// until the first is released, and gives up when its context ends.
func TestLockIsExclusive(t *testing.T) {
	dir := t.TempDir()
	unlock, err := Lock(context.Background(), dir, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}

	waiting := make(notify, 1)
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() {
		_, err := Lock(ctx, dir, slog.New(waiting))
		errc <- err
	}()
	<-waiting // it found the lock taken
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Fatalf("second Lock while the first is held: got %v, want context.Canceled", err)
	}

	got := make(chan func(), 1)
	waiting = make(notify, 1)
	go func() {
		u, err := Lock(context.Background(), dir, slog.New(waiting))
		if err != nil {
			t.Error(err)
		}
		got <- u
	}()
	<-waiting
	unlock()
	select {
	case u := <-got:
		u()
	case <-time.After(20 * time.Second):
		t.Fatal("Lock did not get the lock once it was released")
	}
}

// TestNothingBlocksOnAFIFO checks that a FIFO where the lock or the record
// should be is an error, not a hang.
func TestNothingBlocksOnAFIFO(t *testing.T) {
	for _, name := range []string{LockFile, RecordFile} {
		dir := t.TempDir()
		if err := syscall.Mkfifo(filepath.Join(dir, name), 0o600); err != nil {
			t.Skip("mkfifo:", err)
		}
		if name == RecordFile {
			if _, _, err := ReadRecord(dir); err == nil {
				t.Errorf("%s is a FIFO: got no error", name)
			}
			continue
		}
		unlock, err := Lock(context.Background(), dir, slog.New(slog.DiscardHandler))
		if err != nil {
			t.Fatalf("a FIFO at the lock's path: got %v, want Lock to go on without it", err)
		}
		unlock()
	}
}
