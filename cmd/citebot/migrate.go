package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"path/filepath"

	"github.com/citebot/citebot/config"
	"github.com/citebot/citebot/internal/store"
	"github.com/citebot/citebot/retrieval/index"
	"github.com/citebot/citebot/retrieval/index/weaviate"
)

// cmdMigrate copies the embedded index stored in the data dir to another
// backend, vectors included, so that moving to Weaviate re-embeds nothing.
// It copies by content hash: chunks already there unchanged are skipped,
// so an interrupted migration is finished by running it again.
func cmdMigrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var to string
	c, err := parse("migrate", args, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&to, "to", "", "backend to copy the embedded index to: weaviate")
	})
	if err != nil {
		return err
	}
	if len(c.args) > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, c.args[0])
	}
	switch to {
	case config.IndexWeaviate:
	case "":
		return fmt.Errorf("%w: --to is required: citebot migrate --to weaviate", errUsage)
	default:
		return fmt.Errorf("%w: --to %q: the only target is weaviate", errUsage, to)
	}
	if c.cfg.Index.WeaviateURL == "" {
		return fmt.Errorf("%w: WEAVIATE_URL is not set; set it to the server, such as http://127.0.0.1:8081", errUsage)
	}
	recs, m, err := store.Records(c.cfg.DataDir)
	if err != nil && !store.Exists(c.cfg.DataDir) {
		return fmt.Errorf("no embedded index in %s: run `citebot ingest` with the embedded index first, or point --data-dir at one", c.cfg.DataDir)
	}
	if err != nil {
		return fmt.Errorf("read embedded index: %w; run `citebot ingest` to rebuild it", err)
	}
	embedder := m.Embedder
	cfg := c.cfg
	cfg.Index.Backend = config.IndexWeaviate
	idx, err := openIndex(cfg, c.log)
	if err != nil {
		return err
	}
	w := idx.(*weaviate.Index)
	update, finish := progressBar(stderr, "copying")
	st, err := copyIndex(ctx, recs, embedder, w, update)
	finish()
	if err != nil {
		return fmt.Errorf("migrate to weaviate: %w (run the same command again to resume)", err)
	}
	fmt.Fprintf(stdout, "copied %d of %d chunks from %s to weaviate %s class %s (%d already there, %d removed); embedder %s, nothing re-embedded\n",
		st.Written, len(recs), filepath.Join(c.cfg.DataDir, store.Dir), w.URL(), w.Class(), st.Unchanged, st.Deleted, embedder)
	fmt.Fprintln(stdout, "set CITEBOT_INDEX=weaviate to serve from it")
	return nil
}

// copyStats reports what copyIndex did.
type copyStats struct {
	Written   int // records written
	Unchanged int // records the index already held unchanged
	Deleted   int // chunks the index held that recs does not
}

// copyIndex makes idx hold exactly recs, with their vectors as they are:
// it writes the records whose digest differs from the stored one and
// deletes chunks recs does not have. embedder names the model that made
// the vectors. Copying again after an interruption resumes it.
func copyIndex(ctx context.Context, recs []index.Record, embedder string, idx index.PersistentIndex, progress func(done, total int)) (copyStats, error) {
	var st copyStats
	stored, err := idx.Stored(ctx, embedder)
	if err != nil {
		return st, err
	}
	live := make(map[string]bool, len(recs))
	var todo []index.Record
	for _, r := range recs {
		live[r.Chunk.ID] = true
		if stored[r.Chunk.ID].Content == index.DigestChunk(embedder, r.Chunk).Content {
			st.Unchanged++
			continue
		}
		todo = append(todo, r)
	}
	const step = 1000
	for i := 0; i < len(todo); i += step {
		if progress != nil {
			progress(st.Unchanged+i, len(recs))
		}
		if err := idx.Upsert(ctx, todo[i:min(i+step, len(todo))]); err != nil {
			return st, err
		}
		st.Written = min(i+step, len(todo))
	}
	if progress != nil {
		progress(len(recs), len(recs))
	}
	var gone []string
	for id := range stored {
		if !live[id] {
			gone = append(gone, id)
		}
	}
	if err := idx.Delete(ctx, gone); err != nil {
		return st, err
	}
	st.Deleted = len(gone)
	return st, nil
}
