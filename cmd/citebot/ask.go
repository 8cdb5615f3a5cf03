package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/citebot/citebot"
	"github.com/citebot/citebot/config"
	"github.com/citebot/citebot/internal/datadir"
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
	eng, _, _, err := buildEngine(ctx, askDataDir(c.cfg, c.log), c.log, readStore, nil)
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

// askDataDir picks the data dir `citebot ask` keeps its index in. Someone
// who tried the embedded articles and then asks about a folder of their
// own should get an answer, not a refusal; so when the data dir is the
// default one and its index is of another corpus, ask keeps an index of
// the folder it names beside it (datadir.CorpusCache) and leaves the
// default index alone; such indexes unused for datadir.CorporaUnused are
// removed then. With a data dir chosen on purpose, or --rebuild,
// ask does as ingest and serve do: it refuses to replace an index of
// another corpus unless told to (see corpusFor).
func askDataDir(cfg config.Config, log *slog.Logger) config.Config {
	if cfg.Corpus.Dir == "" || cfg.Corpus.Rebuild || !cfg.DataDirIsDefault() {
		return cfg
	}
	rec, ok, err := datadir.ReadRecord(cfg.DataDir)
	want := datadir.AbsCorpus(cfg.Corpus.Dir)
	if err != nil || !ok || datadir.SameCorpus(want, rec.Corpus) {
		return cfg
	}
	dir := datadir.CorpusCache(cfg.DataDir, want)
	log.Info("the default data dir holds the index of another corpus; using a separate index for this one",
		"corpus", want, "data_dir", dir, "default_data_dir_corpus", rec.CorpusName())
	datadir.PruneCorpora(cfg.DataDir, dir, datadir.CorporaUnused, log)
	cfg.DataDir = dir
	return cfg
}
