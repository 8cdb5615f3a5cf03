package bot_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/citebot/citebot/bot"
	"github.com/citebot/citebot/retrieval"
)

type answerFunc func(context.Context, retrieval.Question) (retrieval.Answer, error)

func (f answerFunc) Answer(ctx context.Context, q retrieval.Question) (retrieval.Answer, error) {
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
		{"answers", func(context.Context, retrieval.Question) (retrieval.Answer, error) {
			return retrieval.Answer{Text: "2004"}, nil
		}, nil, "2004"},
		{"error passes through", func(context.Context, retrieval.Question) (retrieval.Answer, error) {
			return retrieval.Answer{}, retrieval.ErrNotReady
		}, retrieval.ErrNotReady, ""},
		{"ignores its context", func(context.Context, retrieval.Question) (retrieval.Answer, error) {
			<-release
			return retrieval.Answer{Text: "late"}, nil
		}, context.DeadlineExceeded, ""},
		{"honours its context", func(ctx context.Context, _ retrieval.Question) (retrieval.Answer, error) {
			<-ctx.Done()
			return retrieval.Answer{}, errors.New("gave up")
		}, context.DeadlineExceeded, ""},
		{"panics", func(context.Context, retrieval.Question) (retrieval.Answer, error) {
			panic("boom")
		}, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ans, err := bot.AnswerWithin(context.Background(), 50*time.Millisecond, func(ctx context.Context) (retrieval.Answer, error) {
				return tt.a.Answer(ctx, retrieval.Question{Text: "q"})
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
