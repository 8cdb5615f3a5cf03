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
	var asJSON bool
	var questions string
	c, err := parse("eval", args, stderr, func(fs *flag.FlagSet) {
		fs.BoolVar(&asJSON, "json", false, "print the report as JSON")
		fs.StringVar(&questions, "questions", "", "question set `file` (JSON lines: id, question, answers, sources, answerable)")
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
	eng, docs, err := buildEngine(ctx, c.cfg, c.log, false, nil)
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
	if asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	return rep.WriteTable(stdout)
}
