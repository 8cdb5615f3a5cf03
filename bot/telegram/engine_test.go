package telegram

import (
	"context"
	"os"
	"sync"
	"testing"

	"github.com/citebot/citebot"
	"github.com/citebot/citebot/corpus"
	"github.com/citebot/citebot/retrieval"
)

// The engine is an Answerer.
var _ citebot.Answerer = (*retrieval.Engine)(nil)

var engine struct {
	once sync.Once
	eng  *retrieval.Engine
	err  error
}

// realEngine is the real engine over the default corpus, built once for
// all tests. Happy-path tests answer with it, never with a stand-in.
func realEngine(t testing.TB) citebot.Answerer {
	t.Helper()
	engine.once.Do(func() {
		ctx := context.Background()
		docs, _, err := corpus.Load(ctx, corpus.Default(), corpus.LoadOptions{})
		if err != nil {
			engine.err = err
			return
		}
		engine.eng, engine.err = retrieval.NewEngine(ctx, docs, retrieval.Options{})
	})
	if engine.err != nil {
		t.Fatalf("build engine: %v", engine.err)
	}
	return engine.eng
}

func TestMain(m *testing.M) {
	code := m.Run()
	if engine.eng != nil {
		engine.eng.Close()
	}
	os.Exit(code)
}
