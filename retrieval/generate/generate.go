// Package generate answers with a language model over an OpenAI-compatible
// chat API, grounded in the passages a Retriever finds: the model writes
// from numbered passages and cites them, and its answer is checked, claim
// by claim, before anyone sees it. When the model fails or its answer
// cannot be trusted, the retriever's extractive answer is given instead.
package generate

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/citebot/citebot"
	"github.com/citebot/citebot/retrieval"
	"github.com/citebot/citebot/retrieval/conversation"
	"github.com/citebot/citebot/retrieval/embed"
	openai "github.com/sashabaranov/go-openai"
)

// Defaults for Options.
const (
	DefaultModelTimeout    = 30 * time.Second
	DefaultMaxAnswerTokens = 400
	DefaultContextTokens   = 3000
	DefaultMaxAnswerChars  = 1500
)

// rewriteTokens bounds a rewritten question.
const rewriteTokens = 120

// fallbackReserve is the most of a caller's deadline kept back from the
// model, so that the extractive answer still has time when the model
// times out.
const fallbackReserve = 2 * time.Second

// errIncomplete is a model answer that ended without a clean finish.
type errIncomplete string

func (e errIncomplete) Error() string { return "incomplete answer: " + string(e) }

// Options tunes a Generator. Zero values use the defaults above.
type Options struct {
	// Timeout bounds each model request. It is also cut short to leave
	// time for the extractive fallback within the caller's deadline.
	Timeout time.Duration
	// MaxAnswerTokens bounds the length of a generated answer.
	MaxAnswerTokens int
	// MaxAnswerChars cuts a generated answer longer than this many
	// characters, at a sentence where it can, and marks it as cut (an
	// ellipsis, and Answer.Truncated). Zero means DefaultMaxAnswerChars.
	MaxAnswerChars int
	// ContextTokens is the budget for retrieved passages in a prompt.
	ContextTokens int
	// Conversations keeps recent turns for follow-up questions; nil means
	// the retriever's store.
	Conversations conversation.Store
	// Logger receives fallbacks and dropped citations; nil means
	// slog.Default().
	Logger *slog.Logger
	// OnFallback, when set, is called whenever the model's work is not
	// used: stage "rewrite" (the follow-up was rewritten heuristically) or
	// "generate" (the answer is the extractive one), with one of the
	// Reason constants. ctx is the question's. For metrics.
	OnFallback func(ctx context.Context, stage, reason string)
	// OnModelCall, when set, is called after each chat request with its
	// duration and error, op "answer" or "rewrite". ctx is the question's.
	// For metrics.
	OnModelCall func(ctx context.Context, op string, took time.Duration, err error)
}

// Retriever is what the generator needs of the engine (*retrieval.Engine
// is one): passages to ground an answer in, the extractive answer to fall
// back on, the reader's judgement of how well a text covers a question,
// and follow-ups rewritten without a model when the model fails.
type Retriever interface {
	citebot.Answerer
	// Passages returns the passages that best match question, best
	// first, within about maxTokens.
	Passages(ctx context.Context, question string, maxTokens int) ([]retrieval.Passage, error)
	// Coverage is the share of question's words that text matches.
	Coverage(question, text string) float64
	// RewriteFollowUp makes a follow-up stand on its own, heuristically.
	RewriteFollowUp(turns []conversation.Turn, text string) string
	// Conversations is the retriever's store of recent turns.
	Conversations() conversation.Store
}

var _ citebot.StreamAnswerer = (*Generator)(nil)

// Generator answers with a language model over an OpenAI-compatible chat
// API, grounded in the Retriever's passages: the model writes from numbered
// passages and cites them, and its answer is checked before anyone sees
// it. When the model is slow, down or rate-limited, or its answer cannot be
// trusted, the Retriever's extractive answer is given instead, marked as such.
// It is safe for concurrent use.
type Generator struct {
	eng    Retriever
	client *openai.Client
	model  string
	opts   Options
	conv   conversation.Store
	log    *slog.Logger
}

// New returns a Generator that asks model through client and
// retrieves from eng. It makes no network calls.
func New(eng Retriever, client *openai.Client, model string, opts Options) *Generator {
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultModelTimeout
	}
	if opts.MaxAnswerTokens <= 0 {
		opts.MaxAnswerTokens = DefaultMaxAnswerTokens
	}
	if opts.ContextTokens <= 0 {
		opts.ContextTokens = DefaultContextTokens
	}
	if opts.MaxAnswerChars <= 0 {
		opts.MaxAnswerChars = DefaultMaxAnswerChars
	}
	g := &Generator{eng: eng, client: client, model: model, opts: opts, conv: opts.Conversations, log: opts.Logger}
	if g.conv == nil {
		g.conv = eng.Conversations()
	}
	if g.log == nil {
		g.log = slog.Default()
	}
	return g
}

// Answer answers q with the model. Like the retriever's Answer it returns an error
// only for unusable questions, a failing index, or a cancelled ctx; model
// failures give the extractive answer.
func (g *Generator) Answer(ctx context.Context, q citebot.Question) (citebot.Answer, error) {
	return g.answer(ctx, q, nil)
}

// AnswerStream answers q like Answer and calls delta with each piece of
// the answer's text as the model writes it, on the calling goroutine. The
// returned Answer is authoritative: its Text is the deltas joined, unless
// the model failed or its answer was rejected part-way, in which case it
// is the extractive answer that replaces what was streamed.
func (g *Generator) AnswerStream(ctx context.Context, q citebot.Question, delta func(string)) (citebot.Answer, error) {
	if delta == nil {
		delta = func(string) {}
	}
	return g.answer(ctx, q, delta)
}

func (g *Generator) answer(ctx context.Context, q citebot.Question, delta func(string)) (citebot.Answer, error) {
	text, err := retrieval.ValidQuestion(q.Text)
	if err != nil {
		return citebot.Answer{}, err
	}
	asked := text
	if q.ConversationID != "" {
		turns, err := g.conv.Recent(ctx, q.ConversationID)
		if err != nil {
			g.log.Warn("conversation store failed; answering the question on its own", "err", err)
		}
		text = g.rewrite(ctx, turns, text)
	}
	ans, err := g.generate(ctx, text, delta)
	if err != nil {
		return citebot.Answer{}, err
	}
	ans = ans.WithQuestion(asked, text)
	if q.ConversationID != "" {
		t := conversation.Turn{Question: asked, Standalone: text, Answer: ans.Text, Answered: ans.Answered}
		if err := g.conv.Add(ctx, q.ConversationID, t); err != nil {
			g.log.Warn("conversation store failed; the next follow-up will not see this question", "err", err)
		}
	}
	return ans, nil
}

// rewrite asks the model for a standalone version of a follow-up, and
// falls back on the retriever's heuristic when the model fails or answers
// with something that is not a question.
func (g *Generator) rewrite(ctx context.Context, turns []conversation.Turn, text string) string {
	if len(turns) == 0 {
		return text
	}
	mctx, cancel := g.modelContext(ctx)
	defer cancel()
	p := buildRewritePrompt(turns, text)
	start := time.Now()
	resp, err := g.client.CreateChatCompletion(mctx, g.chatRequest(p, rewriteTokens))
	g.modelCallHook(ctx, "rewrite", time.Since(start), err)
	if err == nil && len(resp.Choices) == 0 {
		err = errors.New("no choices in the reply")
	}
	out := ""
	if err == nil {
		out = cleanRewrite(resp.Choices[0].Message.Content)
		if out == "" {
			err = errors.New("the rewritten question is empty or too long")
		}
	}
	if err != nil {
		reason := g.failureReason(mctx, err)
		if ctx.Err() == nil {
			g.log.Warn("model could not rewrite the follow-up; using the heuristic", "model", g.model, "reason", reason, "err", err)
			g.fallbackHook(ctx, "rewrite", reason)
		}
		return g.eng.RewriteFollowUp(turns, text)
	}
	return out
}

// cleanRewrite takes the question out of a rewriting model's reply, or
// returns "" if there is none.
func cleanRewrite(s string) string {
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if k := strings.Index(strings.ToLower(line), "question:"); k >= 0 && k < 30 {
			line = strings.TrimSpace(line[k+len("question:"):])
		}
		line = retrieval.CleanQuestion(strings.Trim(line, "\"'`“”«»*"))
		if line == "" || utf8.RuneCountInString(line) > citebot.MaxQuestionLen {
			return ""
		}
		return line
	}
	return ""
}

// generate answers a standalone question from the retriever's passages.
func (g *Generator) generate(ctx context.Context, question string, delta func(string)) (citebot.Answer, error) {
	passages, err := g.eng.Passages(ctx, question, g.opts.ContextTokens)
	if err != nil {
		return citebot.Answer{}, err
	}
	if len(passages) == 0 {
		// Nothing to ground an answer in: the engine says so without
		// spending a model call.
		ans, err := g.eng.Answer(ctx, citebot.Question{Text: question})
		if err == nil && delta != nil {
			delta(ans.Text)
		}
		return ans, err
	}
	p := buildPrompt(question, passages)
	c := newCiter(g.eng, passages, g.opts.MaxAnswerChars, g.log)
	emitted := false
	emit := func(s string) {
		if s != "" && delta != nil {
			emitted = true
			delta(s)
		}
	}
	mctx, cancel := g.modelContext(ctx)
	defer cancel()
	start := time.Now()
	var finish string
	if delta == nil {
		var raw string
		raw, finish, err = g.complete(mctx, p)
		c.write(raw)
	} else {
		finish, err = g.stream(mctx, p, func(s string) bool {
			emit(c.write(s))
			return !c.full()
		})
	}
	g.modelCallHook(ctx, "answer", time.Since(start), err)
	if err == nil {
		var tail string
		tail, err = c.end(finish)
		emit(tail)
	}
	c.logDrops(g.model)
	if err != nil {
		if ctx.Err() != nil {
			return citebot.Answer{}, fmt.Errorf("generate: %w", ctx.Err())
		}
		return g.fallback(ctx, question, g.failureReason(mctx, err), err, delta, emitted)
	}
	text := c.text()
	switch {
	case c.notCovered:
		if text == "" {
			text = retrieval.NotCoveredText
			if delta != nil && !emitted {
				delta(text)
			}
		}
		return citebot.Answer{Question: question, Text: text, Citations: nearest(g.eng, passages, question), Mode: citebot.ModeGenerative, Truncated: c.cut}, nil
	case len(c.cited()) == 0:
		return g.fallback(ctx, question, citebot.ReasonUncited, errors.New("the answer cites no provided passage it is supported by"), delta, emitted)
	}
	sources := make([]string, 0, len(passages)+1)
	sources = append(sources, question)
	for _, p := range passages {
		sources = append(sources, p.Text)
	}
	if missing := unsupportedNumbers(text, sources...); len(missing) > 0 {
		return g.fallback(ctx, question, citebot.ReasonUnsupported, fmt.Errorf("the answer states %s, which no passage holds", strings.Join(missing, ", ")), delta, emitted)
	}
	cites := c.citations(question)
	if !c.relevant(question, cites) {
		return g.fallback(ctx, question, citebot.ReasonUnsupported, errors.New("no cited sentence or quote bears on the question"), delta, emitted)
	}
	return citebot.Answer{Question: question, Text: text, Answered: true, Citations: cites, Mode: citebot.ModeGenerative, Truncated: c.cut}, nil
}

// fallback answers extractively and says why in the answer's Note.
func (g *Generator) fallback(ctx context.Context, question, reason string, cause error, delta func(string), emitted bool) (citebot.Answer, error) {
	g.log.Warn("language model answer not used; answering extractively", "model", g.model, "reason", reason, "err", cause)
	g.fallbackHook(ctx, "generate", reason)
	ans, err := g.eng.Answer(ctx, citebot.Question{Text: question})
	if err != nil {
		return citebot.Answer{}, err
	}
	ans.Mode = citebot.ModeExtractive
	ans.Note = fallbackNote(reason)
	if delta != nil && !emitted {
		delta(ans.Text)
	}
	return ans, nil
}

func (g *Generator) fallbackHook(ctx context.Context, stage, reason string) {
	if g.opts.OnFallback != nil {
		g.opts.OnFallback(ctx, stage, reason)
	}
}

func (g *Generator) modelCallHook(ctx context.Context, op string, took time.Duration, err error) {
	if g.opts.OnModelCall != nil {
		g.opts.OnModelCall(ctx, op, took, err)
	}
}

// fallbackNote tells the user, briefly, why the answer is quoted rather
// than written.
func fallbackNote(reason string) string {
	const tail = ", so this answer quotes the sources directly."
	switch reason {
	case citebot.ReasonTimeout:
		return "The language model did not answer in time" + tail
	case citebot.ReasonRateLimited:
		return "The language model is busy" + tail
	case citebot.ReasonUncited, citebot.ReasonUnsupported:
		return "The language model's answer could not be checked against the sources" + tail
	case citebot.ReasonIncomplete:
		return "The language model's answer stopped before it was finished" + tail
	}
	return "The language model is unavailable" + tail
}

// failureReason classifies a failed model call. mctx is the call's own
// context, whose deadline may be what ended it.
func (g *Generator) failureReason(mctx context.Context, err error) string {
	if errors.Is(mctx.Err(), context.DeadlineExceeded) {
		return citebot.ReasonTimeout
	}
	return failureReason(err)
}

func failureReason(err error) string {
	if _, ok := errors.AsType[errIncomplete](err); ok {
		return citebot.ReasonIncomplete
	}
	return embed.FailureReason(err)
}

// modelContext bounds one model call by Timeout, and ends it early enough
// before the caller's own deadline to leave time for the fallback.
func (g *Generator) modelContext(ctx context.Context) (context.Context, context.CancelFunc) {
	timeout := g.opts.Timeout
	if dl, ok := ctx.Deadline(); ok {
		left := time.Until(dl)
		timeout = min(timeout, left-min(fallbackReserve, left/5))
	}
	return context.WithTimeout(ctx, timeout)
}

func (g *Generator) chatRequest(p prompt, maxTokens int) openai.ChatCompletionRequest {
	req := openai.ChatCompletionRequest{
		Model: g.model,
		Messages: []openai.ChatCompletionMessage{
			{Role: openai.ChatMessageRoleSystem, Content: p.system},
			{Role: openai.ChatMessageRoleUser, Content: p.user},
		},
	}
	if reasoningModel(g.model) {
		// These reject max_tokens and any temperature but the default.
		req.MaxCompletionTokens = maxTokens
	} else {
		req.MaxTokens = maxTokens
		req.Temperature = 0.1
	}
	return req
}

// reasoningModel reports whether OpenAI's reasoning-model restrictions
// apply to model (go-openai checks the same prefixes).
func reasoningModel(model string) bool {
	for _, p := range []string{"o1", "o3", "o4", "gpt-5"} {
		if strings.HasPrefix(model, p) {
			return true
		}
	}
	return false
}

// complete asks for the whole answer at once, and returns it with the
// reason the model gave for finishing.
func (g *Generator) complete(ctx context.Context, p prompt) (string, string, error) {
	resp, err := g.client.CreateChatCompletion(ctx, g.chatRequest(p, g.opts.MaxAnswerTokens))
	if err != nil {
		return "", "", fmt.Errorf("chat completion: %w", err)
	}
	if len(resp.Choices) == 0 {
		return "", "", errors.New("chat completion: no choices in the reply")
	}
	return resp.Choices[0].Message.Content, string(resp.Choices[0].FinishReason), nil
}

// stream asks for the answer as a stream and hands each piece to fn,
// until fn returns false or the stream ends. It returns the reason the
// model gave for finishing, "" if the stream ended without one (a server
// or connection that gave up part-way).
func (g *Generator) stream(ctx context.Context, p prompt, fn func(string) bool) (string, error) {
	st, err := g.client.CreateChatCompletionStream(ctx, g.chatRequest(p, g.opts.MaxAnswerTokens))
	if err != nil {
		return "", fmt.Errorf("chat completion stream: %w", err)
	}
	defer st.Close()
	finish := ""
	for {
		resp, err := st.Recv()
		if errors.Is(err, io.EOF) {
			return finish, nil
		}
		if err != nil {
			return "", fmt.Errorf("chat completion stream: %w", err)
		}
		for _, ch := range resp.Choices {
			if ch.Index != 0 {
				continue
			}
			if ch.FinishReason != "" {
				finish = string(ch.FinishReason)
			}
			if ch.Delta.Content != "" && !fn(ch.Delta.Content) {
				return finish, nil
			}
		}
	}
}
