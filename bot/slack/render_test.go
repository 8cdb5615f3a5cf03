package slack

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/citebot/citebot"
	"github.com/citebot/citebot/bot"
)

func sampleAnswer() citebot.Answer {
	return citebot.Answer{
		Question: "when?",
		Text:     "Estonia ratified the treaty in **2004** [1].",
		Answered: true,
		Citations: []citebot.Citation{
			{Source: "000_a.txt", Title: "Mine ban", Quote: "Estonia ratified the convention in 2004 <!channel> & more."},
			{Source: "001_b.txt", Title: "001_b.txt", Quote: "Another passage."},
		},
	}
}

// allText concatenates the text of every text object in msgs.
func allText(t *testing.T, msgs []message) string {
	t.Helper()
	var b strings.Builder
	for _, m := range msgs {
		raw, err := json.Marshal(m.Blocks)
		if err != nil {
			t.Fatal(err)
		}
		b.Write(raw)
	}
	// Block types marshal themselves with HTML escaping; undo it so tests
	// see the text Slack will see.
	return strings.NewReplacer(`\u0026`, "&", `\u003c`, "<", `\u003e`, ">").Replace(b.String())
}

// checkLimits fails if any message breaks a Block Kit limit we rely on.
func checkLimits(t *testing.T, msgs []message) {
	t.Helper()
	for i, m := range msgs {
		if len(m.Blocks) > maxBlocks {
			t.Errorf("message %d: %d blocks, limit %d", i, len(m.Blocks), maxBlocks)
		}
		for _, b := range m.Blocks {
			switch b := b.(type) {
			case *slack.SectionBlock:
				if n := utf8.RuneCountInString(b.Text.Text); n > maxSectionRunes || n == 0 {
					t.Errorf("message %d: section of %d runes", i, n)
				}
				if err := wellFormedMrkdwn(b.Text.Text); err != nil {
					t.Errorf("message %d: section %q: %v", i, clip(b.Text.Text), err)
				}
			case *slack.ContextBlock:
				if n := len(b.ContextElements.Elements); n > maxContextElements {
					t.Errorf("message %d: context with %d elements", i, n)
				}
				for _, e := range b.ContextElements.Elements {
					tx := e.(*slack.TextBlockObject).Text
					if n := utf8.RuneCountInString(tx); n > maxSectionRunes {
						t.Errorf("message %d: context text of %d runes", i, n)
					}
				}
			}
		}
	}
}

func TestRenderAnswer(t *testing.T) {
	msgs := renderAnswer(sampleAnswer(), renderOptions{FeedbackValue: `{"id":"x"}`})
	if len(msgs) != 1 {
		t.Fatalf("got %d messages, want 1", len(msgs))
	}
	checkLimits(t, msgs)
	blocks := msgs[0].Blocks
	sec, ok := blocks[0].(*slack.SectionBlock)
	if !ok || sec.Text.Text != "Estonia ratified the treaty in *2004* [1]." {
		t.Errorf("first block: got %#v, want the answer converted to mrkdwn", blocks[0])
	}
	if !sec.Text.Verbatim {
		t.Error("answer text not verbatim: Slack would link-ify @here and URLs in it")
	}
	text := allText(t, msgs)
	for _, want := range []string{"Sources", "*[1]* `000_a.txt` · Mine ban", "&lt;!channel&gt; &amp; more", "*[2]* `001_b.txt`\\n“Another passage.”"} {
		if !strings.Contains(text, want) {
			t.Errorf("rendered blocks lack %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "<!channel>") {
		t.Error("corpus text reached Slack unescaped")
	}
	if strings.Contains(text, "Not found") {
		t.Error("an answer is labelled as not found")
	}
	last := blocks[len(blocks)-1]
	if last.ID() != feedbackBlockID || last.BlockType() != slack.MBTAction {
		t.Errorf("last block: got %s %q, want the feedback actions", last.BlockType(), last.ID())
	}
	if got, want := msgs[0].Text, "Estonia ratified the treaty in **2004** [1]."; got != want {
		t.Errorf("fallback text: got %q, want %q", got, want)
	}
}

func TestRenderNotFoundLooksDifferent(t *testing.T) {
	ans := citebot.Answer{Text: "I couldn't find that in the corpus.", Answered: false,
		Citations: []citebot.Citation{{Source: "003_c.txt", Quote: "near miss"}}}
	text := allText(t, renderAnswer(ans, renderOptions{}))
	for _, want := range []string{":grey_question: *Not found in the corpus*", "Closest passages"} {
		if !strings.Contains(text, want) {
			t.Errorf("not-found rendering lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, ":books: *Sources*") {
		t.Error("near misses are labelled as sources")
	}
	if empty := allText(t, renderAnswer(citebot.Answer{}, renderOptions{})); !strings.Contains(empty, "I couldn't find that in the corpus.") {
		t.Errorf("empty not-found answer: got %s", empty)
	}
}

func TestRenderSplitsAtSlackLimits(t *testing.T) {
	var cites []citebot.Citation
	for i := range 230 {
		cites = append(cites, citebot.Citation{Source: fmt.Sprintf("%03d.txt", i), Title: strings.Repeat("T", 400), Quote: strings.Repeat("q ", 400)})
	}
	long := strings.Repeat("A sentence with <angle> & ampersand. ", 2000) // ~74k runes
	ans := citebot.Answer{Text: long, Answered: true, Citations: cites}
	msgs := renderAnswer(ans, renderOptions{FeedbackValue: "v", Question: "q?", AskedBy: "U1"})
	checkLimits(t, msgs)
	if len(msgs) < 2 {
		t.Fatalf("got %d messages, want several", len(msgs))
	}
	buttons := 0
	for i, m := range msgs {
		for _, b := range m.Blocks {
			if b.ID() == feedbackBlockID {
				buttons++
				if i != len(msgs)-1 {
					t.Errorf("buttons on message %d of %d", i+1, len(msgs))
				}
			}
		}
	}
	if buttons != 1 {
		t.Errorf("got %d button blocks, want 1", buttons)
	}
	if got, want := strings.Count(allText(t, msgs), "*["), len(cites); got != want {
		t.Errorf("got %d citations rendered, want %d", got, want)
	}
}

func TestChunkBlocksReservesButtonSlot(t *testing.T) {
	blocks := make([]slack.Block, maxBlocks)
	for i := range blocks {
		blocks[i] = slack.NewDividerBlock()
	}
	if got := len(chunkBlocks(blocks, true)); got != 2 {
		t.Errorf("with buttons: got %d messages, want 2", got)
	}
	if got := len(chunkBlocks(blocks, false)); got != 1 {
		t.Errorf("without buttons: got %d messages, want 1", got)
	}
}

func TestAcknowledgeFeedback(t *testing.T) {
	msgs := renderAnswer(sampleAnswer(), renderOptions{FeedbackValue: "v"})
	for _, v := range []bot.Verdict{bot.VerdictUp, bot.VerdictDown} {
		got, found := acknowledgeFeedback(msgs[0].Blocks, "U42", v)
		if !found {
			t.Fatal("buttons not found")
		}
		text := allText(t, []message{{Blocks: got}})
		if strings.Contains(text, feedbackActionUp) || !strings.Contains(text, "Thanks, <@U42>") {
			t.Errorf("%s: got %s, want buttons replaced by thanks", v, text)
		}
		if len(got) != len(msgs[0].Blocks) {
			t.Errorf("got %d blocks, want %d", len(got), len(msgs[0].Blocks))
		}
	}
	if _, found := acknowledgeFeedback([]slack.Block{slack.NewDividerBlock()}, "U42", bot.VerdictUp); found {
		t.Error("found buttons where there are none")
	}
}

func TestRenderShowsEachQuoteOnce(t *testing.T) {
	quote := "Lithuania and Belarus ratified the convention in 2003, Estonia in 2004."
	cite := []citebot.Citation{{Source: "000_a.txt", Title: "Mine ban", Quote: quote}, {Source: "001_b.txt", Quote: "Another passage."}}
	tests := []struct {
		name      string
		ans       citebot.Answer
		wantLead  string
		wantQuote string // where the quote shows: "answer" or "source"
	}{
		{"lead and quote", citebot.Answer{Text: "2004. " + quote + " [1]", Lead: "2004", Answered: true, Citations: cite},
			"*2004* [1]", "source"},
		{"quote is the answer", citebot.Answer{Text: quote + " [1]", Answered: true, Citations: cite},
			quote + " [1]", "answer"},
		{"written answer", citebot.Answer{Text: "Estonia ratified it in **2004** [1].", Answered: true, Citations: cite},
			"Estonia ratified it in *2004* [1].", "source"},
		{"quote over two lines", citebot.Answer{Text: "2004.\n" + strings.Replace(quote, " in 2003", "\nin 2003", 1) + " [1]", Lead: "2004", Answered: true, Citations: cite},
			"*2004* [1]", "source"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msgs := renderAnswer(tt.ans, renderOptions{})
			checkLimits(t, msgs)
			lead := msgs[0].Blocks[0].(*slack.SectionBlock).Text.Text
			if lead != tt.wantLead {
				t.Errorf("lead: got %q, want %q", lead, tt.wantLead)
			}
			text := allText(t, msgs)
			if got := strings.Count(text, strings.TrimSuffix(quote, ".")); got != 1 {
				t.Errorf("the quote shows %d times, want once:\n%s", got, text)
			}
			inAnswer := strings.Contains(lead, strings.TrimSuffix(quote, "."))
			if (tt.wantQuote == "answer") != inAnswer {
				t.Errorf("quote in the answer: got %v, want it in the %s", inAnswer, tt.wantQuote)
			}
			if !strings.Contains(text, "“Another passage.”") {
				t.Errorf("a source the answer does not quote lost its quote:\n%s", text)
			}
			if msgs[0].Text != escapeMrkdwn(tt.ans.Text) {
				t.Errorf("fallback text: got %q, want the whole answer", msgs[0].Text)
			}
		})
	}
}

func TestRenderNamesPDFPage(t *testing.T) {
	ans := sampleAnswer()
	ans.Citations[0].Source, ans.Citations[0].Page = "reports/q3.pdf", 4
	text := allText(t, renderAnswer(ans, renderOptions{}))
	for _, want := range []string{"*[1]* `reports/q3.pdf`, p. 4 · Mine ban", "*[2]* `001_b.txt`\\n"} {
		if !strings.Contains(text, want) {
			t.Errorf("rendered blocks lack %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "001_b.txt`, p.") {
		t.Errorf("a source without pages got a page:\n%s", text)
	}
}
