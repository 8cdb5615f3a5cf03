package main

import (
	"io"
	"testing"
	"time"
)

// BenchmarkServeReady measures start-up on the embedded corpus: from
// constructing the server to /readyz turning 200, with a fresh data dir
// (the worst case: everything is embedded and stored).
func BenchmarkServeReady(b *testing.B) {
	var total time.Duration
	for i := 0; i < b.N; i++ {
		cfg := loadEnv(b, map[string]string{"CITEBOT_ADDR": "127.0.0.1:0", "CITEBOT_DATA_DIR": b.TempDir()})
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
