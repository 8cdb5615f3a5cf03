package slack

import (
	"bytes"
	"errors"
	"io"
	"net/http"

	"github.com/slack-go/slack"
)

// verified checks a request's Slack signature before anything else looks
// at it: v0 HMAC-SHA256 of the raw body with the signing secret, compared
// in constant time, with a timestamp no more than five minutes off. Requests
// that fail get 401 and go no further. next gets the raw body, and r.Body
// is restored for parsers that read it.
func (a *Adapter) verified(next func(w http.ResponseWriter, r *http.Request, body []byte)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
		if err != nil {
			if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
				http.Error(w, "request too large", http.StatusRequestEntityTooLarge)
				return
			}
			http.Error(w, "cannot read request", http.StatusBadRequest)
			return
		}
		sv, err := slack.NewSecretsVerifier(r.Header, a.opts.SigningSecret)
		if err == nil {
			_, _ = sv.Write(body)
			err = sv.Ensure()
		}
		if err != nil {
			// The reason helps operators spot clock skew or a wrong secret;
			// neither the secret nor the signature is logged.
			a.log.Warn("slack: rejected request with bad signature", "path", r.URL.Path, "reason", signatureReason(err))
			http.Error(w, "invalid signature", http.StatusUnauthorized)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		next(w, r, body)
	})
}

func signatureReason(err error) string {
	switch {
	case errors.Is(err, slack.ErrMissingHeaders):
		return "missing signature headers"
	case errors.Is(err, slack.ErrExpiredTimestamp):
		return "timestamp more than 5 minutes off"
	case errors.Is(err, slack.ErrInvalidSignature):
		return "signature mismatch"
	default:
		return "malformed signature headers"
	}
}
