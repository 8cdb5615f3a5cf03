package main

import (
	"io"
	"os"
	"testing"
	"time"
)

// BenchmarkServeReady measures start-up on the embedded corpus: from
// constructing the server to /readyz turning 200, with a fresh data dir
// (the worst case: everything is embedded and stored).
//
// With CITEBOT_BENCH_DATA_DIR naming a data dir that `citebot ingest`
// built (such as a generated corpus's, as scripts/benchstore.sh makes
// them), every start opens that instead, with the corpus it records: the
// start-up after an ingest that issue 13 is about, in a form that
// -cpuprofile and -memprofile can look into. Each start's engine stays
// open until the benchmark ends, so at large sizes use -benchtime 1x.
func BenchmarkServeReady(b *testing.B) {
	stored := os.Getenv("CITEBOT_BENCH_DATA_DIR")
	var total time.Duration
	for i := 0; i < b.N; i++ {
		dir := stored
		if dir == "" {
			dir = b.TempDir()
		}
		cfg := loadEnv(b, map[string]string{"CITEBOT_ADDR": "127.0.0.1:0", "CITEBOT_DATA_DIR": dir})
		start := time.Now()
		srv := startApp(b, cfg, io.Discard)
		<-srv.ready
		total += time.Since(start)
		srv.Cancel()
		if err := srv.Wait(b); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(total.Milliseconds())/float64(b.N), "ms-to-ready")
}
