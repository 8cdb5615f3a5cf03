package readerfit

import (
	"context"
	"fmt"
	"io"
	"log/slog"

	"github.com/citebot/citebot/corpus"
	"github.com/citebot/citebot/retrieval"
	"github.com/citebot/citebot/retrieval/reader"
)

// indexed is a corpus loaded, indexed and counted, as citebot serves it.
type indexed struct {
	docs  map[string]corpus.Document
	eng   *retrieval.Engine
	stats *reader.Stats
}

// openCorpus loads dir, leaving out the sources in exclude, and indexes it
// with the default (offline) engine.
func openCorpus(ctx context.Context, dir string, exclude map[string]bool) (*indexed, error) {
	docs, _, err := corpus.LoadDir(ctx, dir, corpus.LoadOptions{})
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", dir, err)
	}
	var keep []corpus.Document
	for _, d := range docs {
		if !exclude[d.Source] {
			keep = append(keep, d)
		}
	}
	if len(keep) == 0 {
		return nil, fmt.Errorf("load %s: no documents", dir)
	}
	corpus.Clean(keep)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	eng, err := retrieval.NewEngine(ctx, keep, retrieval.Options{Logger: quiet, Passages: 16,
		// Fitting reads with models of its own; the engine only retrieves.
		Reader: reader.Options{Model: &reader.Model{}}})
	if err != nil {
		return nil, err
	}
	ix := &indexed{docs: map[string]corpus.Document{}, eng: eng,
		stats: reader.Learn(corpus.SplitAll(keep, corpus.ChunkOptions{}))}
	for _, d := range keep {
		ix.docs[d.Source] = d
	}
	return ix, nil
}

func (ix *indexed) close() { ix.eng.Close() }

// gold finds where item's first answer stands in its source, or reports
// false when the set does not say or the text there is not the answer.
func (ix *indexed) gold(it Item) (reader.Gold, bool) {
	if len(it.AnswerOffsets) == 0 || len(it.Answers) == 0 || len(it.Sources) == 0 {
		return reader.Gold{}, false
	}
	d, ok := ix.docs[it.Sources[0]]
	if !ok {
		return reader.Gold{}, false
	}
	start := byteOffset(d.Text, it.AnswerOffsets[0])
	if start < 0 || start+len(it.Answers[0]) > len(d.Text) || d.Text[start:start+len(it.Answers[0])] != it.Answers[0] {
		return reader.Gold{}, false
	}
	return reader.Gold{Source: d.Source, Start: start, End: start + len(it.Answers[0])}, true
}
