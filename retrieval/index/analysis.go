package index

import (
	"fmt"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/mapping"
	bleveindex "github.com/blevesearch/bleve_index_api"
)

// AnalyzerName is the bleve analyzer for chunk text: accent folding first,
// so that "Sakaliene" finds "Šakalienė", then English possessives, case,
// stop words and Porter stemming.
const AnalyzerName = "citebot_en"

// NewMapping returns the bleve mapping of chunk text and titles, analysed
// by AnalyzerName and scored by BM25.
func NewMapping() (*mapping.IndexMappingImpl, error) {
	im := bleve.NewIndexMapping()
	// bleve.NewMemOnly would silently score with TF-IDF; the scorch
	// in-memory index honours this setting.
	im.ScoringModel = bleveindex.BM25Scoring
	err := im.AddCustomAnalyzer(AnalyzerName, map[string]any{
		"type":          custom.Name,
		"char_filters":  []string{foldName},
		"tokenizer":     tokenName,
		"token_filters": []string{en.PossessiveName, lowercase.Name, en.StopName, stemName},
	})
	if err != nil {
		return nil, err
	}
	im.DefaultAnalyzer = AnalyzerName
	dm := bleve.NewDocumentStaticMapping()
	for _, name := range []string{"text", "title"} {
		fm := bleve.NewTextFieldMapping()
		fm.Analyzer = AnalyzerName
		fm.Store = false
		fm.IncludeTermVectors = false
		fm.IncludeInAll = false
		// Doc values serve sorting and facets by a field's terms, which
		// no search here does; building them was a sixth of indexing.
		fm.DocValues = false
		dm.AddFieldMappingsAt(name, fm)
	}
	// No field goes into bleve's catch-all "_all" field, and every query
	// names its field, but bleve still builds the empty field for every
	// chunk unless it is turned off.
	dm.AddSubDocumentMapping("_all", bleve.NewDocumentDisabledMapping())
	im.DefaultMapping = dm
	return im, nil
}

// Analyzer returns the analyzer of AnalyzerName, so that a backend that
// does not run bleve matches the same terms as one that does.
func Analyzer() (analysis.Analyzer, error) {
	im, err := NewMapping()
	if err != nil {
		return nil, err
	}
	an := im.AnalyzerNamed(AnalyzerName)
	if an == nil {
		return nil, fmt.Errorf("analyzer %s missing", AnalyzerName)
	}
	return an, nil
}

// Terms is text as an analyzer from Analyzer analyses it.
func Terms(an analysis.Analyzer, text string) []string {
	toks := an.Analyze([]byte(text))
	out := make([]string, 0, len(toks))
	for _, t := range toks {
		if len(t.Term) > 0 {
			out = append(out, string(t.Term))
		}
	}
	return out
}
