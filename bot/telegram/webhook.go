package telegram

import (
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"io"
	"net/http"

	"github.com/go-telegram/bot/models"
)

// secretHeader carries the webhook secret registered with setWebhook.
const secretHeader = "X-Telegram-Bot-Api-Secret-Token"

// Register mounts POST WebhookPath on mux in webhook mode and does nothing
// in long-polling mode.
//
// Every request must carry the secret in X-Telegram-Bot-Api-Secret-Token;
// one without it, or with the wrong one, gets 401 before its body is read,
// because the library's own handler answers 200 to anything. A valid
// update is answered 200 once a worker has taken it; while Run is not
// running the answer is 503, so that Telegram delivers it again later.
func (a *Adapter) Register(mux *http.ServeMux) {
	if a.opts.WebhookURL == "" {
		return
	}
	mux.Handle("POST "+WebhookPath, a.webhookHandler())
}

func (a *Adapter) webhookHandler() http.Handler {
	lib := a.tg.WebhookHandler()
	want := []byte(a.secret)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got := []byte(r.Header.Get(secretHeader))
		// Constant time, so the secret cannot be guessed byte by byte
		// from response times.
		if len(want) == 0 || subtle.ConstantTimeCompare(got, want) != 1 {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		a.mu.Lock()
		stopping := a.stopping
		a.mu.Unlock()
		if !a.accepting.Load() || stopping == nil {
			unavailable(w)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxWebhookBody))
		if err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				http.Error(w, "update too large", http.StatusRequestEntityTooLarge)
				return
			}
			http.Error(w, "read body", http.StatusBadRequest)
			return
		}
		// The library logs and drops what it cannot decode, answering
		// 200; say 400 instead.
		if err := json.Unmarshal(body, new(models.Update)); err != nil {
			http.Error(w, "invalid update", http.StatusBadRequest)
			return
		}

		// Hand the update over, giving up if Run shuts down first.
		ctx, cancel := context.WithCancel(r.Context())
		defer cancel()
		go func() {
			select {
			case <-stopping:
				cancel()
			case <-ctx.Done():
			}
		}()
		r = r.WithContext(ctx)
		r.Body = io.NopCloser(bytes.NewReader(body))
		lib(w, r) // writes nothing: the status is ours to set
		if ctx.Err() != nil {
			// Shutting down, or the caller went away, before a worker
			// took the update: not delivered.
			unavailable(w)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
}

func unavailable(w http.ResponseWriter) {
	w.Header().Set("Retry-After", "5")
	http.Error(w, "telegram adapter not running", http.StatusServiceUnavailable)
}
