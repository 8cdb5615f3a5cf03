package main

import (
	"context"
	"sync"

	"github.com/citebot/citebot"
	"github.com/citebot/citebot/retrieval"
)

// servedEngine is one engine while serve answers from it. When a new
// index is swapped in, retire waits for the questions this one is
// answering, then closes it; a question that reaches it after that
// (through a reference taken before the swap) is answered by the engine
// that replaced it, so a swap never fails a question.
type servedEngine struct {
	ref *engineRef
	ans citebot.StreamAnswerer // the engine, or the Generator around it
	eng *retrieval.Engine

	mu      sync.RWMutex // held for reading by every question in flight
	retired bool
}

// Answer implements citebot.Answerer.
func (s *servedEngine) Answer(ctx context.Context, q citebot.Question) (citebot.Answer, error) {
	s.mu.RLock()
	if s.retired {
		s.mu.RUnlock()
		return s.ref.Answer(ctx, q)
	}
	defer s.mu.RUnlock()
	return s.ans.Answer(ctx, q)
}

// AnswerStream lets the chat adapters and the web page show an answer as
// the model writes it.
func (s *servedEngine) AnswerStream(ctx context.Context, q citebot.Question, delta func(string)) (citebot.Answer, error) {
	s.mu.RLock()
	if s.retired {
		s.mu.RUnlock()
		return s.ref.AnswerStream(ctx, q, delta)
	}
	defer s.mu.RUnlock()
	return s.ans.AnswerStream(ctx, q, delta)
}

// retire waits for the questions in flight, then closes the engine. Call
// it after the engine that replaces this one is in ref.
func (s *servedEngine) retire() error {
	s.mu.Lock()
	s.retired = true
	s.mu.Unlock()
	return s.eng.Close()
}

var _ citebot.StreamAnswerer = (*servedEngine)(nil)
