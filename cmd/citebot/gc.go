package main

import (
	"log/slog"

	"github.com/KimMachineGun/automemlimit/memlimit"
)

// memLimitRatio is the share of a container's memory limit that serve
// gives the Go runtime as its soft limit (GOMEMLIMIT), leaving the rest to
// what the runtime does not count: stacks the kernel has not reclaimed,
// the mapped vector table, the page cache of the index files.
const memLimitRatio = 0.9

// tuneGC sets serve's soft memory limit to memLimitRatio of the limit the
// container (cgroup) puts on the process, when it puts one, unless the
// environment sets GOGC or GOMEMLIMIT, which then decide as usual. The
// collector otherwise keeps Go's default target (100): with the vector
// table off the heap, serve at 96k chunks under 32 connections peaks at
// 531 MB with it and answers up to 10% faster than with 50 (424 MB), and near
// a container's limit the soft limit makes the collector work harder
// instead of letting the process be killed (docs/benchmarks.md).
func tuneGC(getenv func(string) string, limit memlimit.Provider, log *slog.Logger) {
	if getenv("GOGC") != "" || getenv("GOMEMLIMIT") != "" {
		return
	}
	n, err := memlimit.Set(memlimit.WithProvider(limit), memlimit.WithRatio(memLimitRatio))
	switch {
	case err != nil:
		log.Debug("no container memory limit read; the collector keeps its default", "err", err)
	case n > 0 && n < 1<<62:
		log.Info("soft memory limit set from the container's", "bytes", n)
	}
}
