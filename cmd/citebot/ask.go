package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/citebot/citebot"
)

func cmdAsk(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var asJSON bool
	c, err := parse("ask", args, stderr, func(fs *flag.FlagSet) {
		fs.BoolVar(&asJSON, "json", false, "print the answer as JSON")
	})
	if err != nil {
		return err
	}
	question := strings.TrimSpace(strings.Join(c.args, " "))
	if question == "" {
		return fmt.Errorf("%w: give a question, as in: citebot ask \"when did Estonia ratify Ottawa?\"", errUsage)
	}
	logLLMMode(c.log, c.cfg.LLM)
	eng, _, _, err := buildEngine(ctx, c.cfg, c.log, readStore, nil)
	if err != nil {
		return err
	}
	defer eng.Close()
	ans, err := llmAnswerer(c.cfg.LLM, eng, c.log).Answer(ctx, citebot.Question{Text: question})
	if err != nil {
		return err
	}
	if asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(ans)
	}
	return writeAnswer(stdout, ans)
}

// writeAnswer prints an answer and its sources for a terminal.
func writeAnswer(w io.Writer, ans citebot.Answer) error {
	var b strings.Builder
	b.WriteString(ans.Text)
	b.WriteString("\n")
	if ans.Note != "" {
		fmt.Fprintf(&b, "(%s)\n", ans.Note)
	}
	if len(ans.Citations) > 0 {
		if ans.Answered {
			b.WriteString("\nSources:\n")
		} else {
			b.WriteString("\nNearest sources:\n")
		}
		for i, c := range ans.Citations {
			fmt.Fprintf(&b, "  [%d] %s%s", i+1, c.Source, c.PageSuffix())
			if c.Title != "" {
				fmt.Fprintf(&b, " — %s", c.Title)
			}
			fmt.Fprintf(&b, "\n      %q\n", c.Quote)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
