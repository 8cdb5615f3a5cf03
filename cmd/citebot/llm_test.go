package main

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/citebot/citebot"
	"github.com/citebot/citebot/config"
	"github.com/citebot/citebot/corpus"
	"github.com/citebot/citebot/internal/fakeopenai"
	"github.com/citebot/citebot/metrics"
	"github.com/citebot/citebot/retrieval"
)

// newModelServer plays an OpenAI-compatible server for the real go-openai
// client, whose chat answers cite the passage holding "Estonia in 2004".
// chatStatus, when not 200, fails chat.
func newModelServer(t *testing.T, chatStatus int) *fakeopenai.Server {
	m := fakeopenai.New(t)
	m.Chat = fakeopenai.CitingModel("Estonia in 2004", "Estonia ratified the Ottawa Convention in 2004 [{n}].")
	if chatStatus != http.StatusOK {
		m.Chat = func(w http.ResponseWriter, _ *http.Request, _ openai.ChatCompletionRequest) (string, bool) {
			fakeopenai.APIError(w, chatStatus, "model down")
			return "", false
		}
	}
	return m
}

func askWithModels(t *testing.T, m *fakeopenai.Server) (citebot.Answer, string) {
	t.Helper()
	t.Setenv("CITEBOT_DATA_DIR", t.TempDir())
	t.Setenv("CITEBOT_LOG_LEVEL", "info")
	t.Setenv("CITEBOT_LOG_FORMAT", "json")
	t.Setenv("OPENAI_BASE_URL", m.URL+"/v1")
	t.Setenv("OPENAI_API_KEY", fakeopenai.Key)
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
	var embedModels, chatModels []string
	for _, r := range m.EmbedRequests() {
		embedModels = append(embedModels, string(r.Model))
	}
	for _, r := range m.ChatRequests() {
		chatModels = append(chatModels, r.Model)
	}
	embeds, chats := strings.Join(embedModels, ","), strings.Join(chatModels, ",")
	if !strings.Contains(embeds, "embed-test") || strings.Trim(strings.ReplaceAll(embeds, "embed-test", ""), ",") != "" {
		t.Errorf("embedding requests used models %q, want embed-test only", embeds)
	}
	if chats != "chat-test" {
		t.Errorf("chat requests used models %q, want one with chat-test", chats)
	}
	if !strings.Contains(logs, `"msg":"answer mode","llm":"full"`) || !strings.Contains(logs, `"chat_model":"chat-test"`) {
		t.Errorf("the active mode is not logged:\n%s", logs)
	}
	if strings.Contains(logs, fakeopenai.Key) {
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
