package main

import "runtime/debug"

// defaultGCPercent is serve's garbage collector target when GOGC is not
// set. serve keeps its index in the heap for as long as it runs, and Go's
// default (100: let garbage grow as large as the live heap before
// collecting) doubled that at the peak: at 96k chunks, serve under 32
// connections peaked at 766 MB with 100 and 589 MB with 50, answering as
// fast (docs/benchmarks.md, "Stored index: results"). ingest keeps the
// default: it ends, and at 50 its peak fell only from 783 to 610 MB while
// it took 45% longer.
const defaultGCPercent = 50

// tuneGC sets the collector's target to defaultGCPercent, unless the
// environment sets GOGC (or GOMEMLIMIT), which then decide as usual.
func tuneGC(getenv func(string) string) {
	if getenv("GOGC") == "" && getenv("GOMEMLIMIT") == "" {
		debug.SetGCPercent(defaultGCPercent)
	}
}
