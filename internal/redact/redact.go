// Package redact keeps secrets out of logs. A Scrubber replaces known
// secret texts (tokens, keys, passwords) and the shapes of credentials that
// may reach an error message without being known in advance: Slack
// response URLs, Slack and Telegram bot tokens, API keys. Handler puts a
// Scrubber in front of any slog.Handler, so that every message, string
// attribute and error logged through it is scrubbed, however the secret
// got there (a URL in a *url.Error, a token echoed back in an error page).
package redact

import (
	"cmp"
	"context"
	"log/slog"
	"regexp"
	"slices"
	"strings"
)

// Mask replaces each secret.
const Mask = "[redacted]"

// minLen is the shortest secret text replaced: a shorter one would garble
// logs wherever its letters happen to occur, and protects nothing anyway.
const minLen = 6

// shapes are credentials recognised by their form.
var shapes = []struct {
	re   *regexp.Regexp
	repl string
}{
	// Slack response_url and incoming webhooks: the path is the secret.
	{regexp.MustCompile(`(https?://hooks\.slack(?:-gov)?\.com)/[^\s"'<>]+`), "${1}/" + Mask},
	// Telegram bot tokens, in Bot API paths (/bot123:ABC…/getMe) or bare.
	{regexp.MustCompile(`\b(bot)?\d{5,}:[A-Za-z0-9_-]{30,}`), "${1}" + Mask},
	// Slack tokens (xoxb-, xoxp-, xapp-, …) and OpenAI-style API keys.
	{regexp.MustCompile(`\b(?:xox[abposr]|xapp)-[A-Za-z0-9-]{8,}`), Mask},
	{regexp.MustCompile(`\bsk-[A-Za-z0-9_-]{16,}`), Mask},
}

// Scrubber removes secrets from text. A nil *Scrubber scrubs only the
// shapes above. It is safe for concurrent use.
type Scrubber struct {
	texts []string // longest first
	known *strings.Replacer
}

// New returns a Scrubber for these secret texts; empty and very short
// ones are ignored.
func New(secrets ...string) *Scrubber {
	var texts []string
	for _, s := range secrets {
		if len(s) >= minLen && s != Mask {
			texts = append(texts, s)
		}
	}
	// Longest first, so that a secret containing another goes whole.
	slices.SortFunc(texts, func(a, b string) int { return cmp.Compare(len(b), len(a)) })
	texts = slices.Compact(texts)
	s := &Scrubber{texts: texts}
	if len(texts) > 0 {
		pairs := make([]string, 0, 2*len(texts))
		for _, t := range texts {
			pairs = append(pairs, t, Mask)
		}
		s.known = strings.NewReplacer(pairs...)
	}
	return s
}

// String returns text with every secret replaced by Mask.
func (s *Scrubber) String(text string) string {
	if s != nil && s.known != nil {
		text = s.known.Replace(text)
	}
	for _, sh := range shapes {
		text = sh.re.ReplaceAllString(text, sh.repl)
	}
	return text
}

// Handler returns a slog.Handler that scrubs each record with s before
// passing it to h: the message, string values, errors (logged as their
// scrubbed text) and the attributes of groups and of With. Wrapping a
// Handler again adds s's secrets to the ones it already scrubs.
func Handler(h slog.Handler, s *Scrubber) slog.Handler {
	if inner, ok := h.(*handler); ok {
		var texts []string
		if s != nil {
			texts = s.texts
		}
		return &handler{next: inner.next, s: New(append(slices.Clone(inner.s.texts), texts...)...)}
	}
	if s == nil {
		s = New()
	}
	return &handler{next: h, s: s}
}

type handler struct {
	next slog.Handler
	s    *Scrubber
}

func (h *handler) Enabled(ctx context.Context, l slog.Level) bool { return h.next.Enabled(ctx, l) }

func (h *handler) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, h.s.String(r.Message), r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(h.attr(a))
		return true
	})
	return h.next.Handle(ctx, out)
}

func (h *handler) WithAttrs(as []slog.Attr) slog.Handler {
	clean := make([]slog.Attr, len(as))
	for i, a := range as {
		clean[i] = h.attr(a)
	}
	return &handler{next: h.next.WithAttrs(clean), s: h.s}
}

func (h *handler) WithGroup(name string) slog.Handler {
	return &handler{next: h.next.WithGroup(name), s: h.s}
}

func (h *handler) attr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		a.Value = slog.StringValue(h.s.String(v.String()))
	case slog.KindGroup:
		g := v.Group()
		clean := make([]slog.Attr, len(g))
		for i, ga := range g {
			clean[i] = h.attr(ga)
		}
		a.Value = slog.GroupValue(clean...)
	case slog.KindAny:
		if err, ok := v.Any().(error); ok {
			a.Value = slog.StringValue(h.s.String(err.Error()))
		} else {
			a.Value = v
		}
	default:
		a.Value = v
	}
	return a
}

// Error returns err with its message scrubbed by s, for an error that will
// be logged or shown by code that knows nothing of the secret. It still
// unwraps to err, so errors.Is and errors.As see the same chain.
func Error(err error, s *Scrubber) error {
	if err == nil {
		return nil
	}
	return &scrubbed{msg: s.String(err.Error()), err: err}
}

type scrubbed struct {
	msg string
	err error
}

func (e *scrubbed) Error() string { return e.msg }
func (e *scrubbed) Unwrap() error { return e.err }
