// Package fakeopenai plays an OpenAI-compatible server in tests, for the
// real go-openai client: chat completions, streamed or not, and
// embeddings. Tests give it a model, a function from the request to the
// reply, and read back the requests it was sent.
package fakeopenai

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/citebot/citebot/retrieval/embed"
)

// ChatFunc writes the model's reply to a chat request: it returns the
// reply and true, or writes an error status itself and returns false.
type ChatFunc func(w http.ResponseWriter, r *http.Request, req openai.ChatCompletionRequest) (reply string, ok bool)

// Server plays an OpenAI-compatible server for the real go-openai client:
// /v1/chat/completions, streamed (SSE data: lines ending in data: [DONE])
// or not, and /v1/embeddings. Set its fields before the first request;
// the Set methods change them while it runs.
type Server struct {
	// URL is the server's base URL, without /v1.
	URL string
	srv *httptest.Server

	mu     sync.Mutex
	chats  []openai.ChatCompletionRequest
	embeds []openai.EmbeddingRequestStrings

	// Chat writes the model's reply to a chat request; it may instead
	// write an error status. nil answers "OK".
	Chat ChatFunc
	// EmbedStatus, when set, gives the HTTP status for the n-th embeddings
	// request (0-based); 200 answers normally.
	EmbedStatus func(n int) int
	// EmbedHook, when set, runs inside each embeddings request before it
	// is answered.
	EmbedHook func(r *http.Request)
	// BeforePiece, when set, runs before each streamed delta with the
	// text streamed so far; false ends the reply there, as a server
	// whose client went away would. Tests hold a stream part-way with it.
	BeforePiece func(r *http.Request, sent string) bool
	// Pieces is how many characters each streamed delta carries.
	Pieces int
	// Dims, when positive, cuts every embedding to that many dimensions,
	// as another model served under the same name would.
	Dims int
	// Finish is the finish_reason of every answer, "stop" unless a test
	// changes it; "" sends none, as a server that gave up part-way would.
	Finish openai.FinishReason
}

// Key is the API key the server accepts; Client uses it.
const Key = "sk-test-not-a-real-key"

// New starts a Server that answers "OK" to every chat, in pieces of seven
// characters when streamed, and stops it when the test ends.
func New(t testing.TB) *Server {
	f := &Server{Pieces: 7, Finish: openai.FinishReasonStop}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/chat/completions", f.serveChat)
	mux.HandleFunc("POST /v1/embeddings", f.serveEmbeddings)
	f.srv = httptest.NewServer(f.auth(mux))
	f.URL = f.srv.URL
	t.Cleanup(f.srv.Close)
	return f
}

func (f *Server) auth(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+Key {
			APIError(w, http.StatusUnauthorized, "bad key")
			return
		}
		h.ServeHTTP(w, r)
	})
}

// Embedder returns an embed.OpenAI for model through f, with a 1 ms retry
// backoff and a discarded log unless opts sets them, so that tests of
// failures run fast and quiet.
func (f *Server) Embedder(model string, opts embed.OpenAIOptions) *embed.OpenAI {
	if opts.Backoff == 0 {
		opts.Backoff = time.Millisecond
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	return embed.NewOpenAI(f.Client(), model, opts)
}

// Client is a real go-openai client pointed at the server.
func (f *Server) Client() *openai.Client {
	cfg := openai.DefaultConfig(Key)
	cfg.BaseURL = f.srv.URL + "/v1"
	cfg.HTTPClient = f.srv.Client()
	return openai.NewClientWithConfig(cfg)
}

// APIError writes an OpenAI-style error reply with status.
func APIError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	fmt.Fprintf(w, `{"error":{"message":%q,"type":"test_error"}}`, msg)
}

func (f *Server) serveChat(w http.ResponseWriter, r *http.Request) {
	var req openai.ChatCompletionRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		APIError(w, http.StatusBadRequest, err.Error())
		return
	}
	f.mu.Lock()
	f.chats = append(f.chats, req)
	chat, pieces, finish, before := f.Chat, f.Pieces, f.Finish, f.BeforePiece
	f.mu.Unlock()
	reply, ok := "OK", true
	if chat != nil {
		reply, ok = chat(w, r, req)
	}
	if !ok {
		return
	}
	if !req.Stream {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(openai.ChatCompletionResponse{
			ID: "chatcmpl-test", Object: "chat.completion", Model: req.Model,
			Choices: []openai.ChatCompletionChoice{{
				Message:      openai.ChatCompletionMessage{Role: openai.ChatMessageRoleAssistant, Content: reply},
				FinishReason: finish,
			}},
		})
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	flusher := w.(http.Flusher)
	sent := ""
	for _, piece := range splitPieces(reply, pieces) {
		if before != nil && !before(r, sent) {
			return
		}
		sent += piece
		chunk := openai.ChatCompletionStreamResponse{
			ID: "chatcmpl-test", Object: "chat.completion.chunk", Model: req.Model,
			Choices: []openai.ChatCompletionStreamChoice{{Delta: openai.ChatCompletionStreamChoiceDelta{Content: piece}}},
		}
		b, _ := json.Marshal(chunk)
		fmt.Fprintf(w, "data: %s\n\n", b)
		flusher.Flush()
	}
	if finish != "" {
		// The last chunk says why the model stopped, as OpenAI's does.
		b, _ := json.Marshal(openai.ChatCompletionStreamResponse{
			ID: "chatcmpl-test", Object: "chat.completion.chunk", Model: req.Model,
			Choices: []openai.ChatCompletionStreamChoice{{FinishReason: finish}},
		})
		fmt.Fprintf(w, "data: %s\n\n", b)
	}
	fmt.Fprint(w, "data: [DONE]\n\n")
	flusher.Flush()
}

// SetFinish sets the finish_reason of later answers.
func (f *Server) SetFinish(r openai.FinishReason) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.Finish = r
}

func splitPieces(s string, n int) []string {
	var out []string
	r := []rune(s)
	for len(r) > 0 {
		k := min(n, len(r))
		out = append(out, string(r[:k]))
		r = r[k:]
	}
	return out
}

func (f *Server) serveEmbeddings(w http.ResponseWriter, r *http.Request) {
	var req openai.EmbeddingRequestStrings
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		APIError(w, http.StatusBadRequest, err.Error())
		return
	}
	f.mu.Lock()
	n := len(f.embeds)
	f.embeds = append(f.embeds, req)
	hook, statusOf, dims := f.EmbedHook, f.EmbedStatus, f.Dims
	f.mu.Unlock()
	if hook != nil {
		hook(r)
	}
	if statusOf != nil {
		if status := statusOf(n); status != http.StatusOK {
			APIError(w, status, "try again")
			return
		}
	}
	resp := openai.EmbeddingResponse{Object: "list", Model: openai.EmbeddingModel(req.Model)}
	// Answer in reverse order: the index field, not the position, says
	// which input a vector belongs to.
	for i := len(req.Input) - 1; i >= 0; i-- {
		v := Vector(string(req.Model), req.Input[i])
		if dims > 0 {
			v = v[:dims]
		}
		resp.Data = append(resp.Data, openai.Embedding{Object: "embedding", Index: i, Embedding: v})
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(resp)
}

// Vector is a bag-of-words vector, deliberately not unit length, that
// depends on the model name, as real models' vectors do.
func Vector(model, text string) []float32 {
	v := make([]float32, 64)
	for _, w := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9')
	}) {
		h := fnv.New64a()
		h.Write([]byte(model + "/" + w))
		v[h.Sum64()%64] += 3
	}
	v[0] += 0.5 // never a zero vector
	return v
}

// Norm is the Euclidean length of v.
func Norm(v []float32) float64 {
	var s float64
	for _, x := range v {
		s += float64(x) * float64(x)
	}
	return math.Sqrt(s)
}

// SetChat replaces the model while the server runs.
func (f *Server) SetChat(chat ChatFunc) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.Chat = chat
}

// SetEmbedStatus replaces EmbedStatus while the server runs.
func (f *Server) SetEmbedStatus(status func(n int) int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.EmbedStatus = status
}

// ChatRequests returns the chat requests received so far.
func (f *Server) ChatRequests() []openai.ChatCompletionRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]openai.ChatCompletionRequest(nil), f.chats...)
}

// EmbedRequests returns the embeddings requests received so far.
func (f *Server) EmbedRequests() []openai.EmbeddingRequestStrings {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]openai.EmbeddingRequestStrings(nil), f.embeds...)
}

// PromptPassage is a passage as the model reads it in the prompt.
type PromptPassage struct {
	N      string // its number, as the model cites it
	Source string
	Text   string
}

var passageRE = regexp.MustCompile(`(?s)<passage-([0-9a-f]+) n="(\d+)" source="([^"]*)" title="[^"]*">\n(.*?)\n</passage-([0-9a-f]+)>`)

// PromptPassages reads the passages from a generation request the way a
// model would: the key is announced in the message, and only tags with
// that key count.
func PromptPassages(req openai.ChatCompletionRequest) []PromptPassage {
	user := LastUser(req)
	key := regexp.MustCompile(`The tag key is ([0-9a-f]+)\.`).FindStringSubmatch(user)
	if key == nil {
		return nil
	}
	var out []PromptPassage
	for _, m := range passageRE.FindAllStringSubmatch(user, -1) {
		if m[1] == key[1] && m[5] == key[1] {
			out = append(out, PromptPassage{N: m[2], Source: m[3], Text: m[4]})
		}
	}
	return out
}

// LastUser is the text of the request's last user message.
func LastUser(req openai.ChatCompletionRequest) string {
	for i := len(req.Messages) - 1; i >= 0; i-- {
		if req.Messages[i].Role == openai.ChatMessageRoleUser {
			return req.Messages[i].Content
		}
	}
	return ""
}

// SystemOf is the text of the request's system message.
func SystemOf(req openai.ChatCompletionRequest) string {
	for _, m := range req.Messages {
		if m.Role == openai.ChatMessageRoleSystem {
			return m.Content
		}
	}
	return ""
}

// IsRewrite tells a follow-up rewriting request from an answering one.
func IsRewrite(req openai.ChatCompletionRequest) bool {
	return strings.Contains(SystemOf(req), "rewrite follow-up questions")
}

// CitingModel answers like a well-behaved model: it finds the passage
// that contains want and states it with that passage's number, plus any
// extra text the test asks for.
func CitingModel(want, answer string) ChatFunc {
	return func(w http.ResponseWriter, r *http.Request, req openai.ChatCompletionRequest) (string, bool) {
		for _, p := range PromptPassages(req) {
			if strings.Contains(p.Text, want) {
				return strings.ReplaceAll(answer, "{n}", p.N), true
			}
		}
		return "NOT_COVERED\nThe sources do not cover this question.", true
	}
}

// SetDims replaces Dims while the server runs.
func (f *Server) SetDims(n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.Dims = n
}
