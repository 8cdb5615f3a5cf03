// Package weaviate keeps the index in a Weaviate server, for corpora that
// outgrow one machine and for replicas that share one index. It is the
// only package that speaks to Weaviate.
package weaviate

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2/analysis"

	"github.com/citebot/citebot/corpus"
	"github.com/citebot/citebot/internal/retry"
	"github.com/citebot/citebot/retrieval/embed"
	"github.com/citebot/citebot/retrieval/index"
	"golang.org/x/sync/errgroup"
)

// DefaultClass is the Weaviate class (collection) citebot's chunks
// live in unless Options.Class says otherwise.
const DefaultClass = "CitebotChunk"

// weaviateSchemaVersion is recorded in the class description. A class with
// another version was written by a citebot whose layout differs, and is
// refused rather than misread.
const weaviateSchemaVersion = "citebot-chunks/v1"

// Defaults for Options.
const (
	DefaultBatchSize   = 200
	DefaultConcurrency = 2
	DefaultRetries     = 5
	DefaultTimeout     = 30 * time.Second
)

// weaviateAlpha weighs the vector ranking against the BM25 ranking in
// Weaviate's ranked fusion (0 is BM25 only, 1 is vectors only). It mirrors
// memory.Index, which fuses the lexical and vector rankings with weights 1
// and 0.8: 0.8/1.8 ≈ 0.44.
const weaviateAlpha = 0.44

// Options tunes an Index. The zero value is the default.
type Options struct {
	// APIKey, when set, is sent as a bearer token.
	APIKey string
	// Class is the Weaviate class; "" means DefaultClass. Its name
	// must start with a capital letter.
	Class string
	// Replicas is the replication factor given to the class when citebot
	// creates it; 0 means one replica per node, at most 3, so that a
	// class created on a cluster survives a node going down. An existing
	// class keeps its own.
	Replicas int
	// BatchSize is how many chunks go in one batch request; 0 means
	// DefaultBatchSize.
	BatchSize int
	// Concurrency is how many batch requests are in flight at once; 0
	// means DefaultConcurrency.
	Concurrency int
	// Retries is how often a failed batch is retried, with exponential
	// backoff, before the write fails; 0 means DefaultRetries and
	// a negative value none.
	Retries int
	// Timeout bounds one request; 0 means DefaultTimeout.
	Timeout time.Duration
	// ConsistencyLevel is ONE, QUORUM or ALL for writes and deletes; ""
	// means QUORUM, which with replication factor 3 survives one node
	// down. (Weaviate's searches read one replica of each shard; they do
	// not take a consistency level.)
	ConsistencyLevel string
	// HTTPClient, when set, sends the requests; its Timeout wins.
	HTTPClient *http.Client
	// Logger receives retries and warnings; nil means slog.Default().
	Logger *slog.Logger
}

// Index is an index.Index in a Weaviate server or cluster: chunks are
// objects of one class, with citebot's own vectors (the class has no
// vectorizer), and Search is Weaviate's hybrid BM25 and vector search. The
// BM25 half runs over the same analysed terms as memory.Index's (accent
// folding, stop words, Porter stems), which citebot computes and stores
// in "lex" properties, so both backends match the same words. Like
// memory.Index, which also matches a rare term's spelling variants
// ("defence", "defense") at half weight, it matches terms by their first
// five letters at half weight, and titles at 0.3.
//
// It is safe for concurrent use, and several citebot processes may share
// one class. The class is created on first write if it is missing and
// checked if it is present; see EnsureSchema.
type Index struct {
	url    string // for messages: the server as configured, without secrets
	client *client
	opts   Options
	log    *slog.Logger
	lex    analysis.Analyzer

	mu       sync.Mutex
	schema   bool   // the class is known to exist with the right layout
	embedder string // whose vectors are written, once EnsureSchema knows
}

var (
	_ index.Index           = (*Index)(nil)
	_ index.PersistentIndex = (*Index)(nil)
)

// New returns an index on the Weaviate server at baseURL, such
// as http://127.0.0.1:8081. It makes no request: an unreachable server
// shows in the first call, with its URL in the error.
func New(baseURL string, opts Options) (*Index, error) {
	u, err := url.Parse(baseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("weaviate: URL %q must look like http://127.0.0.1:8081", baseURL)
	}
	if opts.Class == "" {
		opts.Class = DefaultClass
	}
	if !validClassName(opts.Class) {
		return nil, fmt.Errorf("weaviate: class name %q must start with a capital letter and hold only letters, digits and _", opts.Class)
	}
	if opts.BatchSize <= 0 {
		opts.BatchSize = DefaultBatchSize
	}
	if opts.Concurrency <= 0 {
		opts.Concurrency = DefaultConcurrency
	}
	if opts.Retries == 0 {
		opts.Retries = DefaultRetries
	}
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	switch opts.ConsistencyLevel {
	case "":
		opts.ConsistencyLevel = "QUORUM"
	case "ONE", "QUORUM", "ALL":
	default:
		return nil, fmt.Errorf("weaviate: consistency level %q must be ONE, QUORUM or ALL", opts.ConsistencyLevel)
	}
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	headers := map[string]string{}
	if opts.APIKey != "" {
		// A header, not the client's AuthConfig: that one fetches the
		// server's OIDC settings when the client is built.
		headers["Authorization"] = "Bearer " + opts.APIKey
	}
	host := u.Host + strings.TrimSuffix(u.Path, "/")
	hc := opts.HTTPClient
	if hc == nil {
		hc = &http.Client{Timeout: opts.Timeout}
	}
	c := &client{base: u.Scheme + "://" + host + "/v1", http: hc, headers: headers}
	an, err := index.Analyzer()
	if err != nil {
		return nil, fmt.Errorf("weaviate: %w", err)
	}
	u.User = nil
	u.RawQuery = ""
	return &Index{url: u.String(), client: c, opts: opts, log: log, lex: an}, nil
}

func validClassName(s string) bool {
	if s == "" || s[0] < 'A' || s[0] > 'Z' {
		return false
	}
	for _, r := range s {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// URL is the server the index talks to, for messages.
func (w *Index) URL() string { return w.url }

// Class is the Weaviate class the chunks live in.
func (w *Index) Class() string { return w.opts.Class }

// Ready reports whether the server answers and is ready, with an error
// naming its URL if not.
func (w *Index) Ready(ctx context.Context) error {
	ok, err := w.client.ready(ctx)
	if err != nil {
		return fmt.Errorf("%w: %s is unreachable: %s", ErrUnavailable, w.url, err)
	}
	if !ok {
		return fmt.Errorf("%w: %s is not ready", ErrUnavailable, w.url)
	}
	return nil
}

// ErrUnavailable means Weaviate could not be reached, or kept
// failing after the retries. Nothing was corrupted: once it is back, the
// same call (or the next ingest, which resumes by content hash) succeeds.
var ErrUnavailable = errors.New("weaviate unavailable")

// ErrSchema means the class exists with a layout citebot did not
// write. The error wrapping it names the difference and the fix.
var ErrSchema = errors.New("weaviate schema mismatch")

// weaviateProp is a property of the chunk class and how it is indexed.
type weaviateProp struct {
	name, dataType, tokenization string
	searchable, filterable       bool
}

// weaviateProps is the chunk layout: everything the answer layer needs to
// rebuild a corpus.Chunk, the analysed terms BM25 searches, and the hashes
// incremental ingest compares.
var weaviateProps = []weaviateProp{
	{name: "chunkId", dataType: "text", tokenization: "field", filterable: true},
	{name: "source", dataType: "text", tokenization: "field", filterable: true},
	{name: "title", dataType: "text", tokenization: "word"},
	{name: "text", dataType: "text", tokenization: "word"},
	{name: "lex", dataType: "text", tokenization: "whitespace", searchable: true},
	{name: "lexTitle", dataType: "text", tokenization: "whitespace", searchable: true},
	{name: "lexPrefix", dataType: "text", tokenization: "whitespace", searchable: true},
	{name: "start", dataType: "int"},
	{name: "end", dataType: "int"},
	{name: "sentStarts", dataType: "int[]"},
	{name: "sentEnds", dataType: "int[]"},
	{name: "contentHash", dataType: "text", tokenization: "field"},
	{name: "vectorKey", dataType: "text", tokenization: "field"},
}

func (w *Index) classDef(embedder string, replicas int) *classDef {
	props := make([]propertyDef, len(weaviateProps))
	for i, p := range weaviateProps {
		mp := propertyDef{Name: p.name, DataType: []string{p.dataType},
			IndexFilterable: new(p.filterable), IndexSearchable: new(p.searchable)}
		if p.dataType == "text" {
			mp.Tokenization = p.tokenization
		} else {
			mp.IndexSearchable = nil
			mp.IndexRangeFilters = new(false)
		}
		props[i] = mp
	}
	c := &classDef{
		Class:       w.opts.Class,
		Description: describeClass(embedder),
		Vectorizer:  "none",
		Properties:  props,
		// Stop words are removed by citebot's analyser before the terms
		// reach Weaviate, so its own list must not remove more.
		InvertedIndexConfig: &invertedIndexConfig{},
		VectorIndexConfig:   map[string]any{"distance": "cosine"},
		// Async replication repairs a replica that missed writes while
		// it was down, in the background.
		ReplicationConfig: &replicationConfig{Factor: replicas, AsyncEnabled: replicas > 1},
	}
	c.InvertedIndexConfig.Stopwords.Preset = "none"
	return c
}

// describeClass records the layout version and the embedder whose vectors
// the class holds, which EnsureSchema checks.
func describeClass(embedder string) string {
	return fmt.Sprintf("%s; embedder=%s", weaviateSchemaVersion, embedder)
}

func parseDescription(d string) (version, embedder string) {
	version, rest, _ := strings.Cut(d, "; ")
	embedder, _ = strings.CutPrefix(rest, "embedder=")
	return version, embedder
}

// EnsureSchema creates the class if it is missing and checks it if it is
// present. embedder names the model whose vectors will be written; a class
// holding another model's vectors, or laid out differently, is an error
// wrapping ErrSchema that names the fix. "" skips the embedder
// check.
func (w *Index) EnsureSchema(ctx context.Context, embedder string) (err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.schema && (embedder == "" || embedder == w.embedder) {
		return nil
	}
	defer func() {
		if err == nil && embedder != "" {
			w.embedder = embedder
		}
	}()
	for attempt := 0; ; attempt++ {
		class, err := w.client.getClass(ctx, w.opts.Class)
		if err != nil {
			if transient(err) {
				return fmt.Errorf("%w: %s is unreachable: %s", ErrUnavailable, w.url, err)
			}
			return fmt.Errorf("weaviate %s: read class %s: %s", w.url, w.opts.Class, err)
		}
		if class != nil {
			if err := w.checkClass(class, embedder); err != nil {
				return err
			}
			w.schema = true
			return nil
		}
		replicas := w.opts.Replicas
		if replicas <= 0 {
			replicas = 1
			if n, err := w.client.nodes(ctx); err == nil {
				replicas = min(3, max(1, n))
			}
		}
		err = w.client.createClass(ctx, w.classDef(embedder, replicas))
		if err == nil {
			w.log.Info("weaviate class created", "url", w.url, "class", w.opts.Class, "replicas", replicas)
			w.schema = true
			return nil
		}
		// Another replica may have created it first; look again once.
		if attempt > 0 || !transient(err) && !strings.Contains(err.Error(), "already exists") {
			return fmt.Errorf("weaviate %s: create class %s: %s", w.url, w.opts.Class, err)
		}
	}
}

func (w *Index) checkClass(c *classDef, embedder string) error {
	fix := fmt.Sprintf("delete it (curl -X DELETE %s/v1/schema/%s) and run `citebot ingest` or `citebot migrate --to weaviate`, or choose another class", w.url, w.opts.Class)
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: weaviate %s class %s %s; %s", ErrSchema, w.url, w.opts.Class, fmt.Sprintf(format, args...), fix)
	}
	version, had := parseDescription(c.Description)
	if version != weaviateSchemaVersion {
		return bad("was not created by this citebot (description %q, want %q)", c.Description, weaviateSchemaVersion)
	}
	if c.Vectorizer != "none" && c.Vectorizer != "" {
		return bad("has vectorizer %q, but citebot supplies its own vectors and needs \"none\"", c.Vectorizer)
	}
	got := map[string]propertyDef{}
	for _, p := range c.Properties {
		got[p.Name] = p
	}
	for _, want := range weaviateProps {
		p, ok := got[want.name]
		if !ok {
			return bad("has no property %q", want.name)
		}
		if len(p.DataType) != 1 || p.DataType[0] != want.dataType {
			return bad("property %q has data type %v, want [%s]", want.name, p.DataType, want.dataType)
		}
		if want.dataType == "text" && p.Tokenization != want.tokenization {
			return bad("property %q has tokenization %q, want %q", want.name, p.Tokenization, want.tokenization)
		}
		if want.searchable && p.IndexSearchable != nil && !*p.IndexSearchable {
			return bad("property %q is not searchable, but BM25 searches it", want.name)
		}
	}
	if embedder != "" && had != "" && had != embedder {
		return fmt.Errorf("%w: weaviate %s class %s holds vectors from embedder %q, but citebot is configured with %q; vectors from two models cannot be mixed: %s",
			ErrSchema, w.url, w.opts.Class, had, embedder, fix)
	}
	return nil
}

func (w *Index) ensure(ctx context.Context) error {
	w.mu.Lock()
	ok := w.schema
	w.mu.Unlock()
	if ok {
		return nil
	}
	return w.EnsureSchema(ctx, "")
}

// objectID is the object's UUID, derived from the chunk ID (a name-based
// UUID, version 5), so that writing a chunk again replaces it.
func objectID(chunkID string) string {
	h := sha1.New()
	h.Write([]byte("citebot-chunk\x00"))
	h.Write([]byte(chunkID))
	b := h.Sum(nil)[:16]
	b[6] = b[6]&0x0f | 0x50
	b[8] = b[8]&0x3f | 0x80
	s := hex.EncodeToString(b)
	return s[:8] + "-" + s[8:12] + "-" + s[12:16] + "-" + s[16:20] + "-" + s[20:]
}

// lexTerms is text analysed as the memory index's BM25 analyses it.
func (w *Index) lexTerms(text string) []string { return index.Terms(w.lex, text) }

// prefixLen is how many letters of a term its prefix form keeps: enough
// to tell most words apart, few enough that spelling variants
// ("defenc", "defens") and near forms ("lithuania", "lithuanian") meet.
const prefixLen = 5

// prefixTerms returns the prefix forms of terms of at least prefixLen
// letters, marked with "~" so that they never match a whole term.
func prefixTerms(terms []string) []string {
	var out []string
	for _, t := range terms {
		r := []rune(t)
		if len(r) >= prefixLen {
			out = append(out, "~"+string(r[:prefixLen]))
		}
	}
	return out
}

// object is r as a Weaviate object. Its digests are recorded only once the
// embedder is known (see EnsureSchema); without them the next incremental
// ingest simply writes the chunk again.
func (w *Index) object(r index.Record, embedder string) object {
	c := r.Chunk
	starts := make([]int64, len(c.Sentences))
	ends := make([]int64, len(c.Sentences))
	for i, s := range c.Sentences {
		starts[i], ends[i] = int64(s.Start), int64(s.End)
	}
	text := w.lexTerms(c.Text)
	props := map[string]any{
		"chunkId":    c.ID,
		"source":     c.Source,
		"title":      c.Title,
		"text":       c.Text,
		"lex":        strings.Join(text, " "),
		"lexTitle":   strings.Join(w.lexTerms(c.Title), " "),
		"lexPrefix":  strings.Join(prefixTerms(text), " "),
		"start":      c.Start,
		"end":        c.End,
		"sentStarts": starts,
		"sentEnds":   ends,
	}
	if embedder != "" {
		d := index.DigestChunk(embedder, c)
		props["contentHash"] = d.Content
		props["vectorKey"] = d.Vector
	}
	return object{Class: w.opts.Class, ID: objectID(c.ID), Properties: props, Vector: r.Vector}
}

// Upsert writes records in batches of BatchSize, Concurrency at a time,
// retrying each failed batch with exponential backoff. Writing a chunk
// again replaces it, so a retried or resumed write is harmless. On error
// some batches may have been written; run the same write again to finish.
func (w *Index) Upsert(ctx context.Context, recs []index.Record) error {
	if len(recs) == 0 {
		return nil
	}
	for _, r := range recs {
		if len(r.Vector) == 0 {
			return fmt.Errorf("upsert chunk %s: empty vector", r.Chunk.ID)
		}
	}
	if err := w.ensure(ctx); err != nil {
		return err
	}
	var batches [][]index.Record
	for i := 0; i < len(recs); i += w.opts.BatchSize {
		batches = append(batches, recs[i:min(i+w.opts.BatchSize, len(recs))])
	}
	return w.parallel(ctx, len(batches), func(ctx context.Context, i int) error {
		b := batches[i]
		return w.retry(ctx, fmt.Sprintf("write chunks %s…", b[0].Chunk.ID), func(ctx context.Context) error {
			return w.writeBatch(ctx, b)
		})
	})
}

func (w *Index) writeBatch(ctx context.Context, recs []index.Record) error {
	w.mu.Lock()
	emb := w.embedder
	w.mu.Unlock()
	objs := make([]object, len(recs))
	for i, r := range recs {
		r.Vector = embed.Normalize(append([]float32(nil), r.Vector...))
		objs[i] = w.object(r, emb)
	}
	res, err := w.client.writeObjects(ctx, objs, w.opts.ConsistencyLevel)
	if err != nil {
		return err
	}
	var msgs []string
	for i, r := range res {
		if r.Result == nil || r.Result.Errors == nil {
			continue
		}
		for _, e := range r.Result.Errors.Error {
			if len(msgs) < 3 {
				id := ""
				if i < len(recs) {
					id = recs[i].Chunk.ID
				}
				msgs = append(msgs, fmt.Sprintf("%s: %s", id, e.Message))
			}
		}
	}
	if len(msgs) > 0 {
		return &batchError{msgs: msgs}
	}
	return nil
}

// batchError is a batch the server accepted but some of whose objects it
// failed to store; replication errors among them are worth a retry.
type batchError struct{ msgs []string }

func (e *batchError) Error() string { return "objects failed: " + strings.Join(e.msgs, "; ") }

// Delete removes the chunks with these IDs.
func (w *Index) Delete(ctx context.Context, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	if err := w.ensure(ctx); err != nil {
		return err
	}
	const per = 500
	n := (len(ids) + per - 1) / per
	return w.parallel(ctx, n, func(ctx context.Context, i int) error {
		part := ids[i*per : min((i+1)*per, len(ids))]
		return w.retry(ctx, fmt.Sprintf("delete chunks %s…", part[0]), func(ctx context.Context) error {
			res, err := w.client.deleteChunks(ctx, w.opts.Class, part, w.opts.ConsistencyLevel)
			if err != nil {
				return err
			}
			if res.Failed > 0 {
				return fmt.Errorf("%d of %d objects not deleted", res.Failed, res.Matches)
			}
			return nil
		})
	})
}

// weaviateChunk is a chunk object as GraphQL returns it.
type weaviateChunk struct {
	ChunkID     string  `json:"chunkId"`
	Source      string  `json:"source"`
	Title       string  `json:"title"`
	Text        string  `json:"text"`
	Start       int     `json:"start"`
	End         int     `json:"end"`
	SentStarts  []int   `json:"sentStarts"`
	SentEnds    []int   `json:"sentEnds"`
	ContentHash string  `json:"contentHash"`
	VectorKey   string  `json:"vectorKey"`
	Additional  addProp `json:"_additional"`
}

type addProp struct {
	ID     string    `json:"id"`
	Score  string    `json:"score"`
	Vector []float32 `json:"vector"`
}

func (c weaviateChunk) chunk() (corpus.Chunk, error) {
	if len(c.SentStarts) != len(c.SentEnds) {
		return corpus.Chunk{}, fmt.Errorf("chunk %s: %d sentence starts but %d ends", c.ChunkID, len(c.SentStarts), len(c.SentEnds))
	}
	out := corpus.Chunk{ID: c.ChunkID, Source: c.Source, Title: c.Title, Text: c.Text, Start: c.Start, End: c.End}
	if n := len(c.SentStarts); n > 0 {
		out.Sentences = make([]corpus.Span, n)
		for i := range n {
			out.Sentences[i] = corpus.Span{Start: c.SentStarts[i], End: c.SentEnds[i]}
		}
	}
	return out, nil
}

// chunkFields are the properties a chunk is rebuilt from.
const chunkFields = "chunkId source title text start end sentStarts sentEnds"

// get runs a GraphQL Get on the class with args and fields and decodes
// its objects.
func (w *Index) get(ctx context.Context, args, fields string) ([]weaviateChunk, error) {
	var objs []weaviateChunk
	err := w.client.get(ctx, w.opts.Class, args, fields, &objs)
	if ge, ok := errors.AsType[*graphQLError](err); ok && strings.Contains(ge.msg, "Cannot query field") {
		return nil, fmt.Errorf("class %s does not exist; run `citebot ingest` first", w.opts.Class)
	}
	return objs, err
}

// whereChunkIDs is a GraphQL filter for the chunks with these IDs.
func whereChunkIDs(ids []string) string {
	return `where: {operator: ContainsAny, path: ["chunkId"], valueText: ` + gqlStrings(ids) + `}`
}

// Search runs one hybrid query: BM25 over the analysed terms of the
// question and nearest neighbours of its vector, fused by rank. A question
// with no vector (the embedder failed) is searched by its words alone, and
// one with no indexable words by its vector alone.
func (w *Index) Search(ctx context.Context, q index.Query, k int) ([]index.Hit, error) {
	if k <= 0 {
		return nil, nil
	}
	words := uniqueStrings(w.lexTerms(q.Text))
	// One query string serves all three properties: whole terms match
	// only "lex" and "lexTitle", "~" prefixes only "lexPrefix".
	terms := strings.Join(append(words, prefixTerms(words)...), " ")
	if terms == "" && len(q.Vector) == 0 {
		return nil, nil
	}
	var h []string
	if terms != "" {
		h = append(h, "query: "+gqlString(terms))
	}
	alpha := 0.0
	if len(q.Vector) > 0 {
		vec, err := json.Marshal(embed.Normalize(append([]float32(nil), q.Vector...)))
		if err != nil {
			return nil, fmt.Errorf("weaviate %s: hybrid search: %w", w.url, err)
		}
		h = append(h, "vector: "+string(vec))
		alpha = weaviateAlpha
		if terms == "" {
			alpha = 1
		}
	}
	h = append(h, "alpha: "+strconv.FormatFloat(alpha, 'g', -1, 64),
		`properties: ["lex", "lexTitle^0.3", "lexPrefix^0.5"]`, "fusionType: rankedFusion")
	// Fusion ranks what each search found within the limit, so ask for
	// as deep a list as the memory index fuses (3k, at least 30) and keep k.
	args := fmt.Sprintf("hybrid: {%s}, limit: %d", strings.Join(h, ", "), max(3*k, 30))
	objs, err := w.get(ctx, args, chunkFields+" _additional {score}")
	if err != nil {
		if transient(err) {
			return nil, fmt.Errorf("%w: %s: hybrid search: %s", ErrUnavailable, w.url, err)
		}
		if msg := err.Error(); strings.Contains(msg, "vector lengths don't match") {
			// Weaviate's own words when a query vector has another size.
			return nil, fmt.Errorf("weaviate %s: hybrid search: %w: %s", w.url, index.ErrVectorSize, msg)
		}
		return nil, fmt.Errorf("weaviate %s: hybrid search: %s", w.url, err)
	}
	hits := make([]index.Hit, 0, len(objs))
	for _, o := range objs {
		c, err := o.chunk()
		if err != nil {
			return nil, fmt.Errorf("weaviate %s: %w", w.url, err)
		}
		score, _ := strconv.ParseFloat(o.Additional.Score, 64)
		hits = append(hits, index.Hit{Chunk: c, Score: score})
		if len(hits) == k {
			break
		}
	}
	return hits, nil
}

// Stored lists every chunk the class holds with its digests, reading the
// class in pages with Weaviate's cursor. It first ensures the schema with
// embedder (see EnsureSchema).
func (w *Index) Stored(ctx context.Context, embedder string) (map[string]index.ChunkDigest, error) {
	if err := w.EnsureSchema(ctx, embedder); err != nil {
		return nil, err
	}
	const page = 1000
	out := map[string]index.ChunkDigest{}
	after := ""
	for {
		var objs []weaviateChunk
		err := w.retry(ctx, "list stored chunks", func(ctx context.Context) error {
			args := fmt.Sprintf("limit: %d", page)
			if after != "" {
				args += ", after: " + gqlString(after)
			}
			var err error
			objs, err = w.get(ctx, args, "chunkId contentHash vectorKey _additional {id}")
			return err
		})
		if err != nil {
			return nil, err
		}
		for _, o := range objs {
			out[o.ChunkID] = index.ChunkDigest{Content: o.ContentHash, Vector: o.VectorKey}
		}
		if len(objs) < page {
			return out, nil
		}
		after = objs[len(objs)-1].Additional.ID
	}
}

// Vectors returns the stored vectors of the chunks with these IDs.
func (w *Index) Vectors(ctx context.Context, ids []string) (map[string][]float32, error) {
	out := make(map[string][]float32, len(ids))
	const per = 100
	for i := 0; i < len(ids); i += per {
		part := ids[i:min(i+per, len(ids))]
		var objs []weaviateChunk
		err := w.retry(ctx, "read stored vectors", func(ctx context.Context) error {
			var err error
			objs, err = w.get(ctx, fmt.Sprintf("%s, limit: %d", whereChunkIDs(part), len(part)), "chunkId _additional {vector}")
			return err
		})
		if err != nil {
			return nil, err
		}
		for _, o := range objs {
			if len(o.Additional.Vector) > 0 {
				out[o.ChunkID] = o.Additional.Vector
			}
		}
	}
	return out, nil
}

// parallel runs f for 0..n-1, at most Concurrency at a time, and returns
// the first error; after an error no new calls start.
func (w *Index) parallel(ctx context.Context, n int, f func(context.Context, int) error) error {
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(w.opts.Concurrency)
	for i := 0; i < n && gctx.Err() == nil; i++ {
		g.Go(func() error { return f(gctx, i) })
	}
	if err := g.Wait(); err != nil {
		return err
	}
	return ctx.Err()
}

// retry runs f until it succeeds, fails with a permanent error or has been
// retried Retries times, waiting 250 ms, 500 ms, 1 s … (with jitter, at
// most 8 s) in between.
func (w *Index) retry(ctx context.Context, what string, f func(context.Context) error) error {
	attempts, err := retry.Policy{
		Retries: max(w.opts.Retries, 0), First: 250 * time.Millisecond, Max: 8 * time.Second, Jitter: true,
		Retryable: transient,
		OnRetry: func(attempt int, _ time.Duration, err error) {
			w.log.Warn("weaviate request failed; retrying", "url", w.url, "what", what, "attempt", attempt, "err", err)
		},
	}.Do(ctx, f)
	switch {
	case err == nil:
		return nil
	case ctx.Err() != nil:
		return fmt.Errorf("weaviate %s: %s: %w", w.url, what, ctx.Err())
	case !transient(err):
		return fmt.Errorf("weaviate %s: %s: %s", w.url, what, err)
	}
	return fmt.Errorf("%w: %s: %s (after %d attempts): %s", ErrUnavailable, w.url, what, attempts, err)
}

// transient reports whether err is worth retrying: the server could not
// be reached, was overloaded, failed internally, or could not reach
// enough replicas. A request the server rejected as invalid is not.
func transient(err error) bool {
	var be *batchError
	if errors.As(err, &be) {
		return true
	}
	if _, ok := errors.AsType[*transportError](err); ok {
		return true
	}
	if ae, ok := errors.AsType[*apiError](err); ok {
		// Weaviate builds its GraphQL schema a moment after a class is
		// created, and until then answers a query with 422 "no graphql
		// provider present": another replica's class, just made.
		return ae.status == http.StatusTooManyRequests || ae.status >= 500 ||
			strings.Contains(strings.ToLower(err.Error()), "no graphql provider")
	}
	// GraphQL errors arrive as plain messages.
	msg := strings.ToLower(err.Error())
	for _, s := range []string{"connection refused", "timeout", "deadline", "replica", "unavailable", "eof", "reset"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

// Close releases nothing: the client holds only idle HTTP connections.
func (w *Index) Close() error { return nil }

func uniqueStrings(ss []string) []string {
	seen := make(map[string]bool, len(ss))
	out := ss[:0]
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
