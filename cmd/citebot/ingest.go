package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"

	"github.com/citebot/citebot/config"
	"github.com/citebot/citebot/internal/store"
)

func cmdIngest(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c, err := parse("ingest", args, stderr, nil)
	if err != nil {
		return err
	}
	if len(c.args) > 0 {
		return fmt.Errorf("%w: unexpected argument %q (use --corpus DIR)", errUsage, c.args[0])
	}
	update, finish := progressBar(stderr, "embedding")
	eng, docs, skipped, err := buildEngine(ctx, c.cfg, c.log, buildStore, update)
	finish()
	if err != nil {
		return err
	}
	defer eng.Close()
	s := eng.Stats()
	if s.SaveError != "" {
		return fmt.Errorf("save index: %s", s.SaveError)
	}
	writeIngestReport(stdout, docs, skipped)
	fmt.Fprintf(stdout, "indexed %d files, %d chunks with %s: %d embedded, %d reused; %d files new or changed, %d removed\n",
		s.Files, s.Chunks, s.Embedder, s.Embedded, s.Reused, s.Changed, s.Removed)
	if s.Rebuilt != "" {
		fmt.Fprintf(stdout, "rebuilt: %s\n", s.Rebuilt)
	}
	if c.cfg.Index.Backend == config.IndexWeaviate {
		fmt.Fprintf(stdout, "index: weaviate %s\n", c.cfg.Index.WeaviateURL)
	} else {
		fmt.Fprintf(stdout, "index: %s\n", filepath.Join(c.cfg.DataDir, store.Dir))
	}
	return nil
}
