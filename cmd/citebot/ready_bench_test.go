package main

import (
	"context"
	"io"
	"os"
	"testing"
	"time"

	"github.com/citebot/citebot/config"
)

// BenchmarkServeReady measures start-up on the embedded corpus: from
// constructing the server to /readyz turning 200, with a fresh data dir
// (the worst case: everything is embedded and stored).
func BenchmarkServeReady(b *testing.B) {
	var total time.Duration
	for i := 0; i < b.N; i++ {
		dir := b.TempDir()
		cfg, err := config.Load(nil, func(k string) string {
			switch k {
			case "CITEBOT_ADDR":
				return "127.0.0.1:0"
			case "CITEBOT_DATA_DIR":
				return dir
			}
			return os.Getenv(k)
		})
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		a, err := newApp(cfg, cfg.Log.NewLogger(io.Discard))
		if err != nil {
			b.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- a.Run(ctx) }()
		<-a.ready
		total += time.Since(start)
		cancel()
		if err := <-done; err != nil {
			b.Fatal(err)
		}
		a.Close()
	}
	b.ReportMetric(float64(total.Milliseconds())/float64(b.N), "ms-to-ready")
}
