package corpus

import (
	"embed"
	"io/fs"
)

// seedFiles holds the default corpus. The files keep their names so that a
// citation of the embedded corpus names the same file as the repository.
//
//go:embed seeds/*.txt
var seedFiles embed.FS

// Default returns the embedded default corpus: the seed articles, rooted so
// that paths are the plain file names (for example
// "000_2bc005b4439df7f9.txt"). It lets the binary answer questions from any
// working directory without a corpus folder.
func Default() fs.FS {
	sub, err := fs.Sub(seedFiles, "seeds")
	if err != nil {
		// fs.Sub fails only for an invalid directory name, and "seeds" is a
		// valid constant; fall back to the unrooted tree rather than panic.
		return seedFiles
	}
	return sub
}
