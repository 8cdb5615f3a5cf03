package bot

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/citebot/citebot"
)

// AnswerWithin runs call with a deadline of timeout and returns by that
// deadline even if call ignores its context, so a chat user always hears
// back; the call itself then finishes in the background. A panic in call
// becomes an error, and a timeout wraps context.DeadlineExceeded.
func AnswerWithin(ctx context.Context, timeout time.Duration, call func(context.Context) (citebot.Answer, error)) (citebot.Answer, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	type result struct {
		ans citebot.Answer
		err error
	}
	done := make(chan result, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				done <- result{err: fmt.Errorf("answerer panicked: %v", r)}
			}
		}()
		ans, err := call(ctx)
		done <- result{ans, err}
	}()
	select {
	case r := <-done:
		if r.err != nil && ctx.Err() != nil && !errors.Is(r.err, ctx.Err()) {
			r.err = fmt.Errorf("%w (%w)", ctx.Err(), r.err)
		}
		return r.ans, r.err
	case <-ctx.Done():
		return citebot.Answer{}, fmt.Errorf("answer: %w", ctx.Err())
	}
}
