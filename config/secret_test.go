package config

import (
	"encoding/json"
	"fmt"
	"testing"
)

func TestSecret(t *testing.T) {
	s := Secret("xoxb-hidden")
	tests := []struct{ name, got, want string }{
		{"String", s.String(), RedactedValue},
		{"%v", fmt.Sprintf("%v", s), RedactedValue},
		{"%q", fmt.Sprintf("%q", s), `"[redacted]"`},
		{"%#v", fmt.Sprintf("%#v", s), `config.Secret("[redacted]")`},
		{"%x", fmt.Sprintf("%x", s), RedactedValue},
		{"in struct", fmt.Sprintf("%+v", struct{ T Secret }{s}), "{T:[redacted]}"},
		{"LogValue", s.LogValue().String(), RedactedValue},
		{"Reveal", s.Reveal(), "xoxb-hidden"},
		{"unset", Secret("").String(), ""},
		{"unset %q", fmt.Sprintf("%q", Secret("")), `""`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.got != tc.want {
				t.Errorf("got %q, want %q", tc.got, tc.want)
			}
		})
	}
	b, err := json.Marshal(struct{ T Secret }{s})
	if err != nil || string(b) != `{"T":"[redacted]"}` {
		t.Errorf("json: got %s, %v", b, err)
	}
	if !s.IsSet() || Secret("").IsSet() {
		t.Error("IsSet is wrong")
	}
}
