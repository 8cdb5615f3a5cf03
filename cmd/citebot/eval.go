package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/citebot/citebot/retrieval"
)

func cmdEval(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var asJSON, baseline bool
	var questions string
	c, err := parse("eval", args, stderr, func(fs *flag.FlagSet) {
		fs.BoolVar(&asJSON, "json", false, "print the report as JSON")
		fs.StringVar(&questions, "questions", "", "question set `file` (JSON lines: id, question, answers, sources, answerable, kind)")
		fs.BoolVar(&baseline, "baseline", false, "also score a BM25 top-sentence baseline on the same set, and print the margin")
	})
	if err != nil {
		return err
	}
	if questions == "" {
		return fmt.Errorf("%w: --questions FILE is required", errUsage)
	}
	f, err := os.Open(questions)
	if err != nil {
		return err
	}
	qs, err := retrieval.ReadEvalSet(f)
	f.Close()
	if err != nil {
		return err
	}
	eng, docs, _, err := buildEngine(ctx, c.cfg, c.log, noStore, nil)
	if err != nil {
		return err
	}
	defer eng.Close()
	texts := make(map[string]string, len(docs))
	for _, d := range docs {
		texts[d.Source] = d.Text
	}
	// With a chat model, eval scores the model's answers.
	rep := retrieval.Evaluate(ctx, llmAnswerer(c.cfg.LLM, eng, c.log), qs, texts)
	rep.Name = "citebot"
	var base *retrieval.EvalReport
	if baseline {
		b := retrieval.NewBaseline(docs, c.cfg.Corpus.ChunkOptions())
		r := retrieval.Evaluate(ctx, b, qs, texts)
		r.Name = "baseline: BM25 top sentence"
		base = &r
	}
	if asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if base == nil {
			return enc.Encode(rep)
		}
		return enc.Encode(struct {
			Report   retrieval.EvalReport `json:"report"`
			Baseline retrieval.EvalReport `json:"baseline"`
		}{rep, *base})
	}
	if err := rep.WriteTable(stdout); err != nil {
		return err
	}
	if base == nil {
		return nil
	}
	fmt.Fprintln(stdout)
	if err := base.WriteSummary(stdout); err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "\nmargin over the baseline: lead accuracy %+.1f points, contains accuracy %+.1f points\n",
		(rep.LeadAccuracy-base.LeadAccuracy)*100, (rep.ContainsAccuracy-base.ContainsAccuracy)*100)
	return err
}
