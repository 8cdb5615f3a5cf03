// Package metrics counts and times what citebot does, for Prometheus, and
// writes one structured log line per question with its request ID.
//
// Adapters and engine wiring talk to a Recorder, a small interface with a
// no-op implementation (Nop) and a Prometheus one (*Metrics). An Observer
// wraps any Answerer so that each question is timed, classified by Outcome
// and logged without the caller doing anything else; code deep inside an
// answer, such as a language-model call, reports its own stage with
// ObserveStage and its failures with ObserveLLMError through the context.
package metrics

import (
	"time"

	"github.com/citebot/citebot"
)

// Outcome classifies how a question ended.
type Outcome string

// The outcomes of a question.
const (
	// Answered: the corpus covered the question and citebot answered it.
	Answered Outcome = "answered"
	// Refused: the corpus does not cover the question, and citebot said so.
	Refused Outcome = "refused"
	// Fallback: a language model was meant to write the answer but did not
	// (it failed or timed out), so citebot answered extractively.
	Fallback Outcome = "fallback"
	// Invalid: the question was empty or too long; the asker's mistake.
	Invalid Outcome = "invalid"
	// Cancelled: the asker went away (closed the connection) before the
	// answer was ready; not a failure of citebot's.
	Cancelled Outcome = "cancelled"
	// Error: answering failed (index not ready, timeout, internal error).
	Error Outcome = "error"
)

// Stage names a part of answering that is timed on its own.
type Stage string

// The timed stages of an answer.
const (
	// StageRetrieval is everything but generation: searching the index and
	// choosing and quoting the passages.
	StageRetrieval Stage = "retrieval"
	// StageGeneration is a language model writing the answer.
	StageGeneration Stage = "generation"
)

// Recorder receives citebot's measurements. *Metrics exports them to
// Prometheus; Nop drops them. Implementations must be safe for concurrent
// use.
type Recorder interface {
	// Question records one question end to end, by adapter (web, slack,
	// telegram) and outcome.
	Question(adapter string, outcome Outcome, took time.Duration)
	// Stage records the time one stage of an answer took.
	Stage(stage Stage, took time.Duration)
	// Ingest records what building or updating the index did.
	Ingest(stats citebot.IngestStats)
	// LLMError counts a failed language-model request; op is "chat" or
	// "embed".
	LLMError(op string)
	// CacheLookup counts a lookup in the answer cache.
	CacheLookup(hit bool)
	// Rejected counts a request turned away before it was answered, by
	// reason: "unauthorized", "wrong_host", "rate_limited" or "busy".
	Rejected(reason string)
}

// Nop is a Recorder that records nothing. Embed it to implement only part
// of Recorder.
type Nop struct{}

// Question implements Recorder.
func (Nop) Question(string, Outcome, time.Duration) {}

// Stage implements Recorder.
func (Nop) Stage(Stage, time.Duration) {}

// Ingest implements Recorder.
func (Nop) Ingest(citebot.IngestStats) {}

// LLMError implements Recorder.
func (Nop) LLMError(string) {}

// CacheLookup implements Recorder.
func (Nop) CacheLookup(bool) {}

// Rejected implements Recorder.
func (Nop) Rejected(string) {}

var (
	_ Recorder = Nop{}
	_ Recorder = (*Metrics)(nil)
)
