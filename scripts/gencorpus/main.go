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
//	-questions N
//	       also write N distinct questions about the corpus to
//	       <out>.questions.jsonl, beside the folder (default 0: none)
//
// Each file is an article on one of a few hundred topics: a title, then
// paragraphs of sentences (Markdown files also have section headings and
// the odd bullet list). Words come from common English words and a long
// tail of pronounceable made-up words, drawn with a Zipf-like distribution
// both overall and within the article's topic, so that term statistics and
// embeddings have the skew and the topical clustering of real text. Names,
// places, dates, figures and percentages are mixed in. Files are spread
// over 100 sub-folders.
//
// The questions are for benchmarks that must ask distinct questions with
// cold caches (scripts/benchstore.sh, BenchmarkAnswerDistinct). Each is
// made from the first clause of a sentence of the corpus, asking for its
// subject ("What approved the new budget in Riga?"), its object ("What
// did the council approve?") or its date ("When did Anna Tamm sign the
// permit?"), and records that part as the answer and the file as the
// source, in the shared eval-set format. They are drawn uniformly over all
// such questions the corpus gives, with no two alike (case aside), from a
// random stream of their own: the same seed and size give the same
// questions, and asking for them does not change the corpus. A corpus
// gives about 13,000 distinct questions per MiB (one per sentence it can
// split); gencorpus says so when it has fewer than were asked for.
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
// and returns how many files and bytes it wrote. observe, if not nil, sees
// each file after it is written.
func WriteDir(cfg Config, dir string, observe func(File)) (files int, bytes int64, err error) {
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
		if observe != nil {
			observe(f)
		}
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
	var questions int
	flag.Float64Var(&cfg.MB, "mb", 5, "corpus size in MiB of file bytes")
	flag.StringVar(&out, "out", "", "folder to write (created if missing; must be empty)")
	flag.Uint64Var(&cfg.Seed, "seed", 1, "random seed; the same seed and size give the same files")
	flag.IntVar(&questions, "questions", 0, "also write this many distinct questions about the corpus to <out>.questions.jsonl")
	flag.Parse()
	if out == "" || questions < 0 {
		fmt.Fprintln(os.Stderr, "gencorpus: -out is required, and -questions cannot be negative")
		flag.Usage()
		os.Exit(2)
	}
	var observe func(File)
	var sampler *questionSampler
	if questions > 0 {
		sampler = newQuestionSampler(questions, cfg.Seed)
		observe = sampler.add
	}
	files, bytes, err := WriteDir(cfg, out, observe)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gencorpus:", err)
		os.Exit(1)
	}
	fmt.Printf("wrote %d files, %.1f MiB, to %s\n", files, float64(bytes)/(1<<20), out)
	if sampler == nil {
		return
	}
	path := QuestionsPath(out)
	qs := sampler.questions()
	if err := writeQuestions(path, qs); err != nil {
		fmt.Fprintln(os.Stderr, "gencorpus:", err)
		os.Exit(1)
	}
	fmt.Printf("wrote %d distinct questions to %s\n", len(qs), path)
	if len(qs) < questions {
		fmt.Printf("the corpus gives only %d distinct questions, not the %d asked for\n", len(qs), questions)
	}
}

// QuestionsPath is where the questions about the corpus in dir go: beside
// the folder, not in it, so that ingest does not read them as a document.
func QuestionsPath(dir string) string { return filepath.Clean(dir) + ".questions.jsonl" }
