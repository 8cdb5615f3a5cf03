package web_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/citebot/citebot/bot"
	"github.com/citebot/citebot/bot/web"
)

func TestExampleQuestion(t *testing.T) {
	loaded := func() string { return "What is the Kestrel Street Bridge?" }
	tests := []struct {
		name       string
		opts       web.Options
		token      string
		wantStatus int
		want       string
	}{
		{"none configured", web.Options{}, "", http.StatusOK, bot.GenericExample},
		{"index still loading", web.Options{ExampleQuestion: func() string { return "" }}, "", http.StatusOK, bot.GenericExample},
		{"from the corpus", web.Options{ExampleQuestion: loaded}, "", http.StatusOK, "What is the Kestrel Street Bridge?"},
		{"token required", web.Options{ExampleQuestion: loaded, APIToken: "tok-0123456789"}, "", http.StatusUnauthorized, ""},
		{"token given", web.Options{ExampleQuestion: loaded, APIToken: "tok-0123456789"}, "tok-0123456789", http.StatusOK, "What is the Kestrel Street Bridge?"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opts.Logger = discard()
			s := web.New(tt.opts)
			r := httptest.NewRequest(http.MethodGet, "/v1/example", nil)
			if tt.token != "" {
				r.Header.Set("Authorization", "Bearer "+tt.token)
			}
			w := httptest.NewRecorder()
			s.ServeHTTP(w, r)
			if w.Code != tt.wantStatus {
				t.Fatalf("got status %d, want %d: %s", w.Code, tt.wantStatus, w.Body)
			}
			if tt.wantStatus != http.StatusOK {
				return
			}
			var body struct {
				Question string `json:"question"`
			}
			if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
				t.Fatal(err)
			}
			if body.Question != tt.want {
				t.Errorf("got %q, want %q", body.Question, tt.want)
			}
		})
	}
}
