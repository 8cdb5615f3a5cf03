// Command fitreader refits the reader's model (retrieval/reader/model.json)
// from question sets with marked answers. Run from the repository root:
//
//	go run ./internal/cmd/fitreader
//
// With the default flags it reads ../shared/eval/squad-train and writes
// retrieval/reader/model.json; the same data gives the same file.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"

	"github.com/citebot/citebot/internal/readerfit"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "fitreader:", err)
		os.Exit(1)
	}
}

func run() error {
	shared := "../shared/eval"
	opts := readerfit.DefaultOptions(".")
	var out, dev, devCorpus, seedDev string
	flag.StringVar(&opts.Train, "train", shared+"/squad-train/train.jsonl", "question set to fit on (with answer_offsets)")
	flag.StringVar(&opts.Corpus, "corpus", shared+"/squad-train/corpus", "corpus the training questions are about")
	flag.StringVar(&dev, "dev", shared+"/squad-train/questions.jsonl", "question set to choose settings on")
	flag.StringVar(&devCorpus, "dev-corpus", shared+"/squad-train/corpus", "corpus of -dev")
	flag.StringVar(&seedDev, "seed-dev", shared+"/questions.jsonl", "second set to choose settings on, about the embedded corpus (empty to skip)")
	flag.StringVar(&out, "out", "retrieval/reader/model.json", "where to write the model")
	verbose := flag.Bool("v", false, "print progress")
	flag.Float64Var(&opts.L2Sentence, "l2-sentence", 0, "L2 penalty of the sentence model (0: default)")
	flag.Float64Var(&opts.L2Span, "l2-answer", 0, "L2 penalty of the answer model (0: default)")
	flag.Float64Var(&opts.L2Confidence, "l2-confidence", 0, "L2 penalty of the confidence model (0: default)")
	flag.BoolVar(&opts.CrossValidate, "cv", false, "report held-out accuracy on the training set by article folds")
	flag.BoolVar(&opts.Verbose, "vv", false, "also print every development question's result")
	flag.Parse()
	opts.Dev = []readerfit.Set{{Name: "squad-dev", Questions: dev, Corpus: devCorpus}}
	if seedDev != "" {
		opts.Dev = append(opts.Dev, readerfit.Set{Name: "seed", Questions: seedDev})
	}
	if *verbose || opts.Verbose {
		opts.Log = os.Stderr
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	m, err := readerfit.Fit(ctx, opts)
	if err != nil {
		return err
	}
	b, err := readerfit.Marshal(m)
	if err != nil {
		return err
	}
	return os.WriteFile(out, b, 0o644)
}
