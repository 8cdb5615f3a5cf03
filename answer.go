// Package citebot holds the types every stage of citebot shares: the
// Question a user asks, the Answer with its Citations, the sentinel errors
// adapters turn into messages, and the Answerer interfaces that the engine
// and the generator implement and the adapters consume. It imports nothing
// of citebot's own, so that metrics, shared state and the chat adapters need
// not import the retrieval engine for its types.
package citebot

import (
	"context"
	"errors"
	"strconv"
)

// MaxQuestionLen is the longest question, in characters, that Answer accepts.
const MaxQuestionLen = 2000

// MaxAnswerLen is the longest answer text, in characters, that Answer returns.
const MaxAnswerLen = 600

// Sentinel errors that adapters turn into user-facing messages.
var (
	// ErrEmptyQuestion means the question had no searchable text.
	ErrEmptyQuestion = errors.New("empty question")
	// ErrQuestionTooLong means the question exceeded MaxQuestionLen.
	ErrQuestionTooLong = errors.New("question too long")
	// ErrNotReady means the index has not been loaded yet.
	ErrNotReady = errors.New("index not ready")
)

// Question is what a user asks.
type Question struct {
	// Text is the question as typed.
	Text string `json:"question"`
	// ConversationID groups follow-up questions (a Slack thread, a Telegram
	// reply chain, an HTTP conversation_id). Empty means standalone. Each
	// adapter prefixes its IDs with its name ("slack:", "telegram:",
	// "web:"), so that no adapter's users can reach another's
	// conversations.
	ConversationID string `json:"conversation_id,omitempty"`
}

// Citation points at the passage that supports an answer. The answer text
// refers to Citations[i] with the marker "[i+1]".
type Citation struct {
	// Source is the file's path relative to the corpus root.
	Source string `json:"source"`
	Title  string `json:"title"`
	// Quote is copied verbatim from the source file (whitespace collapsed).
	Quote string `json:"quote"`
	// Page is the 1-based page of a paged source (PDF) that holds the
	// quote; it is 0, and left out of JSON, for other formats.
	Page int `json:"page,omitempty"`
	// Score is the passage's retrieval score; higher is better.
	Score float64 `json:"score"`
}

// PageSuffix returns ", p. N" for a citation of page N of a paged source,
// to follow the source's name where a citation is shown ("q3.pdf, p. 4"),
// or "" when the source has no pages.
func (c Citation) PageSuffix() string {
	if c.Page <= 0 {
		return ""
	}
	return ", p. " + strconv.Itoa(c.Page)
}

// Answer is citebot's reply to a Question.
type Answer struct {
	// Question is the question as asked (cleaned of control characters
	// and repeated white space).
	Question string `json:"question"`
	// RewrittenQuestion is the question that was answered when it differs
	// from Question: a follow-up in a conversation ("and Latvia?")
	// rewritten to stand on its own ("when did Latvia ratify Ottawa?").
	RewrittenQuestion string `json:"rewritten_question,omitempty"`
	// Text is the answer: the direct answer first when there is one, then
	// the supporting sentences with [n] markers. An extractive answer is at
	// most MaxAnswerLen characters; a generated one is bounded by the
	// model's token limit (CITEBOT_MAX_ANSWER_TOKENS), whose default keeps
	// it near that length, and cut at generate.Options.MaxAnswerChars
	// (CITEBOT_MAX_ANSWER_CHARS) whatever the model writes.
	Text string `json:"answer"`
	// Lead is the direct answer the text opens with: a phrase quoted from
	// Citations[0], or "Yes"/"No" (with the source's own value when it
	// contradicts the question: "No, 2004"). It is empty when the quoted
	// sentence is the answer, or for a generated answer.
	Lead string `json:"lead,omitempty"`
	// Answered is false when the corpus does not cover the question; Text
	// then says so and Citations lists the nearest sources, if any.
	Answered bool `json:"answered"`
	// Confidence is the reader's fitted probability that an extractive
	// answer is right; citebot refuses below a threshold.
	Confidence float64    `json:"confidence,omitempty"`
	Citations  []Citation `json:"citations"`
	// Mode says how the answer was made: ModeExtractive (quoted from the
	// passages) or ModeGenerative (written by a language model from them).
	Mode string `json:"mode,omitempty"`
	// Note explains anything the user should know about how the answer was
	// made, such as a fallback to extractive mode when the model failed.
	Note string `json:"note,omitempty"`
	// Truncated says a generated answer was cut short, at
	// generate.Options.MaxAnswerChars or at the model's token limit; its
	// Text then ends with an ellipsis.
	Truncated bool `json:"truncated,omitempty"`
}

// Answer modes.
const (
	ModeExtractive = "extractive"
	ModeGenerative = "generative"
)

// WithQuestion returns a with Question set to the text as asked and,
// when the answered text differs from it, RewrittenQuestion to the
// answered one.
func (a Answer) WithQuestion(asked, answered string) Answer {
	a.Question, a.RewrittenQuestion = asked, ""
	if answered != asked {
		a.RewrittenQuestion = answered
	}
	return a
}

// Standalone is the question that was answered: RewrittenQuestion when the
// question was rewritten, else Question.
func (a Answer) Standalone() string {
	if a.RewrittenQuestion != "" {
		return a.RewrittenQuestion
	}
	return a.Question
}

// Answerer answers questions from the corpus. A question the corpus does
// not cover gets an Answer with Answered false, not an error; errors are
// the sentinels for unusable questions, or a failing backend.
// *retrieval.Engine and *generate.Generator are Answerers.
type Answerer interface {
	Answer(ctx context.Context, q Question) (Answer, error)
}

// StreamAnswerer is an Answerer that can also hand out an answer's text as
// it is written. delta receives the text in order; the Answer returned is
// authoritative and may replace what was streamed when a model failed
// part-way.
type StreamAnswerer interface {
	Answerer
	AnswerStream(ctx context.Context, q Question, delta func(string)) (Answer, error)
}
