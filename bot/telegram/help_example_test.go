package telegram

import (
	"strings"
	"sync/atomic"
	"testing"
)

// TestHelpShowsTheCorpusExample checks that /help and an empty /ask show
// the example the app gives, which arrives once the index has loaded, and
// a generic one before.
func TestHelpShowsTheCorpusExample(t *testing.T) {
	var example atomic.Value
	example.Store("")
	eng := &recorder{Answerer: realEngine(t)}
	h := start(t, eng, Options{MaxConcurrent: 1, RatePerChat: Rate{Burst: -1},
		ExampleQuestion: func() string { return example.Load().(string) }}, nil)
	chat := privateChat(41)

	tests := []struct {
		loaded string // the example once the index is loaded; "" before
		text   string
		want   string
	}{
		{"", "/help", "/ask " + DefaultExampleQuestion},
		{"What is the Kestrel Street Bridge?", "/help", "/ask What is the Kestrel Street Bridge?"},
		{"What is the Kestrel Street Bridge?", "/ask", "/ask What is the Kestrel Street Bridge?"},
		{"Who founded <Acme> & Co?", "/help", "/ask Who founded &lt;Acme&gt; &amp; Co?"},
	}
	for i, tt := range tests {
		example.Store(tt.loaded)
		m := h.ask(textMessage(chat, 41, tt.text))
		c := h.waitReply(t, m.ID)
		if got := c.Params["text"]; !strings.Contains(got, tt.want) {
			t.Errorf("%d %q: reply %q, want it to contain %q", i, tt.text, got, tt.want)
		}
		if strings.Contains(c.Params["text"], "Estonia") {
			t.Errorf("%d %q: reply %q names the seed articles", i, tt.text, c.Params["text"])
		}
	}
	if n := len(eng.questions()); n != 0 {
		t.Errorf("engine asked %d questions, want none", n)
	}
}
