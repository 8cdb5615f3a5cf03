package retrieval

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/citebot/citebot/corpus"
)

// DefaultMinCoverage is the share of a question's (idf-weighted) content
// words that the best passage must match before citebot answers. It was
// chosen from the coverage distributions measured by `citebot eval` (see
// docs/quality.md): answerable questions' best passages sit well above it,
// unanswerable ones below.
const DefaultMinCoverage = 0.45

// Options tunes an Engine. The zero value is a working offline engine.
type Options struct {
	// Embedder embeds chunks and questions; nil means LocalEmbedder{}.
	Embedder Embedder
	// Index stores and searches chunks; nil means a new MemoryIndex, which
	// the engine closes on Close.
	Index Index
	// Chunk sets chunk size and overlap; zero values use corpus defaults.
	Chunk corpus.ChunkOptions
	// DataDir, when set, persists vectors there so that a restart or an
	// ingest re-embeds only what changed.
	DataDir string
	// Passages is how many chunks are read per question; zero means 8.
	Passages int
	// MinCoverage overrides DefaultMinCoverage when positive.
	MinCoverage float64
	// Logger receives progress and warnings; nil means slog.Default().
	Logger *slog.Logger
	// Progress, when set, is called as chunks are embedded and indexed.
	Progress func(done, total int)
	// Conversations keeps recent turns so that a follow-up question with a
	// ConversationID is read in the light of the one before; nil means a
	// new MemoryConversations with its defaults.
	Conversations ConversationStore
	// OnDegrade, when set, is called when a model call fails and the
	// engine answers without it: stage "embed" when a question could not
	// be embedded and was searched by its words alone; reason is
	// "timeout", "rate_limited" or "error". ctx is the question's. For
	// metrics.
	OnDegrade func(ctx context.Context, stage, reason string)
}

// Engine answers questions from an indexed corpus. It is safe for
// concurrent use; the corpus it was built from does not change under it.
type Engine struct {
	idx     Index
	closer  io.Closer
	embed   Embedder
	qvecs   *lru[[]float32]  // question vectors, keyed by embedder and text
	sents   *lru[[]sentence] // tokenised sentences, keyed by chunk ID
	terms   *lru[*termStats] // corpus statistics per question stem
	words   *lru[[]uint64]   // word-hash sets for near-duplicate checks, keyed by chunk ID
	log     *slog.Logger
	passes  int
	minCov  float64
	df      map[string]int32
	nChunks int
	caps    *capStats
	stats   IngestStats
	conv    ConversationStore
	coord   map[string]int32 // names listed together in the corpus; see followup.go
	degrade func(ctx context.Context, stage, reason string)
}

// IngestStats reports what building the index did.
type IngestStats struct {
	Files    int    `json:"files"`
	Chunks   int    `json:"chunks"`
	Embedded int    `json:"embedded"` // chunks embedded now
	Reused   int    `json:"reused"`   // chunks whose stored vectors were reused
	Changed  int    `json:"changed"`  // files new or changed since the stored index
	Removed  int    `json:"removed"`  // files in the stored index but no longer in the corpus
	Rebuilt  string `json:"rebuilt,omitempty"`
	Embedder string `json:"embedder"`
	// SaveError is why the index could not be stored; the engine still
	// answers from memory.
	SaveError string `json:"save_error,omitempty"`
}

// NewEngine chunks docs, embeds and indexes the chunks, and returns an
// engine ready to answer. With Options.DataDir set it reuses stored vectors
// for unchanged text and saves the result atomically.
func NewEngine(ctx context.Context, docs []corpus.Document, opts Options) (*Engine, error) {
	e := &Engine{
		embed:   opts.Embedder,
		log:     opts.Logger,
		passes:  opts.Passages,
		minCov:  opts.MinCoverage,
		idx:     opts.Index,
		conv:    opts.Conversations,
		degrade: opts.OnDegrade,
	}
	if e.conv == nil {
		e.conv = NewMemoryConversations(ConversationOptions{})
	}
	if e.embed == nil {
		e.embed = LocalEmbedder{}
	}
	if e.log == nil {
		e.log = slog.Default()
	}
	if e.passes <= 0 {
		e.passes = 8
	}
	if e.minCov <= 0 {
		e.minCov = DefaultMinCoverage
	}
	e.qvecs = newLRU[[]float32](1024)
	e.sents = newLRU[[]sentence](4096)
	e.terms = newLRU[*termStats](8192)
	e.words = newLRU[[]uint64](4096)
	if e.idx == nil {
		mi, err := NewMemoryIndex(MemoryIndexOptions{})
		if err != nil {
			return nil, err
		}
		e.idx, e.closer = mi, mi
	}

	chunks := corpus.SplitAll(docs, opts.Chunk)
	e.learn(chunks)
	if pi, ok := e.idx.(PersistentIndex); ok {
		// A persistent index is its own store: bring it up to date by
		// content hash rather than rewriting it (see index_sync.go).
		stats, err := syncIndex(ctx, pi, e.embed, docs, chunks, opts.DataDir, opts.Chunk, e.log, opts.Progress)
		if err != nil {
			e.Close()
			return nil, err
		}
		e.stats = stats
		return e, nil
	}
	recs, stats, err := buildRecords(ctx, e.embed, docs, chunks, opts.DataDir, opts.Chunk, e.log, opts.Progress)
	if err != nil {
		e.Close()
		return nil, err
	}
	if err := e.idx.Upsert(ctx, recs); err != nil {
		e.Close()
		return nil, fmt.Errorf("index chunks: %w", err)
	}
	e.stats = stats
	return e, nil
}

// learn gathers the corpus statistics the extractor needs: how many chunks
// contain each term (for idf) and how each word is usually capitalised.
func (e *Engine) learn(chunks []corpus.Chunk) {
	e.df = map[string]int32{}
	e.caps = newCapStats()
	e.nChunks = len(chunks)
	seen := map[string]bool{}
	for _, c := range chunks {
		clear(seen)
		for _, s := range chunkSentences(c) {
			toks := tokenize(s.text)
			if !headline(s.text, toks) {
				// In a Title Case headline every word is capitalised,
				// which says nothing about whether it is a name.
				e.caps.add(toks)
				e.coordinate(s.text, toks) // see followup.go
			}
			for _, t := range toks {
				if t.stem != "" && !seen[t.stem] {
					seen[t.stem] = true
					e.df[t.stem]++
				}
			}
		}
	}
}

// Stats reports what building the index did.
func (e *Engine) Stats() IngestStats { return e.stats }

// Close releases the index if the engine created it.
func (e *Engine) Close() error {
	if e.closer != nil {
		return e.closer.Close()
	}
	return nil
}

func (e *Engine) idf(df int32) float64 {
	n := float64(e.nChunks)
	return math.Log(1 + (n-float64(df)+0.5)/(float64(df)+0.5))
}

// analyze extracts the answer type and weighted content terms of a question.
func (e *Engine) analyze(text string) *questionInfo {
	toks := tokenize(text)
	q := &questionInfo{norms: map[string]bool{}, negations: negationCount(toks)}
	words := make([]string, len(toks))
	for i, t := range toks {
		words[i] = t.norm
		q.norms[t.norm] = true
	}
	q.typ = classify(words)
	if q.typ == typeNumber {
		q.measures = wantedMeasures(words)
	}
	q.wantsOrg = q.typ == typeEntity && asksForOrg(words)
	q.future = askedInFuture(words)
	seen := map[string]bool{}
	group := 0
	for i, t := range toks {
		// Consecutive capitalised words are one name.
		if i == 0 || !(t.cap && toks[i-1].cap && strings.TrimSpace(text[toks[i-1].end:t.start]) == "") {
			group++
		}
		if t.stem == "" || seen[t.stem] {
			continue
		}
		seen[t.stem] = true
		generic := roleWords[t.norm] || commonWords[t.norm]
		if _, kind := headNounTypes[t.norm]; kind {
			generic = true
		}
		// Names and numbers pin a question down; a capitalised title
		// word ("Minister") does not.
		term := qterm{stem: t.stem, group: group, entity: t.num || (!generic && ((t.cap && i > 0) || e.caps.proper(t.norm)))}
		st := e.termStats(t.stem)
		term.alt, term.variants = st.alt, st.variants
		term.idf = e.idf(st.df)
		if commonWords[t.norm] && !term.entity {
			term.idf *= lightWeight
			term.light = true
		}
		q.terms = append(q.terms, term)
		q.weight += term.idf
	}
	// The last word of a name of several words ("Bridge" of "Kestrel
	// Street Bridge") is how the text refers back to it.
	size := map[int]int{}
	for _, t := range q.terms {
		if t.entity {
			size[t.group]++
		}
	}
	for ti, t := range q.terms {
		if t.entity && size[t.group] > 1 {
			if q.heads == nil {
				q.heads = map[int]int{}
			}
			q.heads[t.group] = ti
		}
	}
	return q
}

// termStats is what the corpus says about one question word. Working it
// out scans the vocabulary, so it is done once per stem and cached.
type termStats struct {
	// df counts the chunks the term matches the way the extractor matches
	// it, variants included, so that a variant spelling ("defence" beside
	// "defense") is not mistaken for a rare word.
	df int32
	// alt is the most frequent corpus term one edit away from an unknown
	// term, so that a typo ("otawa") still finds its word ("ottawa").
	alt string
	// variants maps every corpus stem that matches the term to how well.
	variants map[string]float64
}

func (e *Engine) termStats(s string) *termStats {
	if st, ok := e.terms.get(s); ok {
		return st
	}
	st := &termStats{df: e.df[s], variants: map[string]float64{}}
	if st.df > 0 {
		st.variants[s] = 1
	}
	var extra float64
	var altDF int32
	for w, n := range e.df {
		if w == s || w[0] != s[0] || len(w) < len(s)-3 || len(w) > len(s)+3 {
			continue
		}
		if sim := stemSimilarity(s, w); sim > 0 {
			st.variants[w] = sim
			extra += sim * float64(n)
		}
		if st.df == 0 && len(s) >= 4 && n > altDF && editDistanceAtMost1(s, w) {
			st.alt, altDF = w, n
		}
	}
	switch {
	case st.df == 0 && st.alt != "":
		st.df = altDF
		st.variants[st.alt] = max(st.variants[st.alt], 0.85)
	case len(s) >= 5:
		st.df = min(st.df+int32(extra), int32(e.nChunks))
	}
	e.terms.put(s, st)
	return st
}

// cleanQuestion trims a question and removes control and format characters
// and repeated whitespace, so that odd Unicode cannot skew matching.
func cleanQuestion(s string) string {
	s = strings.ToValidUTF8(s, "")
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			space = true
			continue
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r):
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

// Answer answers q from the corpus. A question the corpus does not cover
// gets an Answer with Answered false, not an error; errors are the
// sentinels for unusable questions, or a failing index or embedder.
func (e *Engine) Answer(ctx context.Context, q Question) (Answer, error) {
	text := cleanQuestion(q.Text)
	if text == "" {
		return Answer{}, ErrEmptyQuestion
	}
	if utf8.RuneCountInString(text) > MaxQuestionLen {
		return Answer{}, ErrQuestionTooLong
	}
	asked := text
	if q.ConversationID != "" {
		text = e.standalone(ctx, q.ConversationID, text)
	}
	hits, err := e.search(ctx, text)
	if err != nil {
		return Answer{}, err
	}
	qi := e.analyze(text)
	ans := e.compose(text, qi, e.passageSentences(hits)).asked(asked, text)
	if q.ConversationID != "" {
		e.remember(ctx, q.ConversationID, ans)
	}
	return ans, nil
}

// search embeds the question and asks the index for passages.
func (e *Engine) search(ctx context.Context, text string) ([]Hit, error) {
	key := e.embed.Name() + "\x00" + text
	vec, ok := e.qvecs.get(key)
	if !ok {
		vecs, err := e.embed.Embed(ctx, []string{text})
		if err == nil && len(vecs) != 1 {
			err = fmt.Errorf("got %d vectors, want 1", len(vecs))
		}
		switch {
		case err != nil && ctx.Err() != nil:
			return nil, fmt.Errorf("embed question: %w", err)
		case err != nil:
			// An embedding server that is down must not stop answers:
			// the words of the question still find passages.
			e.log.Warn("could not embed the question; searching by its words alone", "embedder", e.embed.Name(), "err", err)
			if e.degrade != nil {
				e.degrade(ctx, "embed", failureReason(err))
			}
		default:
			vec = normalize(vecs[0])
			e.qvecs.put(key, vec)
		}
	}
	hits, err := e.idx.Search(ctx, Query{Text: text, Vector: vec}, e.passes)
	if errors.Is(err, ErrVectorSize) {
		e.vectorMismatch(ctx, err)
		hits, err = e.idx.Search(ctx, Query{Text: text}, e.passes)
	}
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	return e.dedupeHits(hits), nil
}

// dedupeHits drops chunks that repeat an earlier, better-ranked chunk
// almost word for word: syndicated articles share whole paragraphs.
func (e *Engine) dedupeHits(hits []Hit) []Hit {
	out := hits[:0:0]
	var kept [][]uint64
	for _, h := range hits {
		ws, ok := e.words.get(h.Chunk.ID)
		if !ok {
			ws = sortedWordHashes(h.Chunk.Text)
			e.words.put(h.Chunk.ID, ws)
		}
		dup := false
		for _, k := range kept {
			if jaccardSorted(ws, k) >= 0.8 {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, h)
			kept = append(kept, ws)
		}
	}
	return out
}

// chunkSentences recovers a chunk's sentences from its text: Chunk.Text is
// its sentences joined by single spaces, and Chunk.Sentences gives each
// one's length. A chunk that does not fit that shape is one sentence.
func chunkSentences(c corpus.Chunk) []sentence {
	out := make([]sentence, 0, len(c.Sentences))
	off := 0
	for i, sp := range c.Sentences {
		n := sp.End - sp.Start
		if n <= 0 || off+n > len(c.Text) {
			return []sentence{{text: c.Text, source: c.Source, title: c.Title, docStart: c.Start, chunkID: c.ID}}
		}
		out = append(out, sentence{text: c.Text[off : off+n], source: c.Source, title: c.Title,
			docStart: sp.Start, pos: i, chunkID: c.ID})
		off += n + 1
	}
	if len(out) == 0 {
		out = append(out, sentence{text: c.Text, source: c.Source, title: c.Title, docStart: c.Start, chunkID: c.ID})
	}
	return out
}

// passageSentences lists the sentences of the hits, each once, tokenised.
// Tokenised chunks are cached: the same passages answer many questions.
func (e *Engine) passageSentences(hits []Hit) []*sentence {
	type key struct {
		src   string
		start int
	}
	seen := map[key]bool{}
	var out []*sentence
	for rank, h := range hits {
		cached, ok := e.sents.get(h.Chunk.ID)
		if !ok || len(cached) == 0 || cached[0].source != h.Chunk.Source || cached[0].chunkLen != len(h.Chunk.Text) {
			cached = chunkSentences(h.Chunk)
			titleToks := tokenize(h.Chunk.Title)
			for i := range cached {
				cached[i].toks = tokenize(cached[i].text)
				cached[i].titleToks = titleToks
				cached[i].chunkLen = len(h.Chunk.Text)
			}
			e.sents.put(h.Chunk.ID, cached)
		}
		for _, s := range cached {
			k := key{s.source, s.docStart}
			if seen[k] {
				continue
			}
			seen[k] = true
			s.chunkRank = rank
			s.chunkScore = h.Score
			sc := s // a copy: the cached slice is shared by concurrent questions
			out = append(out, &sc)
		}
	}
	// Link each sentence to the one that follows it directly in its source,
	// wherever chunking put them, so windows can span a chunk boundary.
	byPos := append([]*sentence(nil), out...)
	sort.Slice(byPos, func(i, j int) bool {
		if byPos[i].source != byPos[j].source {
			return byPos[i].source < byPos[j].source
		}
		return byPos[i].docStart < byPos[j].docStart
	})
	for i := 0; i+1 < len(byPos); i++ {
		a, b := byPos[i], byPos[i+1]
		if a.source == b.source && b.docStart > a.docStart && b.docStart-(a.docStart+len(a.text)) <= 2 {
			a.next = b
		}
	}
	return out
}
