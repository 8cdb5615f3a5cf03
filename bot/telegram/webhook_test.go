package telegram

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/citebot/citebot"
	"github.com/go-telegram/bot/models"
)

// webhookHarness runs an Adapter in webhook mode: the fake Bot API for its
// calls, and an HTTP server with Register's mux playing the public side.
func webhookHarness(t *testing.T, ans citebot.Answerer, opts Options) (*harness, *httptest.Server) {
	t.Helper()
	opts.WebhookURL = "https://citebot.example/telegram/webhook"
	var h *harness
	var srv *httptest.Server
	h = start(t, ans, opts, func(a *Adapter) {
		mux := http.NewServeMux()
		a.Register(mux)
		srv = httptest.NewServer(mux)
		t.Cleanup(srv.Close)
	})
	h.f.waitCalls(t, "setWebhook", 1)
	return h, srv
}

// postUpdate delivers an update the way Telegram does.
func postUpdate(t *testing.T, url, secret string, u *models.Update) int {
	t.Helper()
	body, err := json.Marshal(u)
	if err != nil {
		t.Fatal(err)
	}
	return postRaw(t, url, secret, body)
}

func postRaw(t *testing.T, url, secret string, body []byte) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url+WebhookPath, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if secret != "" {
		req.Header.Set(secretHeader, secret)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestWebhookChecksSecret(t *testing.T) {
	const secret = "s3cret-Token_for-tests"
	eng := &recorder{Answerer: realEngine(t)}
	h, srv := webhookHarness(t, eng, Options{WebhookSecret: secret, MaxConcurrent: 1})

	set := h.f.callsOf("setWebhook")[0].Params
	if set["url"] != "https://citebot.example/telegram/webhook" || set["secret_token"] != secret {
		t.Fatalf("setWebhook params %v", set)
	}
	if n := len(h.f.callsOf("deleteWebhook")); n != 0 {
		t.Errorf("webhook mode called deleteWebhook %d times", n)
	}

	chat := privateChat(601)
	wrong := &models.Update{ID: 1, Message: textMessage(chat, 601, estoniaQuestion)}
	for name, s := range map[string]string{"missing": "", "wrong": "s3cret-Token_for-test", "longer": secret + "x"} {
		if code := postUpdate(t, srv.URL, s, wrong); code != http.StatusUnauthorized {
			t.Errorf("%s secret: status %d, want 401", name, code)
		}
	}
	if code := postRaw(t, srv.URL, secret, []byte("{not json")); code != http.StatusBadRequest {
		t.Errorf("garbage body: status %d, want 400", code)
	}
	resp, err := http.Get(srv.URL + WebhookPath)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET: status %d, want 405", resp.StatusCode)
	}

	right := &models.Update{ID: 2, Message: textMessage(chat, 601, estoniaQuestion)}
	if code := postUpdate(t, srv.URL, secret, right); code != http.StatusOK {
		t.Fatalf("right secret: status %d, want 200", code)
	}
	c := h.waitReply(t, right.Message.ID)
	checkAnswerMessage(t, c, right.Message.ID)
	if text := telegramText(c.Params["text"]); !strings.Contains(text, "2004") || !strings.Contains(text, estoniaSource) {
		t.Errorf("webhook answer lacks 2004 or the source:\n%s", text)
	}
	// One worker, in order: the rejected updates never reached it.
	if n := len(h.repliesTo(wrong.Message.ID)); n != 0 {
		t.Errorf("an update with a bad secret was answered %d times", n)
	}
	if n := len(eng.questions()); n != 1 {
		t.Errorf("engine asked %d questions, want 1", n)
	}

	// After shutdown, updates are refused with 503 so Telegram retries.
	h.a.Close()
	late := &models.Update{ID: 3, Message: textMessage(chat, 601, estoniaQuestion)}
	if code := postUpdate(t, srv.URL, secret, late); code != http.StatusServiceUnavailable {
		t.Errorf("after Close: status %d, want 503", code)
	}
}

func TestWebhookGeneratedSecret(t *testing.T) {
	h, srv := webhookHarness(t, realEngine(t), Options{})
	secret := h.f.callsOf("setWebhook")[0].Params["secret_token"]
	if len(secret) < 32 || checkSecret(secret) != nil {
		t.Fatalf("generated secret %q is weak or invalid", secret)
	}
	u := &models.Update{ID: 1, Message: textMessage(privateChat(602), 602, "/help")}
	if code := postUpdate(t, srv.URL, "", u); code != http.StatusUnauthorized {
		t.Errorf("no secret: status %d, want 401", code)
	}
	if code := postUpdate(t, srv.URL, secret, u); code != http.StatusOK {
		t.Fatalf("registered secret: status %d, want 200", code)
	}
	h.waitReply(t, u.Message.ID)
}

func TestRegisterInPollingModeMountsNothing(t *testing.T) {
	a, err := New(testToken, realEngine(t), nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	a.Register(mux)
	if _, pattern := mux.Handler(httptest.NewRequest(http.MethodPost, WebhookPath, nil)); pattern != "" {
		t.Fatalf("polling mode mounted %q", pattern)
	}
}

func TestWebhookBeforeRunIsUnavailable(t *testing.T) {
	const secret = "abc"
	a, err := New(testToken, realEngine(t), nil, Options{WebhookURL: "https://x.example/telegram/webhook", WebhookSecret: secret})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	a.Register(mux)
	srv := httptest.NewServer(mux)
	defer srv.Close()
	u := &models.Update{ID: 1, Message: textMessage(privateChat(603), 603, "hi")}
	if code := postUpdate(t, srv.URL, secret, u); code != http.StatusServiceUnavailable {
		t.Fatalf("status %d, want 503", code)
	}
	if code := postUpdate(t, srv.URL, "abd", u); code != http.StatusUnauthorized {
		t.Fatalf("status %d, want 401 for a wrong secret even before Run", code)
	}
}

// TestWebhookWaitsForTheIndex checks that the webhook answers 503 until
// the index is ready, so that Telegram keeps the update and delivers it
// again, and takes it once it is.
func TestWebhookWaitsForTheIndex(t *testing.T) {
	const secret = "s3cret-Token_for-tests"
	ready := make(chan struct{})
	var srv *httptest.Server
	h := start(t, realEngine(t), Options{WebhookURL: "https://citebot.example/telegram/webhook", WebhookSecret: secret, Ready: ready}, func(a *Adapter) {
		mux := http.NewServeMux()
		a.Register(mux)
		srv = httptest.NewServer(mux)
		t.Cleanup(srv.Close)
	})
	waitState(t, h.a, "waiting for the index")
	u := &models.Update{ID: 1, Message: textMessage(privateChat(1601), 1601, estoniaQuestion)}
	if code := postUpdate(t, srv.URL, secret, u); code != http.StatusServiceUnavailable {
		t.Errorf("before the index is ready: status %d, want 503", code)
	}
	close(ready)
	waitState(t, h.a, StateRunning)
	if code := postUpdate(t, srv.URL, secret, u); code != http.StatusOK {
		t.Fatalf("once ready: status %d, want 200", code)
	}
	if text := telegramText(h.waitReply(t, u.Message.ID).Params["text"]); !strings.Contains(text, "2004") {
		t.Errorf("got %q, want the answer", text)
	}
}
