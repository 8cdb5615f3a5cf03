package store

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/citebot/citebot/internal/datadir"
)

// currentFile names the generation folder in service. It is replaced by
// rename, so a reader sees the old name or the new one.
const currentFile = "CURRENT"

// CurrentRel is CURRENT's path relative to the data dir, with forward
// slashes.
const CurrentRel = Dir + "/" + currentFile

// CurrentPath is the file whose change means that another process stored
// a new index in dataDir.
func CurrentPath(dataDir string) string { return filepath.Join(dataDir, Dir, currentFile) }

// CurrentManifest returns the manifest of dataDir's current stored
// index; every failure wraps ErrStale.
func CurrentManifest(dataDir string) (Manifest, error) {
	_, m, err := current(dataDir)
	return m, err
}

// current returns the folder and manifest of dataDir's current
// generation.
func current(dataDir string) (string, Manifest, error) {
	root := filepath.Join(dataDir, Dir)
	name, err := readCurrent(root)
	if err != nil {
		if _, lerr := os.Lstat(filepath.Join(dataDir, LegacyFile)); lerr == nil {
			return "", Manifest{}, fmt.Errorf("%w: the data dir holds an index of an earlier citebot version", ErrStale)
		}
		return "", Manifest{}, fmt.Errorf("%w: %w", ErrStale, err)
	}
	gen := filepath.Join(root, name)
	b, err := datadir.ReadRegular(filepath.Join(gen, manifestFile))
	if err != nil {
		return "", Manifest{}, fmt.Errorf("%w: %w", ErrStale, err)
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return "", Manifest{}, fmt.Errorf("%w: manifest: %w", ErrStale, err)
	}
	switch {
	case m.Format < Format:
		return "", m, fmt.Errorf("%w: it is of format %d, from an earlier citebot; this one reads format %d", ErrStale, m.Format, Format)
	case m.Format > Format:
		return "", m, fmt.Errorf("%w: it is of format %d, from a newer citebot; this one reads format %d", ErrStale, m.Format, Format)
	}
	return gen, m, nil
}

// readCurrent returns the generation name CURRENT holds in root.
func readCurrent(root string) (string, error) {
	b, err := datadir.ReadRegular(filepath.Join(root, currentFile))
	if err != nil {
		return "", err
	}
	name := strings.TrimSpace(string(b))
	if !validGeneration(name) {
		return "", fmt.Errorf("%s names no generation: %q", currentFile, name)
	}
	return name, nil
}

// validGeneration accepts only names Write makes, so that CURRENT cannot
// point outside the index folder.
func validGeneration(name string) bool {
	if len(name) < 2 || name[0] != 'g' {
		return false
	}
	for _, r := range name[1:] {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// setCurrent points CURRENT at name, atomically.
func setCurrent(root, name string) error {
	tmp := filepath.Join(root, currentFile+".tmp")
	if err := datadir.WriteFileSync(tmp, []byte(name+"\n")); err != nil {
		return err
	}
	if err := os.Rename(tmp, filepath.Join(root, currentFile)); err != nil {
		return fmt.Errorf("set current generation: %w", err)
	}
	syncDir(root)
	return nil
}

// prune removes the generations other than keep ones: builds that were
// superseded, or killed before they became current.
func prune(root string, keep ...string) {
	entries, err := os.ReadDir(root)
	if err != nil {
		return
	}
	for _, e := range entries {
		name := e.Name()
		if staged, ok := strings.CutSuffix(name, stagedDocs); ok && !e.IsDir() && validGeneration(staged) && !contains(keep, staged) {
			// A build's documents, left by a crash before they were moved in.
			os.Remove(filepath.Join(root, name))
			continue
		}
		if !e.IsDir() || !validGeneration(name) || contains(keep, name) {
			continue
		}
		os.RemoveAll(filepath.Join(root, name))
	}
}

// stagedDocs ends the name of the file a generation's documents are
// written to, beside the generation's folder, while its index is built.
const stagedDocs = ".docs"

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// syncDir makes a folder's new entries durable; where that is not
// possible it is skipped.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}
