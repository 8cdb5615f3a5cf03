// Package parallel runs independent steps of a loop on every CPU.
package parallel

import (
	"runtime"
	"sync"
)

// minPerWorker is the fewest steps worth a goroutine: below it, starting
// one costs more than the steps.
const minPerWorker = 64

// For calls f(i) for every i in [0, n), spread over every CPU, and
// returns when all calls have. The calls must not depend on each other.
func For(n int, f func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), max(n/minPerWorker, 1))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < n; i += workers {
				f(i)
			}
		})
	}
	wg.Wait()
}

// Spare is how many goroutines should share a CPU-bound task that runs
// beside one long serial one: every CPU but one, and at least one. At
// ingest, bleve builds its index segments on a single goroutine, the
// longest chain of the build; embedding and learning the corpus take the
// other CPUs, so that they do not slow it down.
func Spare() int { return max(runtime.GOMAXPROCS(0)-1, 1) }
