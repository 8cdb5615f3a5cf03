package web_test

import (
	"bufio"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/citebot/citebot"
	"github.com/citebot/citebot/bot/web"
	"github.com/citebot/citebot/internal/fakeopenai"
	"github.com/citebot/citebot/retrieval/generate"
)

// streamingModel plays an OpenAI-compatible chat server for the real
// go-openai client. It streams an answer of two sentences that cite the
// passage holding "Estonia in 2004", and holds back the second until the
// test has received a delta over SSE, which shows that citebot streams
// rather than buffers. (citebot shows a sentence once the next one begins,
// when its citations are known.)
func streamingModel(t *testing.T, gate <-chan struct{}) *fakeopenai.Server {
	m := fakeopenai.New(t)
	m.Chat = fakeopenai.CitingModel("Estonia in 2004",
		"Estonia ratified the Ottawa Convention in 2004 [{n}]. Its ratification came in 2004 [{n}].")
	m.BeforePiece = func(r *http.Request, sent string) bool {
		if !strings.Contains(sent, "]. Its") {
			return true
		}
		select {
		case <-gate:
			return true
		case <-r.Context().Done():
			return false
		}
	}
	return m
}

type sseEvent struct {
	name string
	data map[string]any
}

// readEvents reads SSE events from body, calling each as it arrives.
func readEvents(t *testing.T, body io.Reader, each func(sseEvent)) []sseEvent {
	t.Helper()
	var out []sseEvent
	sc := bufio.NewScanner(body)
	var ev sseEvent
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "event: "):
			ev.name = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "data: "):
			if err := json.Unmarshal([]byte(strings.TrimPrefix(line, "data: ")), &ev.data); err != nil {
				t.Fatalf("event data is not JSON: %q", line)
			}
		case line == "":
			out = append(out, ev)
			each(ev)
			ev = sseEvent{}
		}
	}
	return out
}

func postStream(t *testing.T, srv *httptest.Server, body string, accept bool) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, srv.URL+"/v1/ask", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if accept {
		req.Header.Set("Accept", "text/event-stream")
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

func TestAskStreamsDeltasThenCitations(t *testing.T) {
	gate := make(chan struct{})
	model := streamingModel(t, gate)
	gen := generate.New(newEngine(t), model.Client(), "test-model",
		generate.Options{Logger: slog.New(slog.DiscardHandler)})
	s := web.New(web.Options{})
	s.SetAnswerer(gen)
	srv := httptest.NewServer(s)
	defer srv.Close()

	resp := postStream(t, srv, `{"question":"when did Estonia ratify Ottawa?","stream":true}`, false)
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		t.Fatalf("got %d %s, want 200 text/event-stream", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	opened := false
	events := readEvents(t, resp.Body, func(ev sseEvent) {
		if ev.name == "delta" && !opened {
			opened = true
			close(gate) // the first words arrived before the model finished
		}
	})

	var text strings.Builder
	deltas := 0
	for i, ev := range events {
		switch ev.name {
		case "delta":
			deltas++
			text.WriteString(ev.data["text"].(string))
		case "answer":
			if i != len(events)-1 {
				t.Errorf("the answer event is not last")
			}
		default:
			t.Errorf("unexpected event %q %v", ev.name, ev.data)
		}
	}
	if deltas < 2 {
		t.Errorf("got %d delta events, want the answer in pieces", deltas)
	}
	final := events[len(events)-1]
	if final.name != "answer" {
		t.Fatalf("last event is %q, want answer", final.name)
	}
	want := "Estonia ratified the Ottawa Convention in 2004 [1]. Its ratification came in 2004 [1]."
	if text.String() != want || final.data["answer"] != want {
		t.Errorf("streamed %q, final %q; want both %q", text.String(), final.data["answer"], want)
	}
	if final.data["mode"] != citebot.ModeGenerative || final.data["answered"] != true {
		t.Errorf("final event %v, want a generative answer", final.data)
	}
	cites, _ := final.data["citations"].([]any)
	if len(cites) != 1 {
		t.Fatalf("got citations %v, want one", final.data["citations"])
	}
	c := cites[0].(map[string]any)
	if c["source"] != "000_2bc005b4439df7f9.txt" || !strings.Contains(c["quote"].(string), "Estonia in 2004") {
		t.Errorf("got citation %v, want the Estonia sentence from 000_2bc005b4439df7f9.txt", c)
	}
}

func TestAskStreamsOfflineEngine(t *testing.T) {
	s := web.New(web.Options{})
	s.SetAnswerer(newEngine(t))
	srv := httptest.NewServer(s)
	defer srv.Close()
	// Accept: text/event-stream asks for a stream without "stream": true.
	resp := postStream(t, srv, `{"question":"when did Estonia ratify Ottawa?"}`, true)
	events := readEvents(t, resp.Body, func(sseEvent) {})
	if len(events) != 2 || events[0].name != "delta" || events[1].name != "answer" {
		t.Fatalf("got events %v, want one delta and the answer", events)
	}
	if events[0].data["text"] != events[1].data["answer"] || !strings.Contains(events[1].data["answer"].(string), "2004") {
		t.Errorf("got %v, want the extractive answer with 2004 in both", events)
	}
	if events[1].data["mode"] != citebot.ModeExtractive {
		t.Errorf("mode %v, want extractive", events[1].data["mode"])
	}
}

func TestAskStreamErrorBeforeAnyEventIsJSON(t *testing.T) {
	s := web.New(web.Options{Logger: slog.New(slog.DiscardHandler)})
	s.SetAnswerer(failing{errors.New("index exploded")})
	srv := httptest.NewServer(s)
	defer srv.Close()
	resp := postStream(t, srv, `{"question":"when?","stream":true}`, false)
	if resp.StatusCode != http.StatusInternalServerError || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		t.Errorf("got %d %s, want a 500 JSON error", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	var body map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || body["error"] == "" {
		t.Errorf("got %v (%v), want a JSON error", body, err)
	}
}
