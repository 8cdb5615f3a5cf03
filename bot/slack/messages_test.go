package slack

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/citebot/citebot"
)

func TestApology(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{citebot.ErrEmptyQuestion, "I didn't find a question in that. Try asking in a full sentence."},
		{fmt.Errorf("answer: %w", citebot.ErrQuestionTooLong), "That question is too long. Please keep it under 2000 characters."},
		{citebot.ErrNotReady, notReadyText},
		{fmt.Errorf("answer: %w", context.DeadlineExceeded), timeoutText},
		{errors.New("disk on fire"), failedText},
	}
	for _, tt := range tests {
		if got := apology(tt.err); got != tt.want {
			t.Errorf("apology(%v): got %q, want %q", tt.err, got, tt.want)
		}
	}
}

func TestIsHelp(t *testing.T) {
	for q, want := range map[string]bool{"help": true, "Help?": true, "usage": true, "help me find the treaty": false, "": false} {
		if got := isHelp(q); got != want {
			t.Errorf("isHelp(%q): got %v, want %v", q, got, want)
		}
	}
}

func TestRateLimitedText(t *testing.T) {
	for d, want := range map[time.Duration]string{
		time.Second:             "1 second.",
		1500 * time.Millisecond: "2 seconds.",
		time.Minute:             "60 seconds.",
	} {
		if got := rateLimitedText(d); !strings.HasSuffix(got, want) {
			t.Errorf("rateLimitedText(%v): got %q, want it to end in %q", d, got, want)
		}
	}
}

func TestFeedbackValueFitsAButton(t *testing.T) {
	for _, q := range []string{"when?", strings.Repeat("\x01", 2000), strings.Repeat("é\"", 2000)} {
		v := encodeFeedbackValue("abc", q)
		if n := utf8.RuneCountInString(v); n > maxButtonValue {
			t.Errorf("value of %d runes, limit %d", n, maxButtonValue)
		}
		if got := decodeFeedbackValue(v); got.ID != "abc" {
			t.Errorf("round trip: got %+v", got)
		}
	}
	if got := decodeFeedbackValue("not json"); got.ID != "" {
		t.Errorf("garbage decoded to %+v", got)
	}
}
