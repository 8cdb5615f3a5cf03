package bot

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/citebot/citebot/retrieval"
)

// Ask calls a with a deadline of timeout and returns by that deadline even
// if a ignores its context, so a chat user always hears back; the call
// itself then finishes in the background. A panic in a becomes an error.
// A timeout is reported as context.DeadlineExceeded.
func Ask(ctx context.Context, a Answerer, q retrieval.Question, timeout time.Duration) (retrieval.Answer, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	type result struct {
		ans retrieval.Answer
		err error
	}
	done := make(chan result, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				done <- result{err: fmt.Errorf("answerer panicked: %v", r)}
			}
		}()
		ans, err := a.Answer(ctx, q)
		done <- result{ans, err}
	}()
	select {
	case r := <-done:
		if r.err != nil && ctx.Err() != nil && !errors.Is(r.err, ctx.Err()) {
			r.err = fmt.Errorf("%w (%w)", ctx.Err(), r.err)
		}
		return r.ans, r.err
	case <-ctx.Done():
		return retrieval.Answer{}, ctx.Err()
	}
}
