package watch

import (
	"context"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// start watches dir and returns the batches it reports, once the watch
// is up.
func start(t *testing.T, dir string) <-chan []string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	batches := make(chan []string, 16)
	ready := make(chan struct{})
	done := make(chan error, 1)
	opts := Options{Quiet: 20 * time.Millisecond, Skip: hidden, Ready: func() { close(ready) }}
	go func() {
		done <- Watch(ctx, dir, opts, func(p []string) { batches <- p })
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Watch: %v", err)
		}
	})
	select {
	case <-ready:
	case err := <-done:
		done <- err // for the cleanup
		t.Fatalf("Watch: %v", err)
	case <-time.After(5 * time.Second):
		t.Fatal("the watch never came up")
	}
	return batches
}

func write(t *testing.T, p, text string) {
	t.Helper()
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// next collects batches until one holds want, failing after a deadline;
// it returns every path seen.
func next(t *testing.T, batches <-chan []string, want string) []string {
	t.Helper()
	var seen []string
	deadline := time.After(5 * time.Second)
	for {
		select {
		case b := <-batches:
			seen = append(seen, b...)
			if slices.Contains(b, want) {
				return seen
			}
		case <-deadline:
			t.Fatalf("no batch named %s; saw %v", want, seen)
		}
	}
}

func TestWatch(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "old", "deep"), 0o755); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(dir, "old", "deep", "a.txt"), "a")
	batches := start(t, dir)

	t.Run("a file in an existing subfolder", func(t *testing.T) {
		write(t, filepath.Join(dir, "old", "deep", "a.txt"), "changed")
		next(t, batches, "old/deep/a.txt")
	})
	t.Run("a burst is one batch", func(t *testing.T) {
		for _, n := range []string{"b.txt", "c.txt", "d.txt"} {
			write(t, filepath.Join(dir, n), n)
		}
		seen := next(t, batches, "d.txt")
		for _, n := range []string{"b.txt", "c.txt"} {
			if !slices.Contains(seen, n) {
				t.Errorf("got %v, want %s in it", seen, n)
			}
		}
	})
	t.Run("a new folder and a file in it", func(t *testing.T) {
		if err := os.Mkdir(filepath.Join(dir, "new"), 0o755); err != nil {
			t.Fatal(err)
		}
		next(t, batches, "new")
		// The new folder is watched now: its files are reported.
		write(t, filepath.Join(dir, "new", "e.txt"), "e")
		next(t, batches, "new/e.txt")
	})
	t.Run("hidden files are passed over", func(t *testing.T) {
		write(t, filepath.Join(dir, ".hidden.txt"), "h")
		write(t, filepath.Join(dir, "f.txt"), "f")
		if seen := next(t, batches, "f.txt"); slices.Contains(seen, ".hidden.txt") {
			t.Errorf("got %v, want no hidden file", seen)
		}
	})
	t.Run("a removal", func(t *testing.T) {
		if err := os.Remove(filepath.Join(dir, "b.txt")); err != nil {
			t.Fatal(err)
		}
		next(t, batches, "b.txt")
	})
}

// TestWatchMaxWait checks that a file written without pause is still
// reported.
func TestWatchMaxWait(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	batches := make(chan []string, 1)
	ready := make(chan struct{})
	done := make(chan error, 1)
	opts := Options{Quiet: time.Hour, MaxWait: 50 * time.Millisecond, Ready: func() { close(ready) }}
	go func() {
		done <- Watch(ctx, dir, opts, func(p []string) {
			select {
			case batches <- p:
			default:
			}
		})
	}()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Watch: %v", err)
		}
	}()
	select {
	case <-ready:
	case <-time.After(5 * time.Second):
		t.Fatal("the watch never came up")
	}
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(5 * time.Second)
	for n := 0; ; n++ {
		write(t, filepath.Join(dir, "log.txt"), strings.Repeat("x", n))
		select {
		case b := <-batches:
			if !slices.Equal(b, []string{"log.txt"}) {
				t.Errorf("got %v, want [log.txt]", b)
			}
			return
		case <-deadline:
			t.Fatal("a file written without pause was never reported")
		case <-tick.C:
		}
	}
}

func TestWatchMissingFolder(t *testing.T) {
	err := Watch(context.Background(), filepath.Join(t.TempDir(), "nope"), Options{}, func([]string) {})
	if err == nil {
		t.Fatal("got nil, want an error for a missing folder")
	}
}

// hidden is the Skip of a corpus watch.
func hidden(rel string) bool { return strings.HasPrefix(path.Base(rel), ".") }
