package slack

import (
	"strings"
	"sync/atomic"
	"testing"
)

// TestHelpShowsTheCorpusExample checks that the slash-command and mention
// help show the example the app gives once the index has loaded, escaped
// for mrkdwn, and never the seed articles' wording.
func TestHelpShowsTheCorpusExample(t *testing.T) {
	var example atomic.Value
	example.Store("")
	stub := &stubAnswerer{ans: sampleAnswer()}
	h := newHarness(t, stub, func(o *Options) {
		o.ExampleQuestion = func() string { return example.Load().(string) }
	})
	tests := []struct {
		loaded string
		want   string
	}{
		{"", "`/ask What do the documents say about …?`"},
		{"What is the Kestrel Street Bridge?", "`/ask What is the Kestrel Street Bridge?`"},
		{"Is <b> & `x` safe?", "`/ask Is &lt;b&gt; &amp; 'x' safe?`"},
	}
	for i, tt := range tests {
		example.Store(tt.loaded)
		reply := decodeReply(t, h.send(t, "/slack/commands", form, commandForm("/ask", "help", h.hooks.url("help"))))
		if !strings.Contains(reply.Text, tt.want) || strings.Contains(reply.Text, "Estonia") {
			t.Errorf("%d: slash help %q, want it to contain %q", i, reply.Text, tt.want)
		}
	}
	example.Store("What is the Kestrel Street Bridge?")
	h.send(t, "/slack/events", jsonType, eventJSON("EvHelp", mention("<@UBOT>", "2.1", "")))
	if c := h.slack.next(t); !strings.Contains(c.Text, "`/ask What is the Kestrel Street Bridge?`") {
		t.Errorf("mention help %q, want the corpus example", c.Text)
	}
	_ = h.a.Close()
	if q := stub.asked(); len(q) != 0 {
		t.Errorf("engine asked %v for help", q)
	}
	h.hooks.none(t)
}
