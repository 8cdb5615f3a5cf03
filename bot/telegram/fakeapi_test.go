package telegram

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/go-telegram/bot/models"

	"github.com/citebot/citebot"
	"github.com/citebot/citebot/bot"
)

// fakeAPI plays the Telegram Bot API over HTTP for the real go-telegram
// client: multipart POSTs to /bot{token}/{method}, answered with
// {"ok":true,"result":…} or {"ok":false,"error_code":…}. Like Telegram it
// refuses HTML it cannot parse, messages over 4096 characters and
// malformed inline keyboards.
type fakeAPI struct {
	t     testing.TB
	srv   *httptest.Server
	token string
	me    models.User

	updates chan *models.Update

	mu       sync.Mutex
	calls    []apiCall
	changed  chan struct{} // signalled on every call
	nextMsg  int
	nextUpd  int64
	failures map[string][]apiFailure  // queued error answers per method
	holds    map[string]chan struct{} // methods held until the channel is closed

	runEnded chan struct{} // closed when the adapter's Run returns, if set
}

// apiCall is one request the client made.
type apiCall struct {
	Method string
	Params map[string]string
	ID     int // message ID assigned to a successful sendMessage
	// Abandoned marks a held call the client gave up on before release.
	Abandoned bool
}

// apiFailure is an error answer to inject.
type apiFailure struct {
	Code        int
	Description string
	RetryAfter  int
	// EchoPage answers with an HTML error page that echoes the request
	// path, token and all, as some proxies in front of a Bot API do.
	EchoPage bool
	// When, if set, picks the calls the failure answers; others pass it
	// by and it stays queued.
	When func(params map[string]string) bool
}

const (
	testToken    = "123456:TEST-secret-token"
	testBotID    = 123456
	testUsername = "citebot_test_bot"
)

func newFakeAPI(t testing.TB) *fakeAPI {
	f := &fakeAPI{
		t:        t,
		token:    testToken,
		me:       models.User{ID: testBotID, IsBot: true, FirstName: "citebot", Username: testUsername},
		updates:  make(chan *models.Update, 100),
		changed:  make(chan struct{}, 1),
		nextMsg:  1000,
		failures: map[string][]apiFailure{},
		holds:    map[string]chan struct{}{},
	}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

// fail makes the next call of method answer with e.
func (f *fakeAPI) fail(method string, e apiFailure) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failures[method] = append(f.failures[method], e)
}

// hold makes calls of method wait, unanswered, until release is called.
func (f *fakeAPI) hold(method string) (release func()) {
	gate := make(chan struct{})
	f.mu.Lock()
	f.holds[method] = gate
	f.mu.Unlock()
	var once sync.Once
	return func() { once.Do(func() { close(gate) }) }
}

// push queues an update for getUpdates, numbering it.
func (f *fakeAPI) push(u *models.Update) *models.Update {
	f.mu.Lock()
	f.nextUpd++
	u.ID = f.nextUpd
	f.mu.Unlock()
	f.updates <- u
	return u
}

func (f *fakeAPI) serve(w http.ResponseWriter, r *http.Request) {
	method, ok := strings.CutPrefix(r.URL.Path, "/bot"+f.token+"/")
	if !ok {
		writeJSON(w, map[string]any{"ok": false, "error_code": 401, "description": "Unauthorized"})
		return
	}
	if r.Method != http.MethodPost {
		http.Error(w, "POST only", http.StatusMethodNotAllowed)
		return
	}
	params := map[string]string{}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return
	}
	// The client sends an empty body, multipart content type and all, for
	// methods without parameters; Telegram takes that as no parameters.
	if len(body) > 0 {
		mt, mp, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if mt != "multipart/form-data" {
			f.t.Errorf("%s: want a multipart body, got %q", method, r.Header.Get("Content-Type"))
			writeError(w, apiFailure{Code: 400, Description: "Bad Request: not multipart"})
			return
		}
		form, err := multipart.NewReader(bytes.NewReader(body), mp["boundary"]).ReadForm(1 << 20)
		if err != nil {
			f.t.Errorf("%s: bad multipart body: %v", method, err)
			writeError(w, apiFailure{Code: 400, Description: "Bad Request: bad body"})
			return
		}
		for k, v := range form.Value {
			params[k] = v[0]
		}
	}

	if method == "getUpdates" {
		f.record(apiCall{Method: method, Params: params})
		f.serveUpdates(w, r)
		return
	}
	f.mu.Lock()
	gate := f.holds[method]
	f.mu.Unlock()
	if gate != nil {
		select {
		case <-gate:
		case <-r.Context().Done():
			f.record(apiCall{Method: method, Params: params, Abandoned: true})
			return
		}
	}
	f.mu.Lock()
	var failure *apiFailure
	for i, e := range f.failures[method] {
		if e.When == nil || e.When(params) {
			failure = &e
			f.failures[method] = slices.Delete(slices.Clone(f.failures[method]), i, i+1)
			break
		}
	}
	f.mu.Unlock()

	call := apiCall{Method: method, Params: params}
	var result any
	switch {
	case failure != nil:
	case method == "getMe":
		result = f.me
	case method == "sendMessage":
		var msg *models.Message
		msg, failure = f.sendMessage(params)
		if msg != nil {
			call.ID, result = msg.ID, msg
		}
	case method == "editMessageText": // see stream_test.go
		var msg *models.Message
		msg, failure = f.editMessageText(params)
		if msg != nil {
			call.ID, result = msg.ID, msg
		}
	case method == "sendMessageDraft": // see draft_test.go
		if failure = f.sendMessageDraft(params); failure == nil {
			result = true
		}
	case method == "setMessageReaction": // see reaction_test.go
		if failure = f.setMessageReaction(params); failure == nil {
			result = true
		}
	case slices.Contains([]string{"sendChatAction", "setMyCommands", "deleteWebhook", "setWebhook", "answerCallbackQuery"}, method):
		result = true
	default:
		failure = &apiFailure{Code: 404, Description: "Not Found"}
	}
	f.record(call)
	if failure != nil && failure.EchoPage {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(failure.Code)
		fmt.Fprintf(w, "<html><body><h1>%d Bad Gateway</h1><p>POST %s</p></body></html>", failure.Code, r.URL.Path)
		return
	}
	if failure != nil {
		writeError(w, *failure)
		return
	}
	f.writeResult(w, result)
}

// serveUpdates long-polls: it answers as soon as updates are queued, with
// all that are, or gives up when the client does.
func (f *fakeAPI) serveUpdates(w http.ResponseWriter, r *http.Request) {
	select {
	case u := <-f.updates:
		batch := []*models.Update{u}
		for len(batch) < 100 {
			select {
			case u := <-f.updates:
				batch = append(batch, u)
				continue
			default:
			}
			break
		}
		f.writeResult(w, batch)
	case <-r.Context().Done():
	}
}

func (f *fakeAPI) sendMessage(p map[string]string) (*models.Message, *apiFailure) {
	chat, err := strconv.ParseInt(p["chat_id"], 10, 64)
	if err != nil {
		return nil, &apiFailure{Code: 400, Description: "Bad Request: chat not found"}
	}
	text := p["text"]
	if p["parse_mode"] == "HTML" {
		if err := checkTelegramHTML(text); err != nil {
			f.t.Errorf("sendMessage: invalid HTML: %v\n%s", err, text)
			return nil, &apiFailure{Code: 400, Description: "Bad Request: can't parse entities: " + err.Error()}
		}
		text = telegramText(text)
	}
	if strings.TrimSpace(text) == "" {
		f.t.Errorf("sendMessage: empty text")
		return nil, &apiFailure{Code: 400, Description: "Bad Request: message text is empty"}
	}
	if n := len(utf16.Encode([]rune(text))); n > 4096 {
		f.t.Errorf("sendMessage: %d characters", n)
		return nil, &apiFailure{Code: 400, Description: "Bad Request: message is too long"}
	}
	var kb *models.InlineKeyboardMarkup
	if rm := p["reply_markup"]; rm != "" {
		if err := checkKeyboard(rm); err != nil {
			f.t.Errorf("sendMessage: %v: %s", err, rm)
			return nil, &apiFailure{Code: 400, Description: "Bad Request: " + err.Error()}
		}
		kb = new(models.InlineKeyboardMarkup)
		json.Unmarshal([]byte(rm), kb)
	}
	f.mu.Lock()
	f.nextMsg++
	id := f.nextMsg
	f.mu.Unlock()
	me := f.me
	return &models.Message{ID: id, From: &me, Date: int(time.Now().Unix()),
		Chat: models.Chat{ID: chat}, Text: text, ReplyMarkup: kb}, nil
}

// checkKeyboard accepts inline keyboards of callback buttons only, each
// with text and 1–64 bytes of callback_data and no other field.
func checkKeyboard(raw string) error {
	var kb struct {
		InlineKeyboard [][]map[string]any `json:"inline_keyboard"`
	}
	if err := json.Unmarshal([]byte(raw), &kb); err != nil {
		return fmt.Errorf("can't parse reply keyboard markup JSON object")
	}
	for _, row := range kb.InlineKeyboard {
		for _, btn := range row {
			data, _ := btn["callback_data"].(string)
			text, _ := btn["text"].(string)
			if len(btn) != 2 || text == "" || data == "" || len(data) > 64 {
				return fmt.Errorf("can't parse inline keyboard button %v", btn)
			}
		}
	}
	return nil
}

func (f *fakeAPI) record(c apiCall) {
	f.mu.Lock()
	f.calls = append(f.calls, c)
	f.mu.Unlock()
	select {
	case f.changed <- struct{}{}:
	default:
	}
}

// callsOf returns the calls of method so far, in order.
func (f *fakeAPI) callsOf(method string) []apiCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []apiCall
	for _, c := range f.calls {
		if c.Method == method {
			out = append(out, c)
		}
	}
	return out
}

// allCalls returns every call but getUpdates, in order.
func (f *fakeAPI) allCalls() []apiCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []apiCall
	for _, c := range f.calls {
		if c.Method != "getUpdates" {
			out = append(out, c)
		}
	}
	return out
}

// waitFor waits until cond holds for the calls so far. It waits on the
// calls themselves, not on time; the deadline only turns a hang into a
// failure.
func (f *fakeAPI) waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.NewTimer(20 * time.Second)
	defer deadline.Stop()
	ended := f.runEnded
	for !cond() {
		select {
		case <-ended:
			ended = nil
			if !cond() {
				t.Fatalf("Run ended while waiting for %s; calls: %v", what, f.allCalls())
			}
		case <-f.changed:
		case <-deadline.C:
			t.Fatalf("timed out waiting for %s; calls: %v", what, f.allCalls())
		}
	}
}

// waitCalls waits for at least n calls of method and returns them all.
func (f *fakeAPI) waitCalls(t testing.TB, method string, n int) []apiCall {
	t.Helper()
	f.waitFor(t, fmt.Sprintf("%d %s call(s)", n, method), func() bool { return len(f.callsOf(method)) >= n })
	return f.callsOf(method)
}

func (f *fakeAPI) writeResult(w http.ResponseWriter, v any) {
	body, err := json.Marshal(map[string]any{"ok": true, "result": v})
	if err != nil {
		f.t.Errorf("fake API cannot encode its answer: %v", err)
		writeError(w, apiFailure{Code: 500, Description: "Internal Server Error"})
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write(body)
}

func writeError(w http.ResponseWriter, e apiFailure) {
	resp := map[string]any{"ok": false, "error_code": e.Code, "description": e.Description}
	if e.RetryAfter > 0 {
		resp["parameters"] = map[string]any{"retry_after": e.RetryAfter}
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(e.Code)
	json.NewEncoder(w).Encode(resp)
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}

// --- building updates as Telegram would ---

var (
	reCommand = regexp.MustCompile(`^/[A-Za-z0-9_]+(@[A-Za-z0-9_]+)?`)
	reMention = regexp.MustCompile(`@[A-Za-z0-9_]{5,32}`)
)

// tgEntities marks commands and mentions in text as Telegram does, with
// offsets and lengths in UTF-16 code units.
func tgEntities(text string) []models.MessageEntity {
	units := func(s string) int { return len(utf16.Encode([]rune(s))) }
	var out []models.MessageEntity
	if loc := reCommand.FindStringIndex(text); loc != nil {
		out = append(out, models.MessageEntity{Type: models.MessageEntityTypeBotCommand,
			Offset: 0, Length: units(text[:loc[1]])})
	}
	for _, loc := range reMention.FindAllStringIndex(text, -1) {
		if loc[0] > 0 && text[loc[0]-1] != ' ' && !strings.ContainsRune(" \n,(", rune(text[loc[0]-1])) {
			continue // part of a command such as /ask@name
		}
		out = append(out, models.MessageEntity{Type: models.MessageEntityTypeMention,
			Offset: units(text[:loc[0]]), Length: units(text[loc[0]:loc[1]])})
	}
	return out
}

var nextTestMsg = struct {
	sync.Mutex
	n int
}{n: 1}

func newMsgID() int {
	nextTestMsg.Lock()
	defer nextTestMsg.Unlock()
	nextTestMsg.n++
	return nextTestMsg.n
}

// textMessage builds a text message from user in chat.
func textMessage(chat models.Chat, user int64, text string) *models.Message {
	return &models.Message{
		ID:       newMsgID(),
		From:     &models.User{ID: user, FirstName: "Tester"},
		Chat:     chat,
		Date:     int(time.Now().Unix()),
		Text:     text,
		Entities: tgEntities(text),
	}
}

func privateChat(id int64) models.Chat {
	return models.Chat{ID: id, Type: models.ChatTypePrivate, FirstName: "Tester"}
}

func groupChat(id int64) models.Chat {
	return models.Chat{ID: id, Type: models.ChatTypeSupergroup, Title: "Test group"}
}

// sentMessage is the message a successful sendMessage call created, as a
// later update would carry it, buttons included.
func (f *fakeAPI) sentMessage(c apiCall) *models.Message {
	chat, _ := strconv.ParseInt(c.Params["chat_id"], 10, 64)
	me := f.me
	m := &models.Message{ID: c.ID, From: &me, Date: int(time.Now().Unix()),
		Chat: models.Chat{ID: chat}, Text: telegramText(c.Params["text"])}
	if rm := c.Params["reply_markup"]; rm != "" {
		m.ReplyMarkup = new(models.InlineKeyboardMarkup)
		json.Unmarshal([]byte(rm), m.ReplyMarkup)
	}
	return m
}

// --- running an adapter against the fake ---

type harness struct {
	f      *fakeAPI
	a      *Adapter
	fb     *bot.FeedbackLog
	cancel context.CancelFunc
	errc   chan error
}

// start runs an Adapter with opts against a new fakeAPI until the test
// ends. prepare, if not nil, runs between New and Run.
func start(t *testing.T, ans citebot.Answerer, opts Options, prepare func(*Adapter)) *harness {
	t.Helper()
	return startWith(t, newFakeAPI(t), ans, opts, prepare)
}

// startWith is start against a given fakeAPI, for tests that set it up
// before the adapter makes its first call.
func startWith(t *testing.T, f *fakeAPI, ans citebot.Answerer, opts Options, prepare func(*Adapter)) *harness {
	t.Helper()
	opts.APIURL = f.srv.URL
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	fb := bot.NewFeedbackLog(t.TempDir())
	a, err := New(f.token, ans, fb, opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	if prepare != nil {
		prepare(a)
	}
	ctx, cancel := context.WithCancel(context.Background())
	h := &harness{f: f, a: a, fb: fb, cancel: cancel, errc: make(chan error, 1)}
	f.runEnded = make(chan struct{})
	go func() {
		err := a.Run(ctx)
		close(f.runEnded)
		h.errc <- err
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-h.errc; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	return h
}

// ask pushes a message update and returns the message.
func (h *harness) ask(m *models.Message) *models.Message {
	h.f.push(&models.Update{Message: m})
	return m
}

// repliesTo returns the delivered messages that reply to message id.
func (h *harness) repliesTo(id int) []apiCall {
	var out []apiCall
	for _, c := range h.attemptsTo(id) {
		if c.ID != 0 {
			out = append(out, c)
		}
	}
	return out
}

// attemptsTo returns the sendMessage calls, delivered or refused, that
// reply to message id.
func (h *harness) attemptsTo(id int) []apiCall {
	var out []apiCall
	for _, c := range h.f.callsOf("sendMessage") {
		if replyID(c) == id {
			out = append(out, c)
		}
	}
	return out
}

// waitReply waits for the first message replying to id.
func (h *harness) waitReply(t *testing.T, id int) apiCall {
	t.Helper()
	h.f.waitFor(t, fmt.Sprintf("a reply to message %d", id), func() bool { return len(h.repliesTo(id)) > 0 })
	return h.repliesTo(id)[0]
}

// replyID is the message a sendMessage call replies to, 0 if none.
func replyID(c apiCall) int {
	var rp models.ReplyParameters
	if json.Unmarshal([]byte(c.Params["reply_parameters"]), &rp) != nil {
		return 0
	}
	return rp.MessageID
}

// chatOf is the chat a call goes to.
func chatOf(c apiCall) int64 {
	id, _ := strconv.ParseInt(c.Params["chat_id"], 10, 64)
	return id
}
