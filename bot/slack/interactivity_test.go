package slack

import (
	"bufio"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/citebot/citebot/bot"
)

// clickPayload is a block_actions payload for a click on one of our
// buttons in message 1.1 of C1.
func clickPayload(user, actionID, value, responseURL string, extra ...func(map[string]any)) string {
	p := map[string]any{
		"type":       "block_actions",
		"token":      "legacy-verification-token",
		"api_app_id": "A1",
		"trigger_id": newTriggerID(),
		"user":       map[string]any{"id": user, "username": "ann", "team_id": "T1"},
		"team":       map[string]any{"id": "T1", "domain": "example"},
		"channel":    map[string]any{"id": "C1", "name": "general"},
		"container":  map[string]any{"type": "message", "message_ts": "1.1", "channel_id": "C1", "is_ephemeral": false},
		"message":    map[string]any{"type": "message", "ts": "1.1", "bot_id": "B1", "text": "the answer"},
		"actions": []map[string]any{{
			"type": "button", "action_id": actionID, "block_id": feedbackBlockID, "value": value, "action_ts": "1.4",
			"text": map[string]any{"type": "plain_text", "text": "👍 Helpful", "emoji": true},
		}},
	}
	if responseURL != "" {
		p["response_url"] = responseURL
	}
	for _, f := range extra {
		f(p)
	}
	b, _ := json.Marshal(p)
	return string(b)
}

func clickForm(payload string) string { return url.Values{"payload": {payload}}.Encode() }

// readFeedback returns the lines of the feedback log.
func readFeedback(fb *bot.FeedbackLog) ([]bot.Feedback, error) {
	fh, err := os.Open(fb.Path())
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	var out []bot.Feedback
	sc := bufio.NewScanner(fh)
	for sc.Scan() {
		var f bot.Feedback
		if err := json.Unmarshal(sc.Bytes(), &f); err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, sc.Err()
}

// buttonValue digs the feedback buttons' value out of posted blocks.
func buttonValue(t *testing.T, blocksJSON string) string {
	t.Helper()
	var blocks []struct {
		BlockID  string `json:"block_id"`
		Elements []struct {
			ActionID string `json:"action_id"`
			Value    string `json:"value"`
		} `json:"elements"`
	}
	if err := json.Unmarshal([]byte(blocksJSON), &blocks); err != nil {
		t.Fatal(err)
	}
	for _, b := range blocks {
		if b.BlockID == feedbackBlockID && len(b.Elements) == 2 {
			return b.Elements[0].Value
		}
	}
	t.Fatalf("no feedback buttons in %s", blocksJSON)
	return ""
}

func TestFeedbackClickLandsInFeedbackLog(t *testing.T) {
	h := newHarness(t, realEngine(t), nil)
	h.send(t, "/slack/events", jsonType, eventJSON("Ev1", mention("<@UBOT> when did Estonia ratify Ottawa?", "1.1", "")))
	answer := h.slack.nextOf(t, "chat.postMessage")
	value := buttonValue(t, answer.Blocks)

	resp := h.send(t, "/slack/interactivity", form, clickForm(clickPayload("U2", feedbackActionDn, value, h.hooks.url("click"))))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("click: got %d, want 200", resp.StatusCode)
	}
	ack := h.hooks.next(t)
	if !ack.Msg.ReplaceOriginal || !strings.Contains(ack.Raw, ":-1: Thanks, <@U2> — your feedback was recorded.") ||
		strings.Contains(ack.Raw, feedbackActionUp) || !strings.Contains(ack.Raw, "2004") {
		t.Errorf("acknowledgement: got %s, want the answer redrawn with thanks instead of buttons", ack.Raw)
	}

	lines, err := readFeedback(h.fb)
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) != 1 {
		t.Fatalf("got %d feedback lines, want 1", len(lines))
	}
	f := lines[0]
	// The logged answer is the one that was shown (its fallback text).
	if f.Adapter != "slack" || f.User != "U2" || f.Verdict != bot.VerdictDown || f.Time.IsZero() ||
		f.Question != "when did Estonia ratify Ottawa?" || f.Answer != unescapeMrkdwn(answer.Text) || !strings.Contains(f.Answer, "2004") {
		t.Errorf("got %+v", f)
	}
	if len(f.Citations) == 0 || f.Citations[0].Source != "000_2bc005b4439df7f9.txt" || f.Citations[0].Quote == "" {
		t.Errorf("citations: got %+v, want the answer's, first 000_2bc005b4439df7f9.txt", f.Citations)
	}
	if !strings.Contains(unescapeJSON(answer.Blocks), f.Citations[0].Quote[:40]) {
		t.Errorf("logged quote %q is not the one shown", f.Citations[0].Quote)
	}
}

func TestFeedbackForForgottenAnswer(t *testing.T) {
	// After a restart the answer store is empty; the click still counts,
	// with the question from the button and the answer from the message.
	h := newHarness(t, &stubAnswerer{}, nil)
	msg := renderAnswer(sampleAnswer(), renderOptions{FeedbackValue: "v"})[0]
	withMessage := func(p map[string]any) {
		p["message"] = map[string]any{"type": "message", "ts": "1.1", "text": "Estonia &amp; 2004", "blocks": msg.Blocks}
	}
	value := encodeFeedbackValue("gone", "when did Estonia ratify?")
	h.send(t, "/slack/interactivity", form, clickForm(clickPayload("U3", feedbackActionUp, value, h.hooks.url("old"), withMessage)))
	ack := h.hooks.next(t)
	if !ack.Msg.ReplaceOriginal || !strings.Contains(ack.Raw, ":+1: Thanks, <@U3>") || !strings.Contains(ack.Raw, "Sources") {
		t.Errorf("got %s, want the message redrawn from the payload", ack.Raw)
	}
	lines, err := readFeedback(h.fb)
	if err != nil || len(lines) != 1 {
		t.Fatalf("got %v, %v", lines, err)
	}
	if f := lines[0]; f.Question != "when did Estonia ratify?" || f.Answer != "Estonia & 2004" || f.Verdict != bot.VerdictUp {
		t.Errorf("got %+v", f)
	}
}

func TestFeedbackWithoutResponseURLUpdatesMessage(t *testing.T) {
	h := newHarness(t, &stubAnswerer{}, nil)
	msg := renderAnswer(sampleAnswer(), renderOptions{FeedbackValue: "v"})[0]
	withMessage := func(p map[string]any) {
		p["message"] = map[string]any{"type": "message", "ts": "1.1", "text": "x", "blocks": msg.Blocks}
	}
	h.send(t, "/slack/interactivity", form, clickForm(clickPayload("U3", feedbackActionUp, `{"id":"gone"}`, "", withMessage)))
	c := h.slack.next(t)
	if c.Method != "chat.update" || c.Channel != "C1" || c.TS != "1.1" || !strings.Contains(unescapeJSON(c.Blocks), "Thanks, <@U3>") {
		t.Errorf("got %+v, want chat.update of 1.1 with thanks", c)
	}
}

func TestFeedbackThatCannotBeSaved(t *testing.T) {
	h := newHarness(t, &stubAnswerer{}, nil)
	// A file where the data dir should be makes every write fail.
	blocker := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(blocker, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	h.a.fb = bot.NewFeedbackLog(filepath.Join(blocker, "data"))
	h.send(t, "/slack/interactivity", form, clickForm(clickPayload("U3", feedbackActionUp, `{"id":"x"}`, h.hooks.url("fail"))))
	if ack := h.hooks.next(t); ack.Msg.ReplaceOriginal || ack.Msg.Text != feedbackFailed {
		t.Errorf("got %s, want an ephemeral apology", ack.Raw)
	}
}

func TestOtherInteractionsIgnored(t *testing.T) {
	h := newHarness(t, &stubAnswerer{}, nil)
	for _, p := range []string{
		clickPayload("U1", "someone_elses_button", "v", h.hooks.url("x")),
		`{"type":"view_submission","user":{"id":"U1"}}`,
	} {
		if resp := h.send(t, "/slack/interactivity", form, clickForm(p)); resp.StatusCode != http.StatusOK {
			t.Errorf("got %d, want 200", resp.StatusCode)
		}
	}
	if resp := h.send(t, "/slack/interactivity", form, "payload=%7Bnot-json"); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("malformed payload: got %d, want 400", resp.StatusCode)
	}
	_ = h.a.Close()
	h.hooks.none(t)
	if _, err := readFeedback(h.fb); err == nil {
		t.Error("feedback written for a foreign interaction")
	}
}

func TestNoFeedbackLogNoButtons(t *testing.T) {
	stub := &stubAnswerer{ans: sampleAnswer()}
	h := newHarness(t, stub, nil)
	h.a.fb = nil
	h.send(t, "/slack/events", jsonType, eventJSON("Ev1", mention("<@UBOT> when?", "1.1", "")))
	if c := h.slack.next(t); strings.Contains(c.Blocks, feedbackBlockID) {
		t.Errorf("buttons shown without a feedback log: %s", c.Blocks)
	}
}

// TestReplayedClickIsRecordedOnce checks that a signed click payload sent
// again within Slack's five minutes is not recorded again.
func TestReplayedClickIsRecordedOnce(t *testing.T) {
	h := newHarness(t, &stubAnswerer{}, nil)
	body := clickForm(clickPayload("U3", feedbackActionUp, `{"id":"x"}`, h.hooks.url("replay")))
	for range 3 {
		if resp := h.send(t, "/slack/interactivity", form, body); resp.StatusCode != http.StatusOK {
			t.Fatalf("got %d, want 200", resp.StatusCode)
		}
	}
	_ = h.a.Close()
	lines, err := readFeedback(h.fb)
	if err != nil || len(lines) != 1 {
		t.Errorf("got %d feedback lines (%v), want 1", len(lines), err)
	}
}
