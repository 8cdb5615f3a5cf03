package retrieval_test

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"math"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"

	openai "github.com/sashabaranov/go-openai"
)

// fakeOpenAI plays an OpenAI-compatible server for the real go-openai
// client: /v1/chat/completions, streamed (SSE data: lines ending in
// data: [DONE]) or not, and /v1/embeddings. Tests give it a model: a
// function from the request to the reply, which may read the prompt.
type fakeOpenAI struct {
	srv *httptest.Server

	mu     sync.Mutex
	chats  []openai.ChatCompletionRequest
	embeds []openai.EmbeddingRequestStrings

	// chat writes the model's reply to a chat request; it may instead
	// write an error status. nil answers "OK".
	chat func(w http.ResponseWriter, r *http.Request, req openai.ChatCompletionRequest) (reply string, ok bool)
	// embedStatus, when set, gives the HTTP status for the n-th embeddings
	// request (0-based); 200 answers normally.
	embedStatus func(n int) int
	// embedHook, when set, runs inside each embeddings request before it
	// is answered.
	embedHook func(r *http.Request)
	// pieces is how many characters each streamed delta carries.
	pieces int
	// dims, when positive, cuts every embedding to that many dimensions,
	// as another model served under the same name would.
	dims int
	// finish is the finish_reason of every answer, "stop" unless a test
	// changes it; "" sends none, as a server that gave up part-way would.
	finish openai.FinishReason
}

const fakeKey = "sk-test-not-a-real-key"

func newFakeOpenAI(t testing.TB) *fakeOpenAI {
	f := &fakeOpenAI{pieces: 7, finish: openai.FinishReasonStop}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/chat/completions", f.serveChat)
	mux.HandleFunc("POST /v1/embeddings", f.serveEmbeddings)
	f.srv = httptest.NewServer(f.auth(mux))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeOpenAI) auth(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+fakeKey {
			apiError(w, http.StatusUnauthorized, "bad key")
			return
		}
		h.ServeHTTP(w, r)
	})
}

// client is a real go-openai client pointed at the fake.
func (f *fakeOpenAI) client() *openai.Client {
	cfg := openai.DefaultConfig(fakeKey)
	cfg.BaseURL = f.srv.URL + "/v1"
	cfg.HTTPClient = f.srv.Client()
	return openai.NewClientWithConfig(cfg)
}

func apiError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	fmt.Fprintf(w, `{"error":{"message":%q,"type":"test_error"}}`, msg)
}

func (f *fakeOpenAI) serveChat(w http.ResponseWriter, r *http.Request) {
	var req openai.ChatCompletionRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		apiError(w, http.StatusBadRequest, err.Error())
		return
	}
	f.mu.Lock()
	f.chats = append(f.chats, req)
	chat, pieces, finish := f.chat, f.pieces, f.finish
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
	for _, piece := range splitPieces(reply, pieces) {
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

// setFinish sets the finish_reason of later answers.
func (f *fakeOpenAI) setFinish(r openai.FinishReason) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.finish = r
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

func (f *fakeOpenAI) serveEmbeddings(w http.ResponseWriter, r *http.Request) {
	var req openai.EmbeddingRequestStrings
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		apiError(w, http.StatusBadRequest, err.Error())
		return
	}
	f.mu.Lock()
	n := len(f.embeds)
	f.embeds = append(f.embeds, req)
	hook, statusOf, dims := f.embedHook, f.embedStatus, f.dims
	f.mu.Unlock()
	if hook != nil {
		hook(r)
	}
	if statusOf != nil {
		if status := statusOf(n); status != http.StatusOK {
			apiError(w, status, "try again")
			return
		}
	}
	resp := openai.EmbeddingResponse{Object: "list", Model: openai.EmbeddingModel(req.Model)}
	// Answer in reverse order: the index field, not the position, says
	// which input a vector belongs to.
	for i := len(req.Input) - 1; i >= 0; i-- {
		v := fakeVector(string(req.Model), req.Input[i])
		if dims > 0 {
			v = v[:dims]
		}
		resp.Data = append(resp.Data, openai.Embedding{Object: "embedding", Index: i, Embedding: v})
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(resp)
}

// fakeVector is a bag-of-words vector, deliberately not unit length, that
// depends on the model name, as real models' vectors do.
func fakeVector(model, text string) []float32 {
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

func norm(v []float32) float64 {
	var s float64
	for _, x := range v {
		s += float64(x) * float64(x)
	}
	return math.Sqrt(s)
}

// setChat replaces the model while the server runs.
func (f *fakeOpenAI) setChat(chat func(http.ResponseWriter, *http.Request, openai.ChatCompletionRequest) (string, bool)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.chat = chat
}

// setEmbedStatus replaces embedStatus while the server runs.
func (f *fakeOpenAI) setEmbedStatus(status func(n int) int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.embedStatus = status
}

func (f *fakeOpenAI) chatRequests() []openai.ChatCompletionRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]openai.ChatCompletionRequest(nil), f.chats...)
}

func (f *fakeOpenAI) embedRequests() []openai.EmbeddingRequestStrings {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]openai.EmbeddingRequestStrings(nil), f.embeds...)
}

// promptPassage is a passage as the model reads it in the prompt.
type promptPassage struct {
	n      string
	source string
	text   string
}

var passageRE = regexp.MustCompile(`(?s)<passage-([0-9a-f]+) n="(\d+)" source="([^"]*)" title="[^"]*">\n(.*?)\n</passage-([0-9a-f]+)>`)

// promptPassages reads the passages from a generation request the way a
// model would: the key is announced in the message, and only tags with
// that key count.
func promptPassages(req openai.ChatCompletionRequest) []promptPassage {
	user := lastUser(req)
	key := regexp.MustCompile(`The tag key is ([0-9a-f]+)\.`).FindStringSubmatch(user)
	if key == nil {
		return nil
	}
	var out []promptPassage
	for _, m := range passageRE.FindAllStringSubmatch(user, -1) {
		if m[1] == key[1] && m[5] == key[1] {
			out = append(out, promptPassage{n: m[2], source: m[3], text: m[4]})
		}
	}
	return out
}

func lastUser(req openai.ChatCompletionRequest) string {
	for i := len(req.Messages) - 1; i >= 0; i-- {
		if req.Messages[i].Role == openai.ChatMessageRoleUser {
			return req.Messages[i].Content
		}
	}
	return ""
}

func systemOf(req openai.ChatCompletionRequest) string {
	for _, m := range req.Messages {
		if m.Role == openai.ChatMessageRoleSystem {
			return m.Content
		}
	}
	return ""
}

// isRewrite tells a follow-up rewriting request from an answering one.
func isRewrite(req openai.ChatCompletionRequest) bool {
	return strings.Contains(systemOf(req), "rewrite follow-up questions")
}

// citingModel answers like a well-behaved model: it finds the passage
// that contains want and states it with that passage's number, plus any
// extra text the test asks for.
func citingModel(want, answer string) func(http.ResponseWriter, *http.Request, openai.ChatCompletionRequest) (string, bool) {
	return func(w http.ResponseWriter, r *http.Request, req openai.ChatCompletionRequest) (string, bool) {
		for _, p := range promptPassages(req) {
			if strings.Contains(p.text, want) {
				return strings.ReplaceAll(answer, "{n}", p.n), true
			}
		}
		return "NOT_COVERED\nThe sources do not cover this question.", true
	}
}
