package memory

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"runtime"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search/query"
	bleveindex "github.com/blevesearch/bleve_index_api"
	"github.com/citebot/citebot/corpus"
	"github.com/citebot/citebot/internal/lru"
	"github.com/citebot/citebot/retrieval/index"
)

// bm25Index is a BM25 full-text index of chunk text, in memory (New) or
// on disk (Build, Open).
type bm25Index struct {
	idx      bleve.Index
	analyzer analysis.Analyzer
	// variants caches each rare term's spelling variants in the index:
	// building a fuzzy automaton per term per question was a sixth of the
	// cost of answering. Writes clear it.
	variants *lru.Sharded[[]string]
	// accs holds the per-chunk score sums searches add into
	// (bm25score.go); at most cap(accs) exist.
	accs *accumulators
}

// maxVariants caps the variants a term expands to.
const maxVariants = 16

type bm25Doc struct {
	Text  string `json:"text"`
	Title string `json:"title"`
}

func newBM25Index() (*bm25Index, error) {
	im, err := index.NewMapping()
	if err != nil {
		return nil, fmt.Errorf("bm25 mapping: %w", err)
	}
	idx, err := bleve.NewUsing("", im, scorch.Name, scorch.Name, nil)
	if err != nil {
		return nil, fmt.Errorf("bm25 open: %w", err)
	}
	return wrapBM25(idx, im)
}

func wrapBM25(idx bleve.Index, im *mapping.IndexMappingImpl) (*bm25Index, error) {
	an := im.AnalyzerNamed(index.AnalyzerName)
	if an == nil {
		idx.Close()
		return nil, fmt.Errorf("bm25 open: analyzer %s missing", index.AnalyzerName)
	}
	return &bm25Index{idx: idx, analyzer: an, variants: lru.NewSharded[[]string](8192, 16),
		accs: newAccumulators(2 * runtime.GOMAXPROCS(0))}, nil
}

// bm25BatchSize is how many chunks buildBM25 analyses into one segment
// before writing it out: small enough that a batch's analysis costs tens
// of megabytes, not the 1.7 GB one batch of 96k chunks took. Tests make
// it small, to build many segments from few chunks.
var bm25BatchSize = 2000

// bm25MergeMax is how many segments the builder merges at once: all of
// them. Its default, ten, merges 49 segments of a 96k-chunk corpus in two
// rounds, writing most postings twice on one core at the end of ingest;
// one round took that tail from 2.5–3.5 s to 1–2 s, in the same peak
// memory (docs/benchmarks.md). The segments' order, and so the scores,
// do not change.
const bm25MergeMax = 1 << 20

// buildBM25 writes a bleve index of recs (in order) to path with bleve's
// offline builder: it writes a segment every bm25BatchSize chunks under
// tmpDir and merges them into one at the end. One segment keeps queries
// fast, and keeps BM25's average field length (which bleve sums per
// segment) the same as one in-memory batch gives, so scores match
// memory.New's.
//
// The builder analyses text on the goroutine that builds segments. Here
// every core analyses chunks ahead of it instead (analysedMapping), which
// takes analysis, a third of the work, off the builder's path.
func buildBM25(ctx context.Context, path, tmpDir string, chunks []corpus.Chunk, order []int) error {
	im, err := index.NewMapping()
	if err != nil {
		return fmt.Errorf("bm25 mapping: %w", err)
	}
	b, err := bleve.NewBuilder(path, analysedMapping{im}, map[string]any{"batchSize": bm25BatchSize, "mergeMax": bm25MergeMax, "buildPathPrefix": tmpDir})
	if err != nil {
		return fmt.Errorf("bm25 build: %w", err)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	// On failure the builder is left as it is, not closed: its Close
	// merges every segment written so far (and panics when there is
	// none), and the caller removes tmpDir, which holds its files.
	// Chunks' text is analysed by the mapping's own analyzer, its
	// filters run by term counters (index.TermCounter).
	an, ok := im.AnalyzerNamed(index.AnalyzerName).(*analysis.DefaultAnalyzer)
	if !ok {
		return fmt.Errorf("bm25 build: analyzer %s is not a chain of filters", index.AnalyzerName)
	}
	blocks := analyseAhead(ctx, im, an, chunks, order)
	for blk := range blocks {
		if blk.err != nil {
			return blk.err
		}
		for _, doc := range blk.docs {
			if err := b.Index(doc.ID(), doc); err != nil {
				return fmt.Errorf("bm25 index chunk %s: %w", doc.ID(), err)
			}
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := b.Close(); err != nil {
		return fmt.Errorf("bm25 build: %w", err)
	}
	return nil
}

// analysedBlock is a run of consecutive chunks, mapped and analysed.
type analysedBlock struct {
	docs []*document.Document
	err  error
}

// analyseBlockSize is how many chunks a worker maps and analyses at a
// time; a few blocks in flight keep the builder fed.
const analyseBlockSize = 256

// analyseAhead maps and analyses chunks, in order, on every
// core, and delivers them in order. Blocks in flight are bounded, so that
// analysed chunks do not pile up ahead of the builder.
func analyseAhead(ctx context.Context, im *mapping.IndexMappingImpl, an *analysis.DefaultAnalyzer, chunks []corpus.Chunk, order []int) <-chan analysedBlock {
	workers := runtime.GOMAXPROCS(0)
	slots := make(chan chan analysedBlock, 2*workers)
	out := make(chan analysedBlock)
	// A block takes a counter for its analysis, so that at most workers
	// blocks are analysed at once, each counter by one at a time.
	counters := make(chan *index.TermCounter, workers)
	for range workers {
		counters <- index.NewTermCounter(an)
	}
	go func() {
		defer close(slots)
		for lo := 0; lo < len(order); lo += analyseBlockSize {
			slot := make(chan analysedBlock, 1)
			select {
			case slots <- slot:
			case <-ctx.Done():
				return
			}
			go func(ids []int) {
				c := <-counters
				defer func() { counters <- c }()
				slot <- analyse(im, an, c, chunks, ids)
			}(order[lo:min(lo+analyseBlockSize, len(order))])
		}
	}()
	go func() {
		defer close(out)
		for slot := range slots {
			select {
			case out <- <-slot:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out
}

// analyse maps chunks[ids] to bleve documents and analyses their indexed
// fields, as the builder would; c counts the terms of text fields that
// an, c's analyzer, analyses.
func analyse(im *mapping.IndexMappingImpl, an *analysis.DefaultAnalyzer, c *index.TermCounter, chunks []corpus.Chunk, ids []int) analysedBlock {
	docs := make([]*document.Document, len(ids))
	for i, r := range ids {
		ch := chunks[r]
		doc := document.NewDocument(ch.ID)
		if err := im.MapDocument(doc, bm25Doc{Text: ch.Text, Title: ch.Title}); err != nil {
			return analysedBlock{err: fmt.Errorf("bm25 map chunk %s: %w", ch.ID, err)}
		}
		for k, f := range doc.Fields {
			opts := f.Options()
			if !opts.IsIndexed() {
				continue
			}
			// The counter gives what bleve's text field records with the
			// counter's analyzer, when neither term vectors nor skipped
			// norms ask for more.
			if tf, text := f.(*document.TextField); text && tf.Analyzer() == analysis.Analyzer(an) &&
				!opts.IncludeTermVectors() && !opts.SkipFreqNorm() {
				n, freqs := c.Count(f.Value())
				doc.Fields[k] = countedField{Field: f, length: n, freqs: freqs}
				continue
			}
			f.Analyze()
		}
		docs[i] = doc
	}
	return analysedBlock{docs: docs}
}

// countedField is a text field whose terms a TermCounter counted.
type countedField struct {
	document.Field
	length int
	freqs  bleveindex.TokenFrequencies
}

// Analyze does nothing: the counter did it.
func (countedField) Analyze() {}

// AnalyzedLength is the number of terms the counter kept.
func (f countedField) AnalyzedLength() int { return f.length }

// AnalyzedTokenFrequencies are the counter's frequencies.
func (f countedField) AnalyzedTokenFrequencies() bleveindex.TokenFrequencies { return f.freqs }

// analysedMapping is the chunk mapping for documents analyseAhead has
// already mapped and analysed: MapDocument copies their fields, wrapped
// so that the builder's analysis of them does nothing. It stores the same
// mapping as the plain one, so that the index opens and reads as any.
type analysedMapping struct{ *mapping.IndexMappingImpl }

// MapDocument fills doc with the fields of data, an analysed
// *document.Document.
func (m analysedMapping) MapDocument(doc *document.Document, data any) error {
	src, ok := data.(*document.Document)
	if !ok {
		return fmt.Errorf("bm25 build: got %T, want an analysed document", data)
	}
	for _, f := range src.Fields {
		doc.AddField(analysedField{f})
	}
	for _, f := range src.CompositeFields {
		doc.AddField(f)
	}
	if src.Indexed() {
		doc.SetIndexed()
	}
	return nil
}

// analysedField is a field whose analysis is done: the builder's call to
// Analyze keeps the result rather than computing it again.
type analysedField struct{ document.Field }

// Analyze does nothing: analyse already did it.
func (analysedField) Analyze() {}

// openBM25 opens the index buildBM25 wrote at path, read-only. It checks
// that the index holds docs chunks and was made with today's mapping (an
// index analysed otherwise would match other terms).
func openBM25(path string, docs int) (b *bm25Index, err error) {
	im, err := index.NewMapping()
	if err != nil {
		return nil, fmt.Errorf("bm25 mapping: %w", err)
	}
	if _, err := os.Stat(filepath.Join(path, "index_meta.json")); err != nil {
		return nil, fmt.Errorf("bm25 open: %w", err)
	}
	if err := checkSegments(filepath.Join(path, "store")); err != nil {
		return nil, fmt.Errorf("bm25 open: %w", err)
	}
	idx, err := openReadOnly(path)
	if err != nil {
		return nil, fmt.Errorf("bm25 open: %w", err)
	}
	defer func() {
		if err != nil {
			idx.Close()
		}
	}()
	want, err := json.Marshal(im)
	if err != nil {
		return nil, fmt.Errorf("bm25 mapping: %w", err)
	}
	got, err := json.Marshal(idx.Mapping())
	if err != nil {
		return nil, fmt.Errorf("bm25 stored mapping: %w", err)
	}
	if !bytes.Equal(got, want) {
		return nil, errors.New("bm25 open: the stored index has another mapping")
	}
	n, err := idx.DocCount()
	if err != nil {
		return nil, fmt.Errorf("bm25 open: %w", err)
	}
	if n != uint64(docs) {
		return nil, fmt.Errorf("bm25 open: %d chunks indexed, want %d", n, docs)
	}
	return wrapBM25(idx, im)
}

// openReadOnly opens the bleve index at path read-only. bleve trusts the
// offsets in a segment's footer, so a damaged file that passed
// checkSegments could still make it index out of range; that is an
// error here, not a crash.
func openReadOnly(path string) (idx bleve.Index, err error) {
	defer func() {
		if p := recover(); p != nil {
			idx, err = nil, fmt.Errorf("damaged index: %v", p)
		}
	}()
	return bleve.OpenUsing(path, map[string]any{"read_only": true})
}

// checkSegments verifies the checksum that ends every zap segment file
// in dir (CRC-32 IEEE, big-endian, of all the bytes before it). bleve
// never checks it, and a segment damaged in the middle opens and answers
// wrongly. Reading the segments costs milliseconds at 100k chunks, a
// small price for never serving from a damaged index.
func checkSegments(dir string) error {
	names, err := filepath.Glob(filepath.Join(dir, "*.zap"))
	if err != nil {
		return err
	}
	if len(names) == 0 {
		return fmt.Errorf("no segments in %s", dir)
	}
	buf := make([]byte, 1<<20)
	for _, name := range names {
		if err := checkSegment(name, buf); err != nil {
			return err
		}
	}
	return nil
}

func checkSegment(name string, buf []byte) error {
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	if fi.Size() < 4 {
		return fmt.Errorf("segment %s: %d bytes", filepath.Base(name), fi.Size())
	}
	h := crc32.NewIEEE()
	if _, err := io.CopyBuffer(h, io.LimitReader(f, fi.Size()-4), buf); err != nil {
		return fmt.Errorf("segment %s: %w", filepath.Base(name), err)
	}
	var tail [4]byte
	if _, err := io.ReadFull(f, tail[:]); err != nil {
		return fmt.Errorf("segment %s: %w", filepath.Base(name), err)
	}
	if got, want := h.Sum32(), binary.BigEndian.Uint32(tail[:]); got != want {
		return fmt.Errorf("segment %s: checksum %08x, footer says %08x", filepath.Base(name), got, want)
	}
	return nil
}

// upsert indexes recs as one batch. The in-memory index never merges the
// segments batches leave behind, and every query walks all of them, so one
// segment per ingest keeps queries fast at the cost of a larger peak.
func (b *bm25Index) upsert(recs []index.Record) error {
	batch := b.idx.NewBatch()
	for _, r := range recs {
		if err := batch.Index(r.Chunk.ID, bm25Doc{Text: r.Chunk.Text, Title: r.Chunk.Title}); err != nil {
			return fmt.Errorf("bm25 index chunk %s: %w", r.Chunk.ID, err)
		}
	}
	if err := b.idx.Batch(batch); err != nil {
		return fmt.Errorf("bm25 batch: %w", err)
	}
	b.variants.Clear()
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
	b.variants.Clear()
	return nil
}

// commonShare is the share of chunks above which a term counts as common.
// Common terms still score, but only documents that a rarer term matched:
// scoring every posting of a word found in half the corpus is what makes a
// large index slow, and such a word barely moves BM25 anyway (the idea of
// Elasticsearch's common terms query).
const commonShare = 0.05

// minCommonDF keeps small corpora on the plain path, where every term
// selects documents.
const minCommonDF = 50

// dropShare is the share of chunks above which a term is left out of the
// BM25 query altogether, as a stop word found by counting: in more than a
// fifth of the chunks its idf is below ln 5 (a word in a hundred of 100k
// chunks has 7) and it hardly orders anything, yet scoring it walked a
// fifth of all postings for every question, half the cost of answering
// at 100k chunks. The reader and the vectors still weigh it.
const dropShare = 0.2

// minDropDF keeps every term of a smaller corpus, where scoring them all
// costs little.
const minDropDF = 1000

// search returns chunk IDs ranked by BM25 over text and (weakly) title,
// best first, equal scores by ID, with their scores. Rare terms also
// match their spelling variants and typos ("defence" and "defense",
// "otawa") at half weight. It scores as bleve would score query's query
// (see bm25score.go), but reads the postings itself.
func (b *bm25Index) search(ctx context.Context, text string, n int) ([]string, []float64, error) {
	if n <= 0 {
		return nil, nil, nil
	}
	r, err := b.reader()
	if err != nil {
		return nil, nil, err
	}
	defer r.Close()
	plan, err := b.plan(ctx, r, text)
	if err != nil || (len(plan.must) == 0 && len(plan.should) == 0) {
		return nil, nil, err
	}
	docs, err := r.DocCount()
	if err != nil {
		return nil, nil, fmt.Errorf("bm25 search: %w", err)
	}
	if docs == 0 {
		return nil, nil, nil
	}
	sc := &scoreCtx{ctx: ctx, r: r, docs: docs, avg: map[string]float64{}, accs: b.accs}
	ids, scores, err := sc.run(plan, n)
	if err != nil {
		return nil, nil, fmt.Errorf("bm25 search: %w", err)
	}
	return ids, scores, nil
}

// query is the bleve query that plan stands for, or nil when text has
// no term to look up: search scores as bleve scores it, and the tests
// check that against bleve.
func (b *bm25Index) query(ctx context.Context, text string) (query.Query, error) {
	r, err := b.reader()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	plan, err := b.plan(ctx, r, text)
	if err != nil {
		return nil, err
	}
	clauses := func(cs []clause) []query.Query {
		out := make([]query.Query, len(cs))
		for i, c := range cs {
			out[i] = termQuery(c.term, c.field, c.boost)
		}
		return out
	}
	switch {
	case len(plan.must) == 0 && len(plan.should) == 0:
		return nil, nil
	case len(plan.must) == 0:
		return query.NewDisjunctionQuery(clauses(plan.should)), nil
	}
	bq := bleve.NewBooleanQuery()
	bq.AddMust(query.NewDisjunctionQuery(clauses(plan.must)))
	if len(plan.should) > 0 {
		bq.AddShould(clauses(plan.should)...)
	}
	return bq, nil
}

// plan chooses the clauses of text's query: each term in the text and
// the title fields, the rare ones with their spelling variants; the
// commonest left out.
func (b *bm25Index) plan(ctx context.Context, r bleveindex.IndexReader, text string) (bm25Plan, error) {
	terms := uniqueTerms(b.analyzer, text)
	if len(terms) == 0 {
		return bm25Plan{}, nil
	}
	dfs, total, err := docFreqs(ctx, r, terms)
	if err != nil {
		return bm25Plan{}, err
	}
	cutoff := max(uint64(float64(total)*commonShare), minCommonDF)
	drop := max(uint64(float64(total)*dropShare), minDropDF)
	var rare, common, dropped []clause
	for i, t := range terms {
		clauses := []clause{{t, "text", 1}, {t, "title", 0.3}}
		if dfs[i] > drop {
			dropped = append(dropped, clauses...)
			continue
		}
		if dfs[i] > cutoff {
			common = append(common, clauses...)
			continue
		}
		vs, err := b.spellingVariants(r, t)
		if err != nil {
			return bm25Plan{}, err
		}
		for _, v := range vs {
			clauses = append(clauses, clause{v, "text", 0.5})
		}
		rare = append(rare, clauses...)
	}
	if len(rare) == 0 && len(common) == 0 {
		// A question of nothing but such words still finds something.
		common = dropped
	}
	return bm25Plan{must: rare, should: common}, nil
}

func termQuery(term, field string, boost float64) query.Query {
	q := bleve.NewTermQuery(term)
	q.SetField(field)
	q.SetBoost(boost)
	return q
}

// uniqueTerms runs text through the index's analyzer: the terms a query
// must look up are the ones indexing produced.
func uniqueTerms(an analysis.Analyzer, text string) []string {
	var out []string
	seen := map[string]bool{}
	for _, tok := range an.Analyze([]byte(text)) {
		t := string(tok.Term)
		if t == "" || seen[t] {
			continue
		}
		seen[t] = true
		out = append(out, t)
	}
	return out
}

func (b *bm25Index) reader() (bleveindex.IndexReader, error) {
	adv, err := b.idx.Advanced()
	if err != nil {
		return nil, fmt.Errorf("bm25 search: %w", err)
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, fmt.Errorf("bm25 search: %w", err)
	}
	return r, nil
}

// docFreqs returns how many chunks contain each term, and how many chunks
// there are.
func docFreqs(ctx context.Context, r bleveindex.IndexReader, terms []string) ([]uint64, uint64, error) {
	total, err := r.DocCount()
	if err != nil {
		return nil, 0, fmt.Errorf("bm25 search: %w", err)
	}
	dfs := make([]uint64, len(terms))
	for i, t := range terms {
		tfr, err := r.TermFieldReader(ctx, []byte(t), "text", false, false, false)
		if err != nil {
			return nil, 0, fmt.Errorf("bm25 search: %w", err)
		}
		dfs[i] = tfr.Count()
		tfr.Close()
	}
	return dfs, total, nil
}

// spellingVariants returns the indexed terms one edit away from t that
// share its first three letters ("defenc"/"defens", "otawa"/"ottawa").
// Short terms have none: at four letters one edit is another word.
func (b *bm25Index) spellingVariants(r bleveindex.IndexReader, t string) ([]string, error) {
	if len([]rune(t)) < 5 {
		return nil, nil
	}
	if vs, ok := b.variants.Get(t); ok {
		return vs, nil
	}
	fr, ok := r.(interface {
		FieldDictFuzzy(field, term string, fuzziness int, prefix string) (bleveindex.FieldDict, error)
	})
	if !ok {
		return nil, nil
	}
	dict, err := fr.FieldDictFuzzy("text", t, 1, string([]rune(t)[:3]))
	if err != nil {
		return nil, fmt.Errorf("bm25 variants of %q: %w", t, err)
	}
	defer dict.Close()
	var vs []string
	for len(vs) < maxVariants {
		e, err := dict.Next()
		if err != nil {
			return nil, fmt.Errorf("bm25 variants of %q: %w", t, err)
		}
		if e == nil {
			break
		}
		if e.Term != t {
			vs = append(vs, e.Term)
		}
	}
	b.variants.Put(t, vs)
	return vs, nil
}

func (b *bm25Index) close() error { return b.idx.Close() }
