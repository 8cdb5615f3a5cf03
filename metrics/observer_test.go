package metrics_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/citebot/citebot"
	"github.com/citebot/citebot/metrics"
)

// logLines decodes the JSON log lines in buf.
func logLines(t *testing.T, buf *bytes.Buffer) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		if line == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("log line is not JSON: %q", line)
		}
		out = append(out, m)
	}
	return out
}

func TestObserverWithEngine(t *testing.T) {
	var buf bytes.Buffer
	rec := &recorded{}
	o := metrics.NewObserver(metrics.ObserverOptions{Recorder: rec, Logger: slog.New(slog.NewJSONHandler(&buf, nil))})
	a := o.Wrap(engine(t), "slack")
	ctx := context.Background()

	ans, err := a.Answer(ctx, citebot.Question{Text: "when did Estonia ratify Ottawa?"})
	if err != nil || !strings.Contains(ans.Text, "2004") {
		t.Fatalf("got %+v, %v; want an answer with 2004", ans, err)
	}
	if _, err := a.Answer(ctx, citebot.Question{Text: "What is the capital of Australia?"}); err != nil {
		t.Fatal(err)
	}
	_, err = a.Answer(ctx, citebot.Question{Text: "   "})
	if !errors.Is(err, citebot.ErrEmptyQuestion) {
		t.Fatalf("got %v, want ErrEmptyQuestion passed through", err)
	}
	want := []string{"slack/answered", "slack/refused", "slack/invalid"}
	if strings.Join(rec.questions, " ") != strings.Join(want, " ") {
		t.Errorf("got questions %v, want %v", rec.questions, want)
	}
	if n := len(rec.stages[metrics.StageRetrieval]); n != 2 {
		t.Errorf("got %d retrieval timings, want 2 (one per successful answer)", n)
	}
	if n := len(rec.stages[metrics.StageGeneration]); n != 0 {
		t.Errorf("got %d generation timings offline, want 0", n)
	}

	lines := logLines(t, &buf)
	if len(lines) != 3 {
		t.Fatalf("got %d log lines, want one per question:\n%s", len(lines), buf.String())
	}
	ids := map[any]bool{}
	for _, l := range lines {
		id, _ := l["request_id"].(string)
		if !metrics.ValidRequestID(id) || len(id) != 16 {
			t.Errorf("request_id %q, want 16 hex digits", id)
		}
		ids[id] = true
		if l["adapter"] != "slack" || l["msg"] != "question" {
			t.Errorf("log line %v lacks adapter or message", l)
		}
		if _, ok := l["question"]; ok {
			t.Errorf("question text logged at info level: %v", l)
		}
	}
	if len(ids) != 3 {
		t.Errorf("request IDs not unique: %v", ids)
	}
	if lines[0]["outcome"] != "answered" || lines[0]["source"] != "000_2bc005b4439df7f9.txt" {
		t.Errorf("first line %v, want answered from 000_2bc005b4439df7f9.txt", lines[0])
	}
	if lines[2]["outcome"] != "invalid" || lines[2]["err"] == nil {
		t.Errorf("third line %v, want invalid with err", lines[2])
	}
}

func TestObserverKeepsRequestID(t *testing.T) {
	var buf bytes.Buffer
	o := metrics.NewObserver(metrics.ObserverOptions{Logger: slog.New(slog.NewJSONHandler(&buf, nil))})
	var seen string
	a := answerFunc(func(ctx context.Context, q citebot.Question) (citebot.Answer, error) {
		seen = metrics.RequestID(ctx)
		return citebot.Answer{Answered: true}, nil
	})
	ctx := metrics.WithRequestID(context.Background(), "req-42")
	if _, err := o.Answer(ctx, a, "web", citebot.Question{Text: "q?"}); err != nil {
		t.Fatal(err)
	}
	if seen != "req-42" {
		t.Errorf("answerer saw request ID %q, want req-42", seen)
	}
	if l := logLines(t, &buf); len(l) != 1 || l[0]["request_id"] != "req-42" {
		t.Errorf("got log %v, want request_id req-42", l)
	}
}

func TestObserverDebugLogsQuestion(t *testing.T) {
	var buf bytes.Buffer
	o := metrics.NewObserver(metrics.ObserverOptions{Logger: slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	if _, err := o.Answer(context.Background(), engine(t), "web", citebot.Question{Text: "when did Estonia ratify Ottawa?"}); err != nil {
		t.Fatal(err)
	}
	if l := logLines(t, &buf); len(l) != 1 || l[0]["question"] != "when did Estonia ratify Ottawa?" {
		t.Errorf("got %v, want the question text at debug level", l)
	}
}

type answerFunc func(context.Context, citebot.Question) (citebot.Answer, error)

func (f answerFunc) Answer(ctx context.Context, q citebot.Question) (citebot.Answer, error) {
	return f(ctx, q)
}

func TestObserverStagesAndFallback(t *testing.T) {
	rec := &recorded{}
	o := metrics.NewObserver(metrics.ObserverOptions{Recorder: rec, Logger: discard(), Generative: true})
	// A generator that reports its own stage and an LLM error, as the
	// language-model wiring does, then answers generatively.
	gen := answerFunc(func(ctx context.Context, q citebot.Question) (citebot.Answer, error) {
		metrics.ObserveStage(ctx, metrics.StageGeneration, time.Hour)
		return citebot.Answer{Answered: true, Mode: citebot.ModeGenerative}, nil
	})
	failed := answerFunc(func(ctx context.Context, q citebot.Question) (citebot.Answer, error) {
		metrics.ObserveLLMError(ctx, "chat")
		return citebot.Answer{Answered: true, Mode: citebot.ModeExtractive, Note: "model failed"}, nil
	})
	ctx := context.Background()
	if _, err := o.Answer(ctx, gen, "telegram", citebot.Question{Text: "q?"}); err != nil {
		t.Fatal(err)
	}
	if _, err := o.Answer(ctx, failed, "telegram", citebot.Question{Text: "q?"}); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(rec.questions, " "); got != "telegram/answered telegram/fallback" {
		t.Errorf("got %q, want answered then fallback", got)
	}
	if g := rec.stages[metrics.StageGeneration]; len(g) != 1 || g[0] != time.Hour {
		t.Errorf("generation timings %v, want [1h]", g)
	}
	// Retrieval is the rest of the answer: never negative.
	for _, d := range rec.stages[metrics.StageRetrieval] {
		if d < 0 {
			t.Errorf("negative retrieval time %v", d)
		}
	}
	if strings.Join(rec.llm, ",") != "chat" {
		t.Errorf("LLM errors %v, want [chat]", rec.llm)
	}
	// Outside an observed question these are no-ops, not panics.
	metrics.ObserveStage(ctx, metrics.StageGeneration, time.Second)
	metrics.ObserveLLMError(ctx, "embed")
}

func TestNilObserverPassesThrough(t *testing.T) {
	var o *metrics.Observer
	ans, err := o.Answer(context.Background(), engine(t), "web", citebot.Question{Text: "when did Estonia ratify Ottawa?"})
	if err != nil || !strings.Contains(ans.Text, "2004") {
		t.Errorf("got %+v %v", ans, err)
	}
	o.Cached(context.Background(), "web", citebot.Question{}, ans, 0)
}

func TestValidRequestID(t *testing.T) {
	tests := []struct {
		id   string
		want bool
	}{
		{"abc-123_X.y", true},
		{metrics.NewRequestID(), true},
		{strings.Repeat("a", 64), true},
		{"", false},
		{strings.Repeat("a", 65), false},
		{"a b", false},
		{"a\nb", false},
		{`a"b`, false},
		{"é", false},
	}
	for _, tt := range tests {
		if got := metrics.ValidRequestID(tt.id); got != tt.want {
			t.Errorf("ValidRequestID(%q) = %v, want %v", tt.id, got, tt.want)
		}
	}
}

func discard() *slog.Logger { return slog.New(slog.DiscardHandler) }

func TestWrapKeepsStreaming(t *testing.T) {
	rec := &recorded{}
	o := metrics.NewObserver(metrics.ObserverOptions{Recorder: rec, Logger: discard()})
	eng := engine(t)
	w, ok := o.Wrap(eng, "telegram").(citebot.StreamAnswerer)
	if !ok {
		t.Fatal("wrapping the engine hid AnswerStream")
	}
	var got strings.Builder
	ans, err := w.AnswerStream(context.Background(), citebot.Question{Text: "when did Estonia ratify Ottawa?"}, func(d string) { got.WriteString(d) })
	if err != nil || !strings.Contains(got.String(), "2004") || !strings.Contains(ans.Text, "2004") {
		t.Fatalf("streamed %q, answer %+v, err %v", got.String(), ans, err)
	}
	if strings.Join(rec.questions, " ") != "telegram/answered" {
		t.Errorf("streamed question recorded as %v, want telegram/answered", rec.questions)
	}
	// An answerer that cannot stream is not made to look as if it could.
	if _, ok := o.Wrap(answerFunc(func(context.Context, citebot.Question) (citebot.Answer, error) {
		return citebot.Answer{}, nil
	}), "slack").(citebot.StreamAnswerer); ok {
		t.Error("Wrap claims streaming for an answerer without AnswerStream")
	}
}

func TestWithRecorder(t *testing.T) {
	rec := &recorded{}
	ctx := metrics.WithRecorder(context.Background(), rec)
	metrics.ObserveLLMError(ctx, "embed") // as while embedding the corpus at ingest
	if strings.Join(rec.llm, ",") != "embed" {
		t.Errorf("LLM errors %v, want [embed]", rec.llm)
	}
	// A question asked under that ctx reports to its own Observer.
	own := &recorded{}
	o := metrics.NewObserver(metrics.ObserverOptions{Recorder: own, Logger: discard()})
	_, _ = o.Answer(ctx, answerFunc(func(ctx context.Context, q citebot.Question) (citebot.Answer, error) {
		metrics.ObserveLLMError(ctx, "chat")
		return citebot.Answer{Answered: true}, nil
	}), "web", citebot.Question{Text: "q?"})
	if strings.Join(own.llm, ",") != "chat" || len(rec.llm) != 1 {
		t.Errorf("question's LLM error went to %v / %v, want the Observer's recorder", own.llm, rec.llm)
	}
	if metrics.WithRecorder(context.Background(), nil) != context.Background() {
		t.Error("WithRecorder(nil) should leave ctx alone")
	}
}
