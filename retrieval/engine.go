// Package retrieval is the engine: it indexes a corpus's chunks, embeds a
// question, searches the index, drops near-duplicate passages and hands
// the rest to the reader for an extractive answer with cited, verbatim
// quotes, or picks and trims passages for a language model (see the
// generate sub-package). It reads follow-up questions against the turns
// of their conversation.
package retrieval

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/citebot/citebot"
	"github.com/citebot/citebot/corpus"
	"github.com/citebot/citebot/internal/lru"
	"github.com/citebot/citebot/retrieval/conversation"
	"github.com/citebot/citebot/retrieval/embed"
	"github.com/citebot/citebot/retrieval/index"
	"github.com/citebot/citebot/retrieval/index/memory"
	"github.com/citebot/citebot/retrieval/reader"
)

// Options tunes an Engine. The zero value is a working offline engine.
type Options struct {
	// Embedder embeds chunks and questions; nil means embed.Local{}.
	Embedder Embedder
	// Index stores and searches chunks; nil means a new memory.Index, which
	// the engine closes on Close.
	Index index.Index
	// Chunk sets chunk size and overlap; zero values use corpus defaults.
	Chunk corpus.ChunkOptions
	// DataDir, when set and Index is nil, keeps the index there (see
	// internal/store): an engine over the documents it was built from
	// opens it instead of rebuilding it, and a build over changed
	// documents re-embeds only new text. With a persistent Index, stored
	// vectors there are reused.
	DataDir string
	// Stamps are the corpus folder's files as corpus.Stamps found them
	// before docs were read. With DataDir they are stored with the index,
	// so that Open can later tell the folder has not changed without
	// reading it.
	Stamps []corpus.FileStamp
	// Passages is how many chunks are read per question; zero means 16.
	Passages int
	// Reader tunes the reader that finds answers in the passages; the
	// zero value uses its embedded fitted model.
	Reader reader.Options
	// Logger receives progress and warnings; nil means slog.Default().
	Logger *slog.Logger
	// Progress, when set, is called as chunks are embedded and indexed.
	Progress func(done, total int)
	// Conversations keeps recent turns so that a follow-up question with a
	// ConversationID is read in the light of the one before; nil means a
	// new conversation.Memory with its defaults.
	Conversations conversation.Store
	// OnDegrade, when set, is called when a model call fails and the
	// engine answers without it: stage "embed" when a question could not
	// be embedded and was searched by its words alone; reason is
	// "timeout", "rate_limited" or "error". ctx is the question's. For
	// metrics.
	OnDegrade func(ctx context.Context, stage, reason string)
}

// cacheShards is how many locks the engine's question-vector cache is
// split under.
const cacheShards = 16

// Engine answers questions from an indexed corpus. It is safe for
// concurrent use; the corpus it was built from does not change under it.
type Engine struct {
	idx     index.Index
	closer  io.Closer
	embed   Embedder
	qvecs   *lru.Sharded[[]float32] // question vectors, keyed by embedder and text
	words   *wordSets               // for near-duplicate checks
	log     *slog.Logger
	passes  int
	stats   *reader.Stats
	reader  Reader
	ingest  citebot.IngestStats
	conv    conversation.Store
	rw      *conversation.Rewriter
	pages   pageTable // where the pages of paged documents start
	degrade func(ctx context.Context, stage, reason string)
}

// Reader finds the answer to a question in the passages retrieved for it.
// reader.Reader, fitted on data, is the one the engine uses.
type Reader interface {
	// Read answers question from passages, given best first.
	Read(question string, passages []reader.Passage) reader.Reading
	// Rank scores passages for question, to choose and order what a
	// language model is shown.
	Rank(question string, passages []reader.Passage) []reader.PassageScore
	// Coverage is the share of question's words that text matches.
	Coverage(question, text string) float64
}

var _ Reader = (*reader.Reader)(nil)

// NewEngine chunks docs, embeds and indexes the chunks, and returns an
// engine ready to answer. With Options.DataDir set it opens the index
// stored there when that was built from these very documents, and
// otherwise stores a new one, embedding only text it has not embedded
// before (see Open for starting without the documents).
func NewEngine(ctx context.Context, docs []corpus.Document, opts Options) (*Engine, error) {
	e := newEngine(opts)
	e.pages = newPageTable(docs)
	if e.idx == nil && opts.DataDir != "" {
		// The engine owns the index and keeps it in the data dir: open the
		// stored build of these very documents, or store a new one.
		if err := e.openOrStore(ctx, docs, opts); err != nil {
			e.Close()
			return nil, err
		}
		return e, nil
	}
	if e.idx == nil {
		mi, err := memory.New(memory.Options{})
		if err != nil {
			return nil, err
		}
		e.idx, e.closer = mi, mi
	}

	chunks := corpus.SplitAll(docs, opts.Chunk)
	e.learn(chunks)
	if err := e.newReader(opts); err != nil {
		e.Close()
		return nil, err
	}
	if pi, ok := e.idx.(index.PersistentIndex); ok {
		// A persistent index is its own store: bring it up to date by
		// content hash rather than rewriting it (see index_sync.go).
		stats, err := syncIndex(ctx, pi, e.embed, docs, chunks, opts.DataDir, e.log, opts.Progress)
		if err != nil {
			e.Close()
			return nil, err
		}
		e.ingest = stats
		return e, nil
	}
	recs, stats, _, err := buildRecords(ctx, e.embed, docs, chunks, opts.DataDir, e.log, opts.Progress, false)
	if err != nil {
		e.Close()
		return nil, err
	}
	if err := e.idx.Upsert(ctx, recs); err != nil {
		e.Close()
		return nil, fmt.Errorf("index chunks: %w", err)
	}
	e.ingest = stats
	return e, nil
}

// newReader makes the reader over the corpus statistics learnt.
func (e *Engine) newReader(opts Options) error {
	rd, err := reader.New(e.stats, opts.Reader)
	if err != nil {
		return err
	}
	e.reader = rd
	return nil
}

// newEngine returns an engine with opts' settings and defaults, and no
// index or reader yet.
func newEngine(opts Options) *Engine {
	e := &Engine{
		embed:   opts.Embedder,
		log:     opts.Logger,
		passes:  opts.Passages,
		idx:     opts.Index,
		conv:    opts.Conversations,
		degrade: opts.OnDegrade,
	}
	if e.conv == nil {
		e.conv = conversation.NewMemory(conversation.Options{})
	}
	if e.embed == nil {
		e.embed = embed.Local{}
	}
	if e.log == nil {
		e.log = slog.Default()
	}
	if e.passes <= 0 {
		e.passes = 16
	}
	// Every answer reads it, from as many goroutines as questions in
	// flight: one lock made them queue.
	e.qvecs = lru.NewSharded[[]float32](1024, cacheShards)
	e.words = &wordSets{}
	return e
}

// learn gathers what the engine needs to know of the whole corpus: the
// reader's statistics, and what the follow-up rewriter learns of names.
func (e *Engine) learn(chunks []corpus.Chunk) {
	e.stats = reader.Learn(chunks)
	e.rw = conversation.NewRewriter(e.stats, chunks)
}

// Stats reports what building the index did.
func (e *Engine) Stats() citebot.IngestStats { return e.ingest }

// Close releases the index if the engine created it.
func (e *Engine) Close() error {
	if e.closer != nil {
		return e.closer.Close()
	}
	return nil
}

// CleanQuestion trims a question and removes control and format characters
// and repeated whitespace, so that odd Unicode cannot skew matching.
func CleanQuestion(s string) string {
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

// ValidQuestion returns s cleaned as CleanQuestion does, or
// citebot.ErrEmptyQuestion or ErrQuestionTooLong when it cannot be asked.
func ValidQuestion(s string) (string, error) {
	text := CleanQuestion(s)
	if text == "" {
		return "", citebot.ErrEmptyQuestion
	}
	if utf8.RuneCountInString(text) > citebot.MaxQuestionLen {
		return "", citebot.ErrQuestionTooLong
	}
	return text, nil
}

// Answer answers q from the corpus. A question the corpus does not cover
// gets an Answer with Answered false, not an error; errors are the
// sentinels for unusable questions, or a failing index or embedder.
func (e *Engine) Answer(ctx context.Context, q citebot.Question) (citebot.Answer, error) {
	text, err := ValidQuestion(q.Text)
	if err != nil {
		return citebot.Answer{}, err
	}
	asked := text
	if q.ConversationID != "" {
		text = e.standalone(ctx, q.ConversationID, text)
	}
	hits, err := e.search(ctx, text)
	if err != nil {
		return citebot.Answer{}, err
	}
	ans := compose(text, e.reader.Read(text, passagesOf(hits)), e.pages.pageOf).WithQuestion(asked, text)
	if q.ConversationID != "" {
		e.remember(ctx, q.ConversationID, ans)
	}
	return ans, nil
}

// search embeds the question and asks the index for passages.
func (e *Engine) search(ctx context.Context, text string) ([]index.Hit, error) {
	key := e.embed.Name() + "\x00" + text
	vec, ok := e.qvecs.Get(key)
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
				e.degrade(ctx, "embed", embed.FailureReason(err))
			}
		default:
			vec = embed.Normalize(vecs[0])
			e.qvecs.Put(key, vec)
		}
	}
	hits, err := e.idx.Search(ctx, index.Query{Text: text, Vector: vec}, e.passes)
	if errors.Is(err, index.ErrVectorSize) {
		e.vectorMismatch(ctx, err)
		hits, err = e.idx.Search(ctx, index.Query{Text: text}, e.passes)
	}
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	return e.dedupeHits(hits), nil
}

// dupJaccard is the share of their words two chunks must share to be
// near-duplicates.
const dupJaccard = 0.8

// dedupeHits drops chunks that repeat an earlier, better-ranked chunk
// almost word for word: syndicated articles share whole paragraphs.
func (e *Engine) dedupeHits(hits []index.Hit) []index.Hit {
	out := hits[:0:0]
	var kept [][]uint64
	for _, h := range hits {
		ws := e.words.of(h.Chunk.ID, h.Chunk.Text)
		dup := false
		for _, k := range kept {
			// The Jaccard similarity is at most the smaller set's size
			// over the larger's, so sets that differ more in size than
			// that cannot be duplicates, and are not compared.
			if a, b := min(len(ws), len(k)), max(len(ws), len(k)); float64(a) < dupJaccard*float64(b) {
				continue
			}
			if jaccardSorted(ws, k) >= dupJaccard {
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

// Retrieve returns the passages the index finds for question, best first,
// as the reader reads them.
func (e *Engine) Retrieve(ctx context.Context, question string) ([]reader.Passage, error) {
	text := CleanQuestion(question)
	if text == "" {
		return nil, citebot.ErrEmptyQuestion
	}
	hits, err := e.search(ctx, text)
	if err != nil {
		return nil, err
	}
	return passagesOf(hits), nil
}

// passagesOf hands hits to the reader.
func passagesOf(hits []index.Hit) []reader.Passage {
	out := make([]reader.Passage, len(hits))
	for i, h := range hits {
		out[i] = reader.Passage{Chunk: h.Chunk, Score: h.Score}
	}
	return out
}

// Coverage is the share of question's words that text matches, as the
// reader judges it.
func (e *Engine) Coverage(question, text string) float64 { return e.reader.Coverage(question, text) }

// Conversations is the store of recent turns the engine reads follow-ups
// against.
func (e *Engine) Conversations() conversation.Store { return e.conv }
