package metrics

import (
	"context"
	"log/slog"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/citebot/citebot"
)

// ObserverOptions tunes an Observer. The zero value records nothing and
// logs to slog.Default().
type ObserverOptions struct {
	// Recorder receives the measurements; nil means Nop.
	Recorder Recorder
	// Logger receives one line per question; nil means slog.Default().
	Logger *slog.Logger
	// Generative says a language model is configured to write answers, so
	// that extractive answers count as Fallback.
	Generative bool
}

// Observer times each question, records its Outcome and logs one line
// with its request ID. A nil *Observer only passes questions through.
type Observer struct {
	rec        Recorder
	log        *slog.Logger
	generative bool
}

// NewObserver returns an Observer.
func NewObserver(opts ObserverOptions) *Observer {
	o := &Observer{rec: opts.Recorder, log: opts.Logger, generative: opts.Generative}
	if o.rec == nil {
		o.rec = Nop{}
	}
	if o.log == nil {
		o.log = slog.Default()
	}
	return o
}

// Recorder returns the Recorder the Observer reports to.
func (o *Observer) Recorder() Recorder {
	if o == nil {
		return Nop{}
	}
	return o.rec
}

// Outcome classifies an answer as OutcomeOf does, knowing whether a
// language model is meant to write answers. A nil *Observer assumes not.
func (o *Observer) Outcome(ans citebot.Answer, err error) Outcome {
	return OutcomeOf(ans, err, o != nil && o.generative)
}

// stages accumulates the stage times reported from inside one answer.
type stages struct {
	rec        Recorder
	generation atomic.Int64
}

type stagesKey struct{}

// ObserveStage records that stage took d within the question being
// answered under ctx. Code that calls a language model reports
// StageGeneration this way, and the Observer counts the rest of the answer
// as StageRetrieval. Outside an observed question it does nothing.
func ObserveStage(ctx context.Context, stage Stage, d time.Duration) {
	st, _ := ctx.Value(stagesKey{}).(*stages)
	if st == nil {
		return
	}
	st.rec.Stage(stage, d)
	if stage == StageGeneration {
		st.generation.Add(int64(d))
	}
}

// ObserveLLMError counts a failed language-model request (op "chat" or
// "embed") made while answering under ctx, or under a ctx from
// WithRecorder. Otherwise it does nothing.
func ObserveLLMError(ctx context.Context, op string) {
	if st, _ := ctx.Value(stagesKey{}).(*stages); st != nil {
		st.rec.LLMError(op)
	}
}

// WithRecorder returns ctx carrying rec, so that ObserveLLMError and
// ObserveStage record to rec in work that is not a question, such as
// embedding the corpus while the index is built. Within a question the
// Observer's recorder applies instead.
func WithRecorder(ctx context.Context, rec Recorder) context.Context {
	if rec == nil {
		return ctx
	}
	return context.WithValue(ctx, stagesKey{}, &stages{rec: rec})
}

// Answer asks a the question q on behalf of adapter, timing and recording
// it. It gives the question a request ID unless ctx already carries one.
func (o *Observer) Answer(ctx context.Context, a citebot.Answerer, adapter string, q citebot.Question) (citebot.Answer, error) {
	if o == nil {
		return a.Answer(ctx, q)
	}
	id := RequestID(ctx)
	if id == "" {
		id = NewRequestID()
		ctx = WithRequestID(ctx, id)
	}
	st := &stages{rec: o.rec}
	ctx = context.WithValue(ctx, stagesKey{}, st)
	start := time.Now()
	ans, err := a.Answer(ctx, q)
	took := time.Since(start)
	outcome := o.Outcome(ans, err)
	if err == nil {
		// Generation may overlap retrieval or be reported coarsely; never
		// record a negative retrieval time.
		o.rec.Stage(StageRetrieval, max(0, took-time.Duration(st.generation.Load())))
	}
	o.rec.Question(adapter, outcome, took)
	o.logQuestion(ctx, id, adapter, q, outcome, took, ans, err, false)
	return ans, err
}

// Cached records a question answered from a cache, without asking the
// engine: it counts toward the question metrics but not the stage times.
func (o *Observer) Cached(ctx context.Context, adapter string, q citebot.Question, ans citebot.Answer, took time.Duration) {
	if o == nil {
		return
	}
	id := RequestID(ctx)
	if id == "" {
		id = NewRequestID()
	}
	outcome := o.Outcome(ans, nil)
	o.rec.Question(adapter, outcome, took)
	o.logQuestion(ctx, id, adapter, q, outcome, took, ans, nil, true)
}

// logQuestion writes the one line per question. It logs the question's
// length, not its text, at info level; the text only at debug level, since
// questions may hold personal data.
func (o *Observer) logQuestion(ctx context.Context, id, adapter string, q citebot.Question, outcome Outcome, took time.Duration, ans citebot.Answer, err error, cached bool) {
	level := slog.LevelInfo
	if outcome == Error {
		level = slog.LevelWarn
	}
	if !o.log.Enabled(ctx, level) && !o.log.Enabled(ctx, slog.LevelDebug) {
		return
	}
	attrs := []slog.Attr{
		slog.String("request_id", id),
		slog.String("adapter", adapter),
		slog.String("outcome", string(outcome)),
		slog.Float64("took_ms", float64(took.Microseconds())/1000),
		slog.Int("question_chars", utf8.RuneCountInString(q.Text)),
		slog.Bool("conversation", q.ConversationID != ""),
	}
	if err != nil {
		attrs = append(attrs, slog.String("err", err.Error()))
	} else {
		attrs = append(attrs, slog.Int("citations", len(ans.Citations)), slog.String("mode", ans.Mode))
		if len(ans.Citations) > 0 {
			attrs = append(attrs, slog.String("source", ans.Citations[0].Source))
		}
	}
	if cached {
		attrs = append(attrs, slog.Bool("cached", true))
	}
	if o.log.Enabled(ctx, slog.LevelDebug) {
		attrs = append(attrs, slog.String("question", q.Text))
	}
	o.log.LogAttrs(ctx, level, "question", attrs...)
}

// Wrap returns an Answerer that asks a through the Observer, for adapters
// that take an Answerer and know nothing of metrics. When a streams, so
// does the result (it is then a StreamAnswerer), so that wrapping never
// hides streaming from an adapter that looks for it.
func (o *Observer) Wrap(a citebot.Answerer, adapter string) citebot.Answerer {
	w := observed{o: o, a: a, adapter: adapter}
	if s, ok := a.(citebot.StreamAnswerer); ok {
		return observedStream{observed: w, s: s}
	}
	return w
}

type observed struct {
	o       *Observer
	a       citebot.Answerer
	adapter string
}

func (w observed) Answer(ctx context.Context, q citebot.Question) (citebot.Answer, error) {
	return w.o.Answer(ctx, w.a, w.adapter, q)
}

type observedStream struct {
	observed
	s citebot.StreamAnswerer
}

func (w observedStream) AnswerStream(ctx context.Context, q citebot.Question, delta func(string)) (citebot.Answer, error) {
	stream := answerFunc(func(ctx context.Context, q citebot.Question) (citebot.Answer, error) {
		return w.s.AnswerStream(ctx, q, delta)
	})
	return w.o.Answer(ctx, stream, w.adapter, q)
}

// answerFunc adapts a function to Answerer.
type answerFunc func(ctx context.Context, q citebot.Question) (citebot.Answer, error)

func (f answerFunc) Answer(ctx context.Context, q citebot.Question) (citebot.Answer, error) {
	return f(ctx, q)
}
