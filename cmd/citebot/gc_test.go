package main

import (
	"errors"
	"log/slog"
	"math"
	"runtime/debug"
	"testing"

	"github.com/KimMachineGun/automemlimit/memlimit"
)

func TestTuneGC(t *testing.T) {
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(math.MaxInt64))
	const gib = 1 << 30
	ratio := memLimitRatio // a variable: 90% of 2 GiB is not a whole constant
	tests := []struct {
		name  string
		env   map[string]string
		limit memlimit.Provider
		want  int64
	}{
		{"container limit", nil, memlimit.Limit(2 * gib), int64(2 * gib * ratio)},
		{"no container limit", nil, func() (uint64, error) { return 0, memlimit.ErrNoLimit }, math.MaxInt64},
		{"unreadable limit", nil, func() (uint64, error) { return 0, errors.New("no cgroup") }, math.MaxInt64},
		{"GOGC set", map[string]string{"GOGC": "200"}, memlimit.Limit(2 * gib), math.MaxInt64},
		{"GOMEMLIMIT set", map[string]string{"GOMEMLIMIT": "1GiB"}, memlimit.Limit(2 * gib), math.MaxInt64},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			debug.SetMemoryLimit(math.MaxInt64)
			tuneGC(func(k string) string { return tt.env[k] }, tt.limit, slog.New(slog.DiscardHandler))
			if got := debug.SetMemoryLimit(-1); got != tt.want {
				t.Errorf("memory limit = %d, want %d", got, tt.want)
			}
		})
	}
}
