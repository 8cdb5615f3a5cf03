package web

import (
	"context"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"strings"

	"github.com/citebot/citebot"
	"github.com/citebot/citebot/metrics"
)

// deltaEvent is the data of an SSE "delta" event: the next piece of the
// answer's text.
type deltaEvent struct {
	Text string `json:"text"`
}

// wantsStream reports whether a request to /v1/ask asks for Server-Sent
// Events, with "stream": true or Accept: text/event-stream.
func wantsStream(r *http.Request, stream bool) bool {
	if stream {
		return true
	}
	for _, part := range strings.Split(r.Header.Get("Accept"), ",") {
		if mt, _, err := mime.ParseMediaType(strings.TrimSpace(part)); err == nil && mt == "text/event-stream" {
			return true
		}
	}
	return false
}

// sse writes Server-Sent Events. Headers go out with the first event, so
// that an error before any event can still be a plain JSON error.
type sse struct {
	w       http.ResponseWriter
	rc      *http.ResponseController
	started bool
	failed  bool // the client went away; stop writing
}

func (e *sse) event(name string, v any) {
	if e.failed {
		return
	}
	b, err := json.Marshal(v)
	if err != nil {
		return
	}
	if !e.started {
		h := e.w.Header()
		h.Set("Content-Type", "text/event-stream; charset=utf-8")
		h.Set("Cache-Control", "no-cache")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Accel-Buffering", "no") // nginx would otherwise hold the stream back
		e.w.WriteHeader(http.StatusOK)
		e.started = true
	}
	// JSON has no raw newlines, so one data line carries the event.
	if _, err := fmt.Fprintf(e.w, "event: %s\ndata: %s\n\n", name, b); err != nil {
		e.failed = true
		return
	}
	if err := e.rc.Flush(); err != nil {
		e.failed = true
	}
}

// serveStream answers q as Server-Sent Events: "delta" events with the
// answer's text as it is written, then one "answer" event with the whole
// Answer, citations included, which replaces the streamed text. A failure
// after the stream has begun is an "error" event with {"error": …}.
func (s *Server) serveStream(ctx context.Context, w http.ResponseWriter, r *http.Request, box *answererBox, q citebot.Question) {
	out := &sse{w: w, rc: http.NewResponseController(w)}
	emit := func(d string) { out.event("delta", deltaEvent{Text: d}) }
	ans, err := s.answerStream(ctx, w, r, box, q, emit)
	if err != nil {
		status, msg := errorStatus(err)
		if status >= 500 {
			s.log.Error("answer failed", "err", err, "request_id", metrics.RequestID(ctx))
		}
		if !out.started {
			writeError(w, status, msg)
			return
		}
		out.event("error", errorBody{Error: msg})
		return
	}
	out.event("answer", ans)
}

// answerStream is Server.answer for a stream: through the same cache and
// Observer, with the answerer's stream when it has one. A cached answer
// arrives as a single delta.
func (s *Server) answerStream(ctx context.Context, w http.ResponseWriter, r *http.Request, box *answererBox, q citebot.Question, emit func(string)) (citebot.Answer, error) {
	c, key, ans, hit := s.cached(ctx, w, r, box, q)
	if hit {
		emit(ans.Text)
		return ans, nil
	}
	streamed := answerFunc(func(ctx context.Context, q citebot.Question) (citebot.Answer, error) {
		if sa, ok := box.a.(citebot.StreamAnswerer); ok {
			return sa.AnswerStream(ctx, q, emit)
		}
		ans, err := box.a.Answer(ctx, q)
		if err == nil {
			emit(ans.Text)
		}
		return ans, err
	})
	ans, err := s.opts.Observer.Answer(ctx, streamed, "web", q)
	s.keep(c, key, ans, err)
	return ans, err
}

// answerFunc adapts a function to the Answerer interface.
type answerFunc func(ctx context.Context, q citebot.Question) (citebot.Answer, error)

func (f answerFunc) Answer(ctx context.Context, q citebot.Question) (citebot.Answer, error) {
	return f(ctx, q)
}
