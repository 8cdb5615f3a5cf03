// Command gencorpus writes a deterministic corpus of English-like .txt and
// .md files for benchmarks at sizes the bundled corpora do not reach, such
// as the 50 MB corpus of issue 13 (about 7,700 files and 96,000 chunks):
//
//	go run ./scripts/gencorpus -mb 50 -out /tmp/corpus50
//
// Flags:
//
//	-mb    size of the corpus in MiB of file bytes (default 5)
//	-out   folder to write; created if missing, and it must be empty
//	-seed  random seed; the same seed and size give the same files, byte
//	       for byte (default 1)
//
// Each file is an article on one of a few hundred topics: a title, then
// paragraphs of sentences (Markdown files also have section headings and
// the odd bullet list). Words come from common English words and a long
// tail of pronounceable made-up words, drawn with a Zipf-like distribution
// both overall and within the article's topic, so that term statistics and
// embeddings have the skew and the topical clustering of real text. Names,
// places, dates, figures and percentages are mixed in. Files are spread
// over 100 sub-folders.
package main

import (
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
)

// Config is one corpus to generate.
type Config struct {
	// MB is the corpus size in MiB of file bytes; the last file may carry
	// it a few KB over.
	MB float64
	// Seed selects the corpus; the same Seed and MB give the same files.
	Seed uint64
}

// meanFileBytes is the log-normal file size's target mean before clamping;
// it makes 50 MiB come out at about 7,700 files, the corpus the issue
// measured.
const meanFileBytes = 6650

// File is one generated file.
type File struct {
	Path string // relative, with forward slashes
	Text string
}

// Generate calls emit for each file of the corpus cfg describes, in
// order, and stops at the first error emit returns.
func Generate(cfg Config, emit func(File) error) error {
	if !(cfg.MB > 0) || math.IsInf(cfg.MB, 0) {
		return fmt.Errorf("corpus size %v MB: must be positive", cfg.MB)
	}
	g := newGenerator(cfg.Seed)
	target := int64(cfg.MB * (1 << 20))
	var total int64
	for i := 0; total < target; i++ {
		f := g.file(i)
		total += int64(len(f.Text))
		if err := emit(f); err != nil {
			return err
		}
	}
	return nil
}

// WriteDir generates the corpus into dir, which must be missing or empty,
// and returns how many files and bytes it wrote.
func WriteDir(cfg Config, dir string) (files int, bytes int64, err error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, 0, fmt.Errorf("corpus folder: %w", err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0, 0, fmt.Errorf("corpus folder: %w", err)
	}
	if len(entries) > 0 {
		return 0, 0, fmt.Errorf("corpus folder %s is not empty; refusing to mix corpora", dir)
	}
	err = Generate(cfg, func(f File) error {
		p := filepath.Join(dir, filepath.FromSlash(f.Path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, []byte(f.Text), 0o644); err != nil {
			return err
		}
		files++
		bytes += int64(len(f.Text))
		return nil
	})
	if err != nil {
		return files, bytes, fmt.Errorf("write corpus: %w", err)
	}
	return files, bytes, nil
}

func main() {
	var cfg Config
	var out string
	flag.Float64Var(&cfg.MB, "mb", 5, "corpus size in MiB of file bytes")
	flag.StringVar(&out, "out", "", "folder to write (created if missing; must be empty)")
	flag.Uint64Var(&cfg.Seed, "seed", 1, "random seed; the same seed and size give the same files")
	flag.Parse()
	if out == "" {
		fmt.Fprintln(os.Stderr, "gencorpus: -out is required")
		flag.Usage()
		os.Exit(2)
	}
	files, bytes, err := WriteDir(cfg, out)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gencorpus:", err)
		os.Exit(1)
	}
	fmt.Printf("wrote %d files, %.1f MiB, to %s\n", files, float64(bytes)/(1<<20), out)
}
