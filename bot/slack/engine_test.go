package slack

import (
	"context"
	"log/slog"
	"os"
	"sync"
	"testing"

	"github.com/citebot/citebot"
	"github.com/citebot/citebot/corpus"
	"github.com/citebot/citebot/retrieval"
)

// The happy-path tests answer from the real engine over the default corpus.
var (
	engineOnce sync.Once
	engine     *retrieval.Engine
	engineErr  error
)

// realEngine returns the engine over corpus.Default(), built once per test
// binary and closed by TestMain.
func realEngine(t *testing.T) citebot.Answerer {
	t.Helper()
	engineOnce.Do(func() {
		ctx := context.Background()
		docs, _, err := corpus.Load(ctx, corpus.Default(), corpus.LoadOptions{})
		if err != nil {
			engineErr = err
			return
		}
		engine, engineErr = retrieval.NewEngine(ctx, docs, retrieval.Options{
			Logger: slog.New(slog.DiscardHandler),
		})
	})
	if engineErr != nil {
		t.Fatalf("build engine: %v", engineErr)
	}
	return engine
}

func TestMain(m *testing.M) {
	code := m.Run()
	if engine != nil {
		_ = engine.Close()
	}
	os.Exit(code)
}
