package datadir

import (
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"time"
)

// CorporaUnused is how long an index under CorporaDir may go unused
// before PruneCorpora removes it: `citebot ask --corpus` leaves one behind
// for every folder it is pointed at, and nothing else would ever delete
// them.
const CorporaUnused = 30 * 24 * time.Hour

// PruneCorpora marks the index at keep, one of dataDir's CorporaDir
// folders, as used now, and removes the others that have not been used
// for unused. A folder whose lock another process holds is in use and
// stays; anything that is not a folder is left alone. It returns the
// folders removed.
func PruneCorpora(dataDir, keep string, unused time.Duration, log *slog.Logger) []string {
	now := time.Now()
	if err := os.Chtimes(keep, now, now); err != nil && !errors.Is(err, os.ErrNotExist) {
		log.Debug("cannot mark the corpus index as used", "data_dir", keep, "err", err)
	}
	root := filepath.Join(dataDir, CorporaDir)
	entries, err := os.ReadDir(root)
	if err != nil {
		return nil
	}
	var removed []string
	for _, e := range entries {
		dir := filepath.Join(root, e.Name())
		if !e.IsDir() || dir == filepath.Clean(keep) {
			continue
		}
		fi, err := e.Info()
		if err != nil || now.Sub(fi.ModTime()) < unused {
			continue
		}
		if removeUnlocked(dir, log) {
			removed = append(removed, dir)
		}
	}
	if len(removed) > 0 {
		log.Info("removed the indexes of corpora not asked about for a while", "folders", removed, "unused_for", unused)
	}
	return removed
}

// removeUnlocked removes dir while holding its lock, unless another
// process holds it.
func removeUnlocked(dir string, log *slog.Logger) bool {
	f, err := openLock(filepath.Join(dir, LockFile))
	if err != nil {
		log.Debug("cannot open an unused corpus index's lock; leaving it", "data_dir", dir, "err", err)
		return false
	}
	defer f.Close()
	if err := tryLock(f); err != nil {
		return false
	}
	defer unlockFile(f)
	if err := os.RemoveAll(dir); err != nil {
		log.Warn("cannot remove an unused corpus index", "data_dir", dir, "err", err)
		return false
	}
	return true
}
