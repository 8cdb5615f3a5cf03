package datadir

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"
)

// errLocked means another process holds the data dir's lock.
var errLocked = errors.New("data dir locked by another process")

// Lock takes dir's lock, so that two citebot processes never build or
// update the index there at once (two ingests racing would each write the
// index and one would lose). While another process holds it, Lock waits,
// saying so in log once, until it is free or ctx ends. unlock releases
// it; the lock also goes when the process exits, however it exits.
//
// A data dir where the lock file cannot be created (a read-only volume)
// is not an error: nothing can be written there either, and the caller
// answers from memory.
func Lock(ctx context.Context, dir string, log *slog.Logger) (unlock func(), err error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		log.Warn("cannot create the data dir; going on without its lock", "data_dir", dir, "err", err)
		return func() {}, nil
	}
	p := filepath.Join(dir, LockFile)
	f, err := openLock(p)
	if err != nil {
		log.Warn("cannot open the data dir's lock; going on without it", "path", p, "err", err)
		return func() {}, nil
	}
	wait, said := 50*time.Millisecond, false
	for {
		err := tryLock(f)
		if err == nil {
			return func() { unlockFile(f); f.Close() }, nil
		}
		if !errors.Is(err, errLocked) {
			f.Close()
			return nil, fmt.Errorf("lock %s: %w", p, err)
		}
		if !said {
			log.Info("another citebot is building the index in the data dir; waiting for it", "data_dir", dir)
			said = true
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			f.Close()
			return nil, ctx.Err()
		case <-t.C:
		}
		wait = min(2*wait, time.Second)
	}
}
