package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/citebot/citebot"
	"github.com/citebot/citebot/config"
	"github.com/citebot/citebot/corpus"
	"github.com/citebot/citebot/metrics"
	"github.com/citebot/citebot/retrieval"
)

const testAPIKey = "sk-test-0123456789abcdef"

// modelServer plays an OpenAI-compatible server for the real go-openai
// client: embeddings by hashed words, and chat answers that cite the
// passage holding "Estonia in 2004". chatStatus, when not 200, fails chat.
type modelServer struct {
	*httptest.Server
	mu         sync.Mutex
	embedModel []string
	chatModel  []string
	chatStatus int
}

var promptPassage = regexp.MustCompile(`(?s)<passage-[0-9a-f]+ n="(\d+)"[^>]*>\n(.*?)\n</passage-[0-9a-f]+>`)

func newModelServer(t *testing.T, chatStatus int) *modelServer {
	m := &modelServer{chatStatus: chatStatus}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/embeddings", func(w http.ResponseWriter, r *http.Request) {
		var req openai.EmbeddingRequestStrings
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil || r.Header.Get("Authorization") != "Bearer "+testAPIKey {
			http.Error(w, `{"error":{"message":"bad request"}}`, http.StatusBadRequest)
			return
		}
		m.mu.Lock()
		m.embedModel = append(m.embedModel, string(req.Model))
		m.mu.Unlock()
		resp := openai.EmbeddingResponse{Object: "list"}
		for i, text := range req.Input {
			v := make([]float32, 32)
			v[0] = 1
			for _, word := range strings.Fields(strings.ToLower(text)) {
				h := fnv.New32a()
				h.Write([]byte(word))
				v[h.Sum32()%32] += 2
			}
			resp.Data = append(resp.Data, openai.Embedding{Index: i, Embedding: v})
		}
		json.NewEncoder(w).Encode(resp)
	})
	mux.HandleFunc("POST /v1/chat/completions", func(w http.ResponseWriter, r *http.Request) {
		var req openai.ChatCompletionRequest
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			http.Error(w, `{"error":{"message":"bad request"}}`, http.StatusBadRequest)
			return
		}
		m.mu.Lock()
		m.chatModel = append(m.chatModel, req.Model)
		m.mu.Unlock()
		if m.chatStatus != http.StatusOK {
			w.WriteHeader(m.chatStatus)
			fmt.Fprint(w, `{"error":{"message":"model down"}}`)
			return
		}
		reply := "NOT_COVERED\nNo."
		for _, p := range promptPassage.FindAllStringSubmatch(req.Messages[len(req.Messages)-1].Content, -1) {
			if strings.Contains(p[2], "Estonia in 2004") {
				reply = "Estonia ratified the Ottawa Convention in 2004 [" + p[1] + "]."
				break
			}
		}
		json.NewEncoder(w).Encode(openai.ChatCompletionResponse{Choices: []openai.ChatCompletionChoice{{
			Message:      openai.ChatCompletionMessage{Role: openai.ChatMessageRoleAssistant, Content: reply},
			FinishReason: openai.FinishReasonStop,
		}}})
	})
	m.Server = httptest.NewServer(mux)
	t.Cleanup(m.Close)
	return m
}

func askWithModels(t *testing.T, m *modelServer) (citebot.Answer, string) {
	t.Helper()
	t.Setenv("CITEBOT_DATA_DIR", t.TempDir())
	t.Setenv("CITEBOT_LOG_LEVEL", "info")
	t.Setenv("CITEBOT_LOG_FORMAT", "json")
	t.Setenv("OPENAI_BASE_URL", m.URL+"/v1")
	t.Setenv("OPENAI_API_KEY", testAPIKey)
	t.Setenv("CITEBOT_CHAT_MODEL", "chat-test")
	t.Setenv("CITEBOT_EMBED_MODEL", "embed-test")
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"ask", "--json", "when did Estonia ratify Ottawa?"}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var ans citebot.Answer
	if err := json.Unmarshal(out.Bytes(), &ans); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out.String())
	}
	return ans, errb.String()
}

func TestAskWithModels(t *testing.T) {
	m := newModelServer(t, http.StatusOK)
	ans, logs := askWithModels(t, m)
	if ans.Mode != citebot.ModeGenerative || ans.Text != "Estonia ratified the Ottawa Convention in 2004 [1]." {
		t.Errorf("got %q (%s), want the model's answer", ans.Text, ans.Mode)
	}
	if len(ans.Citations) != 1 || ans.Citations[0].Source != "000_2bc005b4439df7f9.txt" {
		t.Errorf("got citations %+v", ans.Citations)
	}
	m.mu.Lock()
	embeds, chats := strings.Join(m.embedModel, ","), strings.Join(m.chatModel, ",")
	m.mu.Unlock()
	if !strings.Contains(embeds, "embed-test") || strings.Trim(strings.ReplaceAll(embeds, "embed-test", ""), ",") != "" {
		t.Errorf("embedding requests used models %q, want embed-test only", embeds)
	}
	if chats != "chat-test" {
		t.Errorf("chat requests used models %q, want one with chat-test", chats)
	}
	if !strings.Contains(logs, `"msg":"answer mode","llm":"full"`) || !strings.Contains(logs, `"chat_model":"chat-test"`) {
		t.Errorf("the active mode is not logged:\n%s", logs)
	}
	if strings.Contains(logs, testAPIKey) {
		t.Errorf("the API key was logged")
	}
}

func TestAskFallsBackWhenTheModelFails(t *testing.T) {
	m := newModelServer(t, http.StatusInternalServerError)
	ans, logs := askWithModels(t, m)
	if ans.Mode != citebot.ModeExtractive || ans.Note == "" || !strings.Contains(ans.Text, "2004") {
		t.Errorf("got %+v, want the extractive answer with 2004 and a note", ans)
	}
	if !strings.Contains(logs, "answering extractively") {
		t.Errorf("the fallback is not logged:\n%s", logs)
	}
}

func TestAskLogsOfflineMode(t *testing.T) {
	t.Setenv("CITEBOT_DATA_DIR", t.TempDir())
	t.Setenv("CITEBOT_LOG_LEVEL", "info")
	t.Setenv("CITEBOT_LOG_FORMAT", "json")
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"ask", "when did Estonia ratify Ottawa?"}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if !strings.Contains(errb.String(), `"msg":"answer mode","llm":"offline"`) {
		t.Errorf("the offline mode is not logged:\n%s", errb.String())
	}
}

func TestRedactURL(t *testing.T) {
	if got := redactURL("https://user:secret@llm.example/v1?key=abc"); strings.Contains(got, "secret") || strings.Contains(got, "abc") {
		t.Errorf("redactURL leaked a secret: %q", got)
	}
}

// countingRecorder counts the questions the Observer records.
type countingRecorder struct {
	metrics.Nop
	mu sync.Mutex
	qs []string
}

func (r *countingRecorder) Question(adapter string, outcome metrics.Outcome, _ time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.qs = append(r.qs, adapter+"/"+string(outcome))
}

func TestObserveStreamsKeepsStreamingAndMetrics(t *testing.T) {
	ctx := context.Background()
	docs, _, err := corpus.Load(ctx, corpus.Default(), corpus.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	eng, err := retrieval.NewEngine(ctx, docs, retrieval.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	rec := &countingRecorder{}
	obs := metrics.NewObserver(metrics.ObserverOptions{Recorder: rec, Logger: slog.New(slog.DiscardHandler)})
	a := observeStreams(obs, eng, "slack")
	var streamed strings.Builder
	ans, err := a.AnswerStream(ctx, citebot.Question{Text: "when did Estonia ratify Ottawa?"}, func(d string) { streamed.WriteString(d) })
	if err != nil || streamed.String() != ans.Text || !strings.Contains(ans.Text, "2004") {
		t.Errorf("streamed %q, answer %q, err %v; want the answer streamed", streamed.String(), ans.Text, err)
	}
	if _, err := a.Answer(ctx, citebot.Question{Text: "when did Estonia ratify Ottawa?"}); err != nil {
		t.Fatal(err)
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if got := strings.Join(rec.qs, ","); got != "slack/answered,slack/answered" {
		t.Errorf("recorded %q, want both questions", got)
	}
}

func TestChatStreamInterval(t *testing.T) {
	if got := chatStreamInterval(config.LLM{}, time.Second); got != 0 {
		t.Errorf("offline: got %v, want 0", got)
	}
	if got := chatStreamInterval(config.LLM{ChatModel: "m"}, time.Second); got != time.Second {
		t.Errorf("with a chat model: got %v, want 1s", got)
	}
}
