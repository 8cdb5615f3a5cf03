// Package retry calls a failing operation again: Sleep, which a cancelled
// context cuts short, and Policy, the loop the model, index and chat
// clients retry with, waiting with exponential backoff or as the server
// asked.
package retry

import (
	"context"
	"math/rand/v2"
	"time"
)

// Sleep waits for d or until ctx is done, and then returns ctx's error.
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Policy says when a failed call is tried again and how long to wait
// first. The zero value retries nothing.
type Policy struct {
	// Retries caps the calls after the first; negative means no limit,
	// until the context ends.
	Retries int
	// First is the first wait; each later one doubles, up to Max.
	First, Max time.Duration
	// Jitter spreads each wait over its upper half, so that concurrent
	// callers do not retry in lockstep.
	Jitter bool
	// Retryable reports whether a call that failed with err may succeed
	// if made again; nil means every error.
	Retryable func(err error) bool
	// WaitFor, when set, is the wait the failure itself asks for (a
	// Retry-After), used instead of the backoff; false gives up.
	WaitFor func(err error) (time.Duration, bool)
	// OnRetry, when set, is called before each wait with the number of
	// the call that failed (1-based), the wait and the error. For logs.
	OnRetry func(attempt int, wait time.Duration, err error)
	// Sleep waits; nil means the package's Sleep. Tests replace it.
	Sleep func(ctx context.Context, d time.Duration) error
}

// Do calls f until it succeeds, fails with an error the policy does not
// retry, has been retried Retries times, or ctx ends, and returns how
// many calls it made and the last call's error.
func (p Policy) Do(ctx context.Context, f func(context.Context) error) (int, error) {
	sleep := p.Sleep
	if sleep == nil {
		sleep = Sleep
	}
	wait := p.First
	for attempt := 1; ; attempt++ {
		err := f(ctx)
		if err == nil {
			return attempt, nil
		}
		if ctx.Err() != nil || (p.Retries >= 0 && attempt > p.Retries) || (p.Retryable != nil && !p.Retryable(err)) {
			return attempt, err
		}
		d := wait
		if p.WaitFor != nil {
			var ok bool
			if d, ok = p.WaitFor(err); !ok {
				return attempt, err
			}
		} else if p.Jitter {
			d = wait/2 + rand.N(wait/2+1)
		}
		if p.OnRetry != nil {
			p.OnRetry(attempt, d, err)
		}
		if sleep(ctx, d) != nil {
			return attempt, err
		}
		wait = min(2*wait, p.Max)
	}
}
