//go:build !unix

package datadir

import "os"

// On systems without flock the data dir is not locked: citebot's images
// and supported platforms are Unix.
func openLock(p string) (*os.File, error) {
	return os.OpenFile(p, os.O_RDWR|os.O_CREATE, 0o600)
}

func tryLock(*os.File) error { return nil }

func unlockFile(*os.File) {}
