package retry

import (
	"context"
	"errors"
	"testing"
	"time"
)

var errBusy = errors.New("busy")

func TestPolicyDo(t *testing.T) {
	permanent := errors.New("bad request")
	tests := []struct {
		name      string
		p         Policy
		fails     []error // what the calls return, in order; then nil
		wantCalls int
		wantErr   error
		wantWaits []time.Duration
	}{
		{"success first", Policy{Retries: 3, First: time.Second, Max: 4 * time.Second}, nil, 1, nil, nil},
		{"backs off and doubles to Max", Policy{Retries: 5, First: time.Second, Max: 3 * time.Second},
			[]error{errBusy, errBusy, errBusy, errBusy}, 5, nil, []time.Duration{time.Second, 2 * time.Second, 3 * time.Second, 3 * time.Second}},
		{"gives up after Retries", Policy{Retries: 2, First: time.Second, Max: time.Second},
			[]error{errBusy, errBusy, errBusy, errBusy}, 3, errBusy, []time.Duration{time.Second, time.Second}},
		{"no retries", Policy{}, []error{errBusy}, 1, errBusy, nil},
		{"permanent error", Policy{Retries: 3, Retryable: func(err error) bool { return err == errBusy }},
			[]error{errBusy, permanent}, 2, permanent, []time.Duration{0}},
		{"waits as asked", Policy{Retries: 3, WaitFor: func(error) (time.Duration, bool) { return 7 * time.Second, true }},
			[]error{errBusy}, 2, nil, []time.Duration{7 * time.Second}},
		{"asked to wait too long", Policy{Retries: 3, WaitFor: func(error) (time.Duration, bool) { return 0, false }},
			[]error{errBusy}, 1, errBusy, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var waits []time.Duration
			tt.p.Sleep = func(_ context.Context, d time.Duration) error { waits = append(waits, d); return nil }
			calls := 0
			n, err := tt.p.Do(context.Background(), func(context.Context) error {
				calls++
				if calls <= len(tt.fails) {
					return tt.fails[calls-1]
				}
				return nil
			})
			if n != tt.wantCalls || calls != tt.wantCalls || err != tt.wantErr {
				t.Errorf("got %d calls (%d reported), error %v; want %d, %v", calls, n, err, tt.wantCalls, tt.wantErr)
			}
			if len(waits) != len(tt.wantWaits) {
				t.Fatalf("got waits %v, want %v", waits, tt.wantWaits)
			}
			for i := range waits {
				if waits[i] != tt.wantWaits[i] {
					t.Errorf("got waits %v, want %v", waits, tt.wantWaits)
					break
				}
			}
		})
	}
}

func TestPolicyJitterStaysInTheUpperHalf(t *testing.T) {
	p := Policy{Retries: 50, First: time.Second, Max: time.Second, Jitter: true}
	p.Sleep = func(_ context.Context, d time.Duration) error {
		if d < time.Second/2 || d > time.Second {
			t.Errorf("got a wait of %v, want 0.5s to 1s", d)
		}
		return nil
	}
	p.Do(context.Background(), func(context.Context) error { return errBusy })
}

func TestDoStopsWhenTheContextEnds(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	calls := 0
	_, err := Policy{Retries: -1, First: time.Hour, Max: time.Hour}.Do(ctx, func(context.Context) error {
		calls++
		cancel()
		return errBusy
	})
	if calls != 1 || err != errBusy {
		t.Errorf("got %d calls and %v, want 1 call and the call's error", calls, err)
	}
	if err := Sleep(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Errorf("Sleep on a cancelled context: got %v, want context.Canceled", err)
	}
}
