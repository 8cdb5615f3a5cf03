package main

import (
	"encoding/json"
	"io"
	"net/http"
	"testing"
)

// TestServeExampleQuestion checks the example the page (and the chat help)
// suggests, and the questions Slack offers as prompts, end to end: made from the loaded documents by default, the
// configured ones first when CITEBOT_EXAMPLE_QUESTIONS is set.
func TestServeExampleQuestion(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"made from the embedded articles", nil, "What is the Ottawa Convention?"},
		{"configured", map[string]string{"CITEBOT_EXAMPLE_QUESTIONS": "Which countries left the treaty?"}, "Which countries left the treaty?"},
		{"several configured", map[string]string{"CITEBOT_EXAMPLE_QUESTIONS": "Who wrote the letter, and when? | Which countries left the treaty?"}, "Who wrote the letter, and when?"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := map[string]string{"CITEBOT_ADDR": "127.0.0.1:0", "CITEBOT_DATA_DIR": t.TempDir()}
			for k, v := range tt.env {
				env[k] = v
			}
			srv := startApp(t, loadEnv(t, env), io.Discard)
			<-srv.ready
			resp, err := http.Get(srv.URL + "/v1/example")
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var body struct {
				Question string `json:"question"`
			}
			if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || resp.StatusCode != http.StatusOK {
				t.Fatalf("got %d, %v", resp.StatusCode, err)
			}
			if body.Question != tt.want {
				t.Errorf("got %q, want %q", body.Question, tt.want)
			}
			// Slack's assistant threads suggest the same question first,
			// then more made from the documents.
			if qs := srv.app.exampleQuestions(); len(qs) < 2 || qs[0] != tt.want || qs[len(qs)-1] != "What are the Baltic States?" {
				t.Errorf("suggested prompts: got %q, want %q first and the documents' questions after", qs, tt.want)
			}
		})
	}
}
