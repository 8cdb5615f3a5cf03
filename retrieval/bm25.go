package retrieval

import (
	"context"
	"fmt"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/char/asciifolding"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/token/porter"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
)

// analyzerName is the bleve analyzer for chunk text: accent folding first,
// so that "Sakaliene" finds "Šakalienė", then English possessives, case,
// stop words and Porter stemming.
const analyzerName = "citebot_en"

// bm25Index is a BM25 full-text index of chunk text, kept in memory.
type bm25Index struct {
	idx bleve.Index
}

type bm25Doc struct {
	Text  string `json:"text"`
	Title string `json:"title"`
}

func newIndexMapping() (*mapping.IndexMappingImpl, error) {
	im := bleve.NewIndexMapping()
	// bleve.NewMemOnly would silently score with TF-IDF; the scorch
	// in-memory index honours this setting.
	im.ScoringModel = index.BM25Scoring
	err := im.AddCustomAnalyzer(analyzerName, map[string]any{
		"type":          custom.Name,
		"char_filters":  []string{asciifolding.Name},
		"tokenizer":     unicode.Name,
		"token_filters": []string{en.PossessiveName, lowercase.Name, en.StopName, porter.Name},
	})
	if err != nil {
		return nil, err
	}
	im.DefaultAnalyzer = analyzerName
	dm := bleve.NewDocumentStaticMapping()
	for _, name := range []string{"text", "title"} {
		fm := bleve.NewTextFieldMapping()
		fm.Analyzer = analyzerName
		fm.Store = false
		fm.IncludeTermVectors = false
		fm.IncludeInAll = false
		dm.AddFieldMappingsAt(name, fm)
	}
	im.DefaultMapping = dm
	return im, nil
}

func newBM25Index() (*bm25Index, error) {
	im, err := newIndexMapping()
	if err != nil {
		return nil, fmt.Errorf("bm25 mapping: %w", err)
	}
	idx, err := bleve.NewUsing("", im, scorch.Name, scorch.Name, nil)
	if err != nil {
		return nil, fmt.Errorf("bm25 open: %w", err)
	}
	return &bm25Index{idx: idx}, nil
}

// upsert indexes recs as one batch. The in-memory index never merges the
// segments batches leave behind, and every query walks all of them, so one
// segment per ingest keeps queries fast at the cost of a larger peak.
func (b *bm25Index) upsert(recs []Record) error {
	batch := b.idx.NewBatch()
	for _, r := range recs {
		if err := batch.Index(r.Chunk.ID, bm25Doc{Text: r.Chunk.Text, Title: r.Chunk.Title}); err != nil {
			return fmt.Errorf("bm25 index chunk %s: %w", r.Chunk.ID, err)
		}
	}
	if err := b.idx.Batch(batch); err != nil {
		return fmt.Errorf("bm25 batch: %w", err)
	}
	return nil
}

func (b *bm25Index) delete(ids []string) error {
	batch := b.idx.NewBatch()
	for _, id := range ids {
		batch.Delete(id)
	}
	if err := b.idx.Batch(batch); err != nil {
		return fmt.Errorf("bm25 delete: %w", err)
	}
	return nil
}

// search returns chunk IDs ranked by BM25 over text and (weakly) title.
func (b *bm25Index) search(ctx context.Context, text string, n int) ([]string, []float64, error) {
	tq := bleve.NewMatchQuery(text)
	tq.SetField("text")
	tq.Analyzer = analyzerName
	hq := bleve.NewMatchQuery(text)
	hq.SetField("title")
	hq.Analyzer = analyzerName
	hq.SetBoost(0.3)
	// Spelling variants and typos ("defence"/"defense", "otawa") still
	// count, at half weight, through a fuzzy clause; the shared prefix
	// keeps short words from matching everything.
	fq := bleve.NewMatchQuery(text)
	fq.SetField("text")
	fq.Analyzer = analyzerName
	fq.SetFuzziness(1)
	fq.Prefix = 3
	fq.SetBoost(0.5)
	req := bleve.NewSearchRequestOptions(query.NewDisjunctionQuery([]query.Query{tq, hq, fq}), n, 0, false)
	res, err := b.idx.SearchInContext(ctx, req)
	if err != nil {
		return nil, nil, fmt.Errorf("bm25 search: %w", err)
	}
	ids := make([]string, len(res.Hits))
	scores := make([]float64, len(res.Hits))
	for i, h := range res.Hits {
		ids[i] = h.ID
		scores[i] = h.Score
	}
	return ids, scores, nil
}

func (b *bm25Index) close() error { return b.idx.Close() }
