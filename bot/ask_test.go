package bot_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/citebot/citebot"
	"github.com/citebot/citebot/bot"
)

type answerFunc func(context.Context, citebot.Question) (citebot.Answer, error)

func (f answerFunc) Answer(ctx context.Context, q citebot.Question) (citebot.Answer, error) {
	return f(ctx, q)
}

func TestAnswerWithin(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	tests := []struct {
		name    string
		a       answerFunc
		wantErr error
		wantAns string
	}{
		{"answers", func(context.Context, citebot.Question) (citebot.Answer, error) {
			return citebot.Answer{Text: "2004"}, nil
		}, nil, "2004"},
		{"error passes through", func(context.Context, citebot.Question) (citebot.Answer, error) {
			return citebot.Answer{}, citebot.ErrNotReady
		}, citebot.ErrNotReady, ""},
		{"ignores its context", func(context.Context, citebot.Question) (citebot.Answer, error) {
			<-release
			return citebot.Answer{Text: "late"}, nil
		}, context.DeadlineExceeded, ""},
		{"honours its context", func(ctx context.Context, _ citebot.Question) (citebot.Answer, error) {
			<-ctx.Done()
			return citebot.Answer{}, errors.New("gave up")
		}, context.DeadlineExceeded, ""},
		{"panics", func(context.Context, citebot.Question) (citebot.Answer, error) {
			panic("boom")
		}, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ans, err := bot.AnswerWithin(context.Background(), 50*time.Millisecond, func(ctx context.Context) (citebot.Answer, error) {
				return tt.a.Answer(ctx, citebot.Question{Text: "q"})
			})
			switch {
			case tt.name == "panics":
				if err == nil {
					t.Error("got nil error for a panicking answerer")
				}
			case !errors.Is(err, tt.wantErr):
				t.Errorf("got error %v, want %v", err, tt.wantErr)
			}
			if ans.Text != tt.wantAns {
				t.Errorf("got answer %q, want %q", ans.Text, tt.wantAns)
			}
		})
	}
}
