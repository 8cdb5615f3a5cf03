// Package watch reports the files that change under a folder, recursively
// and debounced, so that a burst of writes (an editor's save, a copied
// folder, an ingest rewriting its index) arrives as one batch.
package watch

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"
)

// DefaultQuiet is Options.Quiet when it is zero: long enough for an
// editor's save (write, rename, chmod) to settle into one batch, short
// enough that a new file is answered within a second.
const DefaultQuiet = 300 * time.Millisecond

// DefaultMaxWait is Options.MaxWait when it is zero.
const DefaultMaxWait = 2 * time.Second

// Options tunes Watch. The zero value is ready to use.
type Options struct {
	// Quiet is how long no event must arrive before a batch is reported;
	// zero means DefaultQuiet.
	Quiet time.Duration
	// MaxWait bounds how long a batch waits for quiet: a file written
	// without pause (a log) is still reported this long after its first
	// event. Zero means DefaultMaxWait.
	MaxWait time.Duration
	// Skip, when set, names paths (relative to the folder, with forward
	// slashes) to pass over, with their subfolders; nil passes over
	// nothing.
	Skip func(rel string) bool
	// Logger receives watch errors; nil means slog.Default().
	Logger *slog.Logger
	// Ready, when set, is called once the folders are watched: a change
	// made after it returns is reported.
	Ready func()
}

// Watch watches dir and its subfolders, adding new subfolders as they
// appear, and calls changed with each batch of changed paths: relative to
// dir, with forward slashes, sorted and unique. A path may name a file or
// a folder that was added, written, renamed or removed; the caller looks
// at the disk to see which. changed runs on Watch's goroutine, so events
// that arrive meanwhile form the next batch. Watch returns when ctx ends
// (with nil) or the watcher fails.
func Watch(ctx context.Context, dir string, opts Options, changed func(paths []string)) error {
	if opts.Quiet <= 0 {
		opts.Quiet = DefaultQuiet
	}
	if opts.MaxWait <= 0 {
		opts.MaxWait = DefaultMaxWait
	}
	if opts.Skip == nil {
		opts.Skip = func(string) bool { return false }
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return fmt.Errorf("watch %s: %w", dir, err)
	}
	defer w.Close()
	root, err := filepath.Abs(dir)
	if err != nil {
		return fmt.Errorf("watch %s: %w", dir, err)
	}
	wt := &watcher{w: w, root: root, opts: opts}
	if err := wt.addTree(root); err != nil {
		return fmt.Errorf("watch %s: %w", dir, err)
	}

	if opts.Ready != nil {
		opts.Ready()
	}
	timer := time.NewTimer(time.Hour)
	timer.Stop() // started by the first event
	pending := map[string]bool{}
	var first time.Time // of the pending batch
	// wait restarts the quiet period, but never past MaxWait.
	wait := func() {
		if len(pending) == 0 {
			first = time.Now()
		}
		timer.Reset(min(opts.Quiet, time.Until(first.Add(opts.MaxWait))))
	}
	for {
		select {
		case <-ctx.Done():
			timer.Stop()
			return nil
		case ev, ok := <-w.Events:
			if !ok {
				return nil
			}
			rel, ok := wt.rel(ev.Name)
			if !ok || opts.Skip(rel) {
				continue
			}
			if ev.Has(fsnotify.Create) {
				// A folder created or moved in: watch it, and report
				// what it already holds, as its files' own events came
				// before its watch did.
				if fi, err := os.Stat(ev.Name); err == nil && fi.IsDir() {
					if err := wt.addTree(ev.Name); err != nil {
						opts.Logger.Warn("watch: cannot watch a new folder", "path", rel, "err", err)
					}
				}
			}
			wait()
			pending[rel] = true
		case err, ok := <-w.Errors:
			if !ok {
				return nil
			}
			if errors.Is(err, fsnotify.ErrEventOverflow) {
				// Events were lost: say the whole folder changed.
				wait()
				pending["."] = true
				continue
			}
			opts.Logger.Warn("watch: error", "err", err)
		case <-timer.C:
			paths := make([]string, 0, len(pending))
			for p := range pending {
				paths = append(paths, p)
			}
			clear(pending)
			slices.Sort(paths)
			changed(paths)
		}
	}
}

type watcher struct {
	w    *fsnotify.Watcher
	root string
	opts Options
}

// rel is name relative to the root, with forward slashes; ok is false for
// a name outside it.
func (wt *watcher) rel(name string) (string, bool) {
	r, err := filepath.Rel(wt.root, name)
	if err != nil || r == ".." || strings.HasPrefix(r, ".."+string(filepath.Separator)) {
		return "", false
	}
	return filepath.ToSlash(r), true
}

// addTree watches dir and every folder under it that Skip keeps. A
// folder that vanishes while it is walked is not an error: its removal
// is an event of its own.
func (wt *watcher) addTree(dir string) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p != dir && errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if !d.IsDir() {
			return nil
		}
		if rel, ok := wt.rel(p); ok && rel != "." && wt.opts.Skip(rel) {
			return fs.SkipDir
		}
		if err := wt.w.Add(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		return nil
	})
}
