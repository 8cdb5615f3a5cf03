package telegram

import (
	"bufio"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/go-telegram/bot/models"

	"github.com/citebot/citebot/bot"
)

// readFeedback returns the records in the harness's feedback.jsonl.
func readFeedback(t *testing.T, h *harness) []bot.Feedback {
	t.Helper()
	fh, err := os.Open(h.fb.Path())
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	var out []bot.Feedback
	sc := bufio.NewScanner(fh)
	for sc.Scan() {
		var f bot.Feedback
		if err := json.Unmarshal(sc.Bytes(), &f); err != nil {
			t.Fatalf("feedback line %q: %v", sc.Text(), err)
		}
		out = append(out, f)
	}
	return out
}

func callback(id string, from int64, msg *models.Message, data string) *models.Update {
	return &models.Update{CallbackQuery: &models.CallbackQuery{
		ID:      id,
		From:    models.User{ID: from, FirstName: "Rater"},
		Message: models.MaybeInaccessibleMessage{Type: models.MaybeInaccessibleMessageTypeMessage, Message: msg},
		Data:    data,
	}}
}

func TestFeedbackCallbackIsRecorded(t *testing.T) {
	h := start(t, realEngine(t), Options{MaxConcurrent: 1}, nil)
	q := h.ask(textMessage(privateChat(1401), 1401, estoniaQuestion))
	answer := h.f.sentMessage(h.waitReply(t, q.ID))

	h.f.push(callback("cb-up", 1401, answer, dataUp))
	h.f.push(callback("cb-down", 1402, answer, dataDown))
	h.f.push(callback("cb-junk", 1401, answer, "something else"))
	acks := h.f.waitCalls(t, "answerCallbackQuery", 3)

	want := map[string]string{"cb-up": msgThanks, "cb-down": msgThanks, "cb-junk": ""}
	for _, a := range acks {
		if got := a.Params["text"]; got != want[a.Params["callback_query_id"]] {
			t.Errorf("ack of %s: text %q, want %q", a.Params["callback_query_id"], got, want[a.Params["callback_query_id"]])
		}
	}
	recs := readFeedback(t, h)
	if len(recs) != 2 {
		t.Fatalf("%d feedback records, want 2: %+v", len(recs), recs)
	}
	up, down := recs[0], recs[1]
	if up.Adapter != "telegram" || up.User != "1401" || up.Verdict != bot.VerdictUp || down.Verdict != bot.VerdictDown || down.User != "1402" {
		t.Errorf("records %+v", recs)
	}
	if up.Question != estoniaQuestion || !strings.Contains(up.Answer, "2004") {
		t.Errorf("record question %q answer %q", up.Question, up.Answer)
	}
	if len(up.Citations) == 0 || up.Citations[0].Source != estoniaSource || up.Citations[0].Quote == "" {
		t.Errorf("record citations %+v", up.Citations)
	}
	if up.Time.IsZero() {
		t.Error("record has no time")
	}
}

func TestFeedbackForForgottenAnswer(t *testing.T) {
	// After a restart the adapter no longer remembers the answer; the
	// callback still records what the update carries.
	h := start(t, realEngine(t), Options{MaxConcurrent: 1}, nil)
	question := textMessage(privateChat(1501), 1501, "who signed the letter?")
	old := &models.Message{ID: 42, Date: 1, From: &h.f.me, Chat: privateChat(1501),
		Text: "The defence ministers [1].\n\nSources\n[1] a.txt", ReplyToMessage: question}
	h.f.push(callback("cb-old", 1501, old, dataDown))
	inaccessible := &models.Update{CallbackQuery: &models.CallbackQuery{
		ID: "cb-gone", From: models.User{ID: 1501},
		Message: models.MaybeInaccessibleMessage{Type: models.MaybeInaccessibleMessageTypeInaccessibleMessage,
			InaccessibleMessage: &models.InaccessibleMessage{Chat: privateChat(1501), MessageID: 7}},
		Data: dataUp,
	}}
	h.f.push(inaccessible)
	h.f.waitCalls(t, "answerCallbackQuery", 2)
	recs := readFeedback(t, h)
	if len(recs) != 2 {
		t.Fatalf("%d records, want 2", len(recs))
	}
	if recs[0].Question != "who signed the letter?" || !strings.HasPrefix(recs[0].Answer, "The defence ministers") || recs[0].Verdict != bot.VerdictDown {
		t.Errorf("record from the update: %+v", recs[0])
	}
	if recs[1].Verdict != bot.VerdictUp || recs[1].User != "1501" {
		t.Errorf("record for an inaccessible message: %+v", recs[1])
	}
}

func TestFeedbackFailureIsAcknowledged(t *testing.T) {
	// A feedback path that cannot be created: a file where the dir should be.
	dir := t.TempDir()
	if err := os.WriteFile(dir+"/blocked", nil, 0o644); err != nil {
		t.Fatal(err)
	}
	h := start(t, realEngine(t), Options{}, func(a *Adapter) {
		a.fb = bot.NewFeedbackLog(dir + "/blocked/sub")
	})
	h.f.push(callback("cb-x", 1601, &models.Message{ID: 5, Date: 1, Chat: privateChat(1601)}, dataUp))
	ack := h.f.waitCalls(t, "answerCallbackQuery", 1)[0]
	if ack.Params["text"] != msgNotRecorded {
		t.Errorf("ack text %q, want %q", ack.Params["text"], msgNotRecorded)
	}
}

func TestParseFeedbackData(t *testing.T) {
	tests := []struct {
		data     string
		verdict  bot.Verdict
		root     int
		wantOK   bool
		wantRoot bool
	}{
		{data: "fb:up", verdict: bot.VerdictUp, wantOK: true},
		{data: "fb:down", verdict: bot.VerdictDown, wantOK: true},
		{data: "fb:up:1234", verdict: bot.VerdictUp, root: 1234, wantOK: true},
		{data: "fb:down:7", verdict: bot.VerdictDown, root: 7, wantOK: true},
		{data: "fb:up:", wantOK: false},
		{data: "fb:up:-3", wantOK: false},
		{data: "fb:up:x", wantOK: false},
		{data: "fb:sideways", wantOK: false},
		{data: "fb", wantOK: false},
		{data: "", wantOK: false},
		{data: "other:up", wantOK: false},
	}
	for _, tt := range tests {
		v, root, ok := parseFeedbackData(tt.data)
		if ok != tt.wantOK || (ok && (v != tt.verdict || root != tt.root)) {
			t.Errorf("parseFeedbackData(%q) = %q, %d, %v; want %q, %d, %v", tt.data, v, root, ok, tt.verdict, tt.root, tt.wantOK)
		}
	}
	// What feedbackKeyboard writes, parseFeedbackData and keyboardRoot read,
	// and it fits Telegram's 64 bytes of callback data.
	kb := feedbackKeyboard(2147483647)
	var markup models.InlineKeyboardMarkup
	raw, _ := json.Marshal(kb)
	if err := json.Unmarshal(raw, &markup); err != nil {
		t.Fatal(err)
	}
	if got := keyboardRoot(&markup); got != 2147483647 {
		t.Errorf("keyboardRoot = %d", got)
	}
	for _, b := range kb.InlineKeyboard[0] {
		if len(b.CallbackData) > 64 {
			t.Errorf("callback data %q over 64 bytes", b.CallbackData)
		}
	}
	if keyboardRoot(nil) != 0 || keyboardRoot(&models.InlineKeyboardMarkup{}) != 0 {
		t.Error("keyboardRoot of no buttons is not 0")
	}
}
