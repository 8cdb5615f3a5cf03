// Package web serves citebot's HTTP API: health and readiness probes,
// POST /v1/ask, the chat page at /, the cited sources at /v1/sources/, the
// page's example question at /v1/example and /metrics, behind an optional
// bearer token, per-client rate limits and a concurrency limit. Chat
// adapters mount their webhooks on the same mux.
package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/citebot/citebot"
	"github.com/citebot/citebot/bot"
	"github.com/citebot/citebot/metrics"
	"github.com/citebot/citebot/retrieval/conversation"
)

// DefaultCacheTTL is how long a cached answer is served when
// Options.CacheTTL is zero.
const DefaultCacheTTL = 10 * time.Minute

// Options tunes a Server. The zero value is usable.
type Options struct {
	// MaxBodyBytes caps a request body; zero means 64 KiB.
	MaxBodyBytes int64
	// AnswerTimeout bounds one answer; zero means 30s.
	AnswerTimeout time.Duration
	// Logger receives request errors; nil means slog.Default().
	Logger *slog.Logger

	// APIToken, when set, is the bearer token that /v1/, /metrics and
	// /debug/pprof/ require. The probes, the page and the chat webhooks
	// (which carry their own signatures) stay open.
	APIToken string
	// ListenAddr is the address the server listens on (host:port). Without
	// an APIToken, those same routes then answer only requests whose Host
	// names that address (any loopback name for a loopback address), so
	// that no web page can reach a local deployment through DNS
	// rebinding. "" or an address on every interface checks nothing.
	ListenAddr string
	// RatePerClient limits questions per client address; the zero Rate is
	// unlimited. Over the limit a client gets 429 with Retry-After.
	RatePerClient Rate
	// MaxConcurrent caps the questions answered at once; more get 503 at
	// once. Zero means no cap.
	MaxConcurrent int
	// CacheSize is how many answers to standalone questions (no
	// conversation) are kept; zero means 4096, negative turns it off.
	CacheSize int
	// CacheTTL is how long a cached answer is served; zero means
	// DefaultCacheTTL.
	CacheTTL time.Duration
	// Observer times, counts and logs each question; nil does none of it.
	Observer *metrics.Observer
	// Metrics, when set, is served at GET /metrics.
	Metrics http.Handler
	// Pprof mounts net/http/pprof under /debug/pprof/.
	Pprof bool
	// ExampleQuestion returns the question the chat page suggests in its
	// input, served at GET /v1/example. nil, or "" while the index loads,
	// means bot.GenericExample.
	ExampleQuestion bot.ExampleFunc
}

// Server is the HTTP API. It reports not-ready until SetAnswerer is called,
// so the listener can open before the index has loaded.
type Server struct {
	opts     Options
	log      *slog.Logger
	mux      *http.ServeMux
	ans      atomic.Pointer[answererBox]
	draining atomic.Bool

	compMu     sync.Mutex
	components map[string]Component        // reported by /readyz
	handler    http.Handler                // mux behind the middleware
	docs       atomic.Pointer[docIndex]    // set by SetDocuments
	cache      atomic.Pointer[answerCache] // answers of the current answerer
}

type answererBox struct{ a citebot.Answerer }

// New returns a Server with its routes mounted.
func New(opts Options) *Server {
	if opts.MaxBodyBytes <= 0 {
		opts.MaxBodyBytes = 64 << 10
	}
	if opts.AnswerTimeout <= 0 {
		opts.AnswerTimeout = 30 * time.Second
	}
	if opts.CacheSize == 0 {
		opts.CacheSize = 4096
	}
	if opts.CacheTTL <= 0 {
		opts.CacheTTL = DefaultCacheTTL
	}
	s := &Server{opts: opts, log: opts.Logger, mux: http.NewServeMux()}
	if s.log == nil {
		s.log = slog.Default()
	}
	s.mux.HandleFunc("/healthz", s.handleHealth)
	s.mux.HandleFunc("/readyz", s.handleReady)
	s.mux.HandleFunc("/v1/ask", s.handleAsk)
	s.mountOps()
	return s
}

// SetAnswerer makes the server ready to answer. Answers cached from an
// earlier answerer are dropped.
func (s *Server) SetAnswerer(a citebot.Answerer) { s.ans.Store(&answererBox{a}) }

// SetDraining makes /readyz fail so load balancers stop sending work while
// in-flight requests finish.
func (s *Server) SetDraining() { s.draining.Store(true) }

// Mux is the server's router, for adapters to mount their endpoints on.
func (s *Server) Mux() *http.ServeMux { return s.mux }

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// Component is a part of the server whose state GET /readyz reports, such
// as a chat adapter; *slack.Adapter and *telegram.Adapter are ones. State
// is "running" when it works, and otherwise says, briefly and without
// secrets or error details, what it is waiting for.
type Component interface {
	State() string
}

// AddComponent makes /readyz report c's state under name.
func (s *Server) AddComponent(name string, c Component) {
	s.compMu.Lock()
	defer s.compMu.Unlock()
	if s.components == nil {
		s.components = map[string]Component{}
	}
	s.components[name] = c
}

// readiness is the body of GET /readyz.
type readiness struct {
	// Status is loading, draining (both 503), ready, or degraded (200:
	// the API answers, but a component such as a chat adapter is not
	// running).
	Status     string            `json:"status"`
	Components map[string]string `json:"components,omitempty"`
}

func (s *Server) handleReady(w http.ResponseWriter, r *http.Request) {
	body := readiness{Status: "ready"}
	s.compMu.Lock()
	for name, c := range s.components {
		if body.Components == nil {
			body.Components = map[string]string{}
		}
		st := c.State()
		body.Components[name] = st
		if st != "running" {
			body.Status = "degraded"
		}
	}
	s.compMu.Unlock()
	status := http.StatusOK
	switch {
	case s.draining.Load():
		body.Status, status = "draining", http.StatusServiceUnavailable
	case s.ans.Load() == nil:
		body.Status, status = "loading", http.StatusServiceUnavailable
	}
	writeJSON(w, status, body)
}

// askRequest is the body of POST /v1/ask.
type askRequest struct {
	Question       *string `json:"question"`
	ConversationID string  `json:"conversation_id"`
	// Stream asks for Server-Sent Events; see serveStream.
	Stream bool `json:"stream"`
}

// errorBody is every error response.
type errorBody struct {
	Error string `json:"error"`
}

func (s *Server) handleAsk(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		writeError(w, http.StatusMethodNotAllowed, "method not allowed: use POST")
		return
	}
	// A web page on any site can make a browser POST text/plain to a
	// server on loopback without asking first; it cannot send JSON
	// without a CORS preflight this server never grants.
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		writeError(w, http.StatusUnsupportedMediaType, "send the question as JSON, with Content-Type: application/json")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, s.opts.MaxBodyBytes)
	var req askRequest
	dec := json.NewDecoder(r.Body)
	if err := dec.Decode(&req); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeError(w, http.StatusRequestEntityTooLarge, "request body too large")
			return
		}
		writeError(w, http.StatusBadRequest, jsonProblem(err))
		return
	}
	if dec.More() {
		writeError(w, http.StatusBadRequest, "malformed JSON: trailing data after the object")
		return
	}
	if req.Question == nil {
		writeError(w, http.StatusBadRequest, `missing "question"`)
		return
	}
	q := *req.Question
	if strings.TrimSpace(q) == "" {
		writeError(w, http.StatusBadRequest, "empty question")
		return
	}
	if utf8.RuneCountInString(q) > citebot.MaxQuestionLen {
		writeError(w, http.StatusBadRequest, "question too long: at most 2000 characters")
		return
	}
	conv, ok := conversationID(req.ConversationID)
	if !ok {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("conversation_id too long: at most %d bytes", conversation.MaxIDLen))
		return
	}
	box := s.ans.Load()
	if box == nil {
		writeError(w, http.StatusServiceUnavailable, "index is still loading; retry shortly")
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.opts.AnswerTimeout)
	defer cancel()
	question := citebot.Question{Text: q, ConversationID: conv}
	if wantsStream(r, req.Stream) {
		s.serveStream(ctx, w, r, box, question)
		return
	}
	ans, err := s.answer(ctx, w, r, box, question)
	if err != nil {
		status, msg := errorStatus(err)
		if status >= 500 {
			s.log.Error("answer failed", "err", err, "request_id", metrics.RequestID(ctx))
		}
		writeError(w, status, msg)
		return
	}
	writeJSON(w, http.StatusOK, ans)
}

// jsonProblem says what is wrong with a request body that did not decode,
// in the API's terms: encoding/json's own messages name Go types
// ("web.askRequest"), which mean nothing to a client and say more about
// the server than it needs to.
func jsonProblem(err error) string {
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &typeErr) && typeErr.Field != "":
		return fmt.Sprintf("malformed JSON: %q must be %s, not %s", typeErr.Field, jsonKind(typeErr.Type.Kind()), typeErr.Value)
	case errors.As(err, &typeErr):
		return "malformed JSON: the body must be an object, not " + typeErr.Value
	case errors.As(err, &syntaxErr):
		return fmt.Sprintf("malformed JSON at byte %d", syntaxErr.Offset)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "malformed JSON: the body ends early"
	}
	return "malformed JSON"
}

// jsonKind names a Go kind as the JSON type that decodes into it.
func jsonKind(k reflect.Kind) string {
	switch k {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	}
	return "another type"
}

// conversationID puts a client's conversation_id in the HTTP API's own
// namespace, so that no client can read or steer a Slack thread's or a
// Telegram chat's conversation by naming it. It reports false for an ID
// longer than conversation.MaxIDLen.
func conversationID(id string) (string, bool) {
	if id == "" {
		return "", true
	}
	if len(id) > conversation.MaxIDLen {
		return "", false
	}
	return "web:" + id, true
}

// errorStatus maps engine errors to an HTTP status and a message safe to
// show to a client.
func errorStatus(err error) (int, string) {
	switch {
	case errors.Is(err, citebot.ErrEmptyQuestion):
		return http.StatusBadRequest, "empty question"
	case errors.Is(err, citebot.ErrQuestionTooLong):
		return http.StatusBadRequest, "question too long: at most 2000 characters"
	case errors.Is(err, citebot.ErrNotReady):
		return http.StatusServiceUnavailable, "index is still loading; retry shortly"
	case errors.Is(err, context.DeadlineExceeded):
		return http.StatusGatewayTimeout, "answering took too long"
	case errors.Is(err, context.Canceled):
		return 499, "request cancelled"
	}
	return http.StatusInternalServerError, "internal error"
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, errorBody{Error: msg})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	_ = enc.Encode(v)
}
