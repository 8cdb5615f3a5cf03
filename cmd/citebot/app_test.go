package main

import (
	"context"
	"io"
	"testing"
	"time"

	"github.com/citebot/citebot/config"
)

// loadEnv loads a Config from env alone.
func loadEnv(t testing.TB, env map[string]string) config.Config {
	t.Helper()
	cfg, err := config.Load(nil, func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// servedApp is a server started by startApp.
type servedApp struct {
	*app
	// URL is the server's base URL.
	URL string
	// Cancel stops it as a signal would; Wait returns Run's result.
	Cancel context.CancelFunc
	done   chan struct{}
	err    error
}

// Wait returns Run's result once it has returned, failing the test if that
// takes longer than 30 seconds.
func (s *servedApp) Wait(t testing.TB) error {
	t.Helper()
	select {
	case <-s.done:
		return s.err
	case <-time.After(30 * time.Second):
		t.Fatal("Run did not return after cancel")
		return nil
	}
}

// startApp runs a server like `citebot serve` and returns once it listens.
// The server is stopped when the test ends, if the test has not stopped it.
// mods adjust the app before it runs.
func startApp(t testing.TB, cfg config.Config, logs io.Writer, mods ...func(*app)) *servedApp {
	t.Helper()
	a, err := newApp(cfg, cfg.NewLogger(logs))
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range mods {
		m(a)
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &servedApp{app: a, Cancel: cancel, done: make(chan struct{})}
	go func() {
		s.err = a.Run(ctx)
		close(s.done)
	}()
	t.Cleanup(func() {
		cancel()
		if err := s.Wait(t); err != nil {
			t.Errorf("Run: %v", err)
		}
		a.Close()
	})
	s.URL = "http://" + <-a.listening
	return s
}
