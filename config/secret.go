package config

import (
	"fmt"
	"log/slog"

	"github.com/citebot/citebot/internal/redact"
)

// RedactedValue is what a set secret prints as. An unset secret prints as "".
const RedactedValue = redact.Mask

// Secret is a string that must never be printed or logged: a token, a
// signing secret or an API key. Every way of printing it — fmt verbs,
// log/slog, encoding/json, YAML — shows RedactedValue (or "" when unset), so a
// Config can be logged whole without leaking. Call Reveal at the one place
// that hands the value to a client library.
type Secret string

// Reveal returns the secret's value. Call it only to hand the value to the
// code that needs it, never to print it.
func (s Secret) Reveal() string { return string(s) }

// IsSet reports whether the secret has a value.
func (s Secret) IsSet() bool { return s != "" }

// String returns RedactedValue for a set secret and "" for an unset one.
func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return RedactedValue
}

// GoString keeps %#v from printing the value.
func (s Secret) GoString() string { return fmt.Sprintf("config.Secret(%q)", s.String()) }

// Format makes every fmt verb (%v, %s, %q, %x, %d, …) print the redacted
// form; without it, verbs such as %x or %d would print the raw bytes.
func (s Secret) Format(f fmt.State, verb rune) {
	switch verb {
	case 'q':
		fmt.Fprintf(f, "%q", s.String())
	case 'v':
		if f.Flag('#') {
			fmt.Fprint(f, s.GoString())
			return
		}
		fmt.Fprint(f, s.String())
	default:
		fmt.Fprint(f, s.String())
	}
}

// LogValue implements slog.LogValuer.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.String()) }

// MarshalText implements encoding.TextMarshaler, which encoding/json and
// YAML encoders use, so the value never reaches their output either.
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.String()), nil }
