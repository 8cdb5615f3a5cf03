package metrics_test

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/citebot/citebot"
	"github.com/citebot/citebot/corpus"
	"github.com/citebot/citebot/metrics"
	"github.com/citebot/citebot/retrieval"
)

// An Observer wraps the engine handed to a chat adapter, so that every
// question is counted by adapter and outcome and logged with a request ID.
func ExampleObserver_Wrap() {
	ctx := context.Background()
	docs, _, _ := corpus.Load(ctx, corpus.Default(), corpus.LoadOptions{})
	eng, err := retrieval.NewEngine(ctx, docs, retrieval.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer eng.Close()

	m := metrics.New() // serve m.Handler() at /metrics
	obs := metrics.NewObserver(metrics.ObserverOptions{Recorder: m, Logger: slog.New(slog.DiscardHandler)})
	slackAnswerer := obs.Wrap(eng, "slack")

	ans, _ := slackAnswerer.Answer(ctx, citebot.Question{Text: "when did Estonia ratify Ottawa?"})
	fmt.Println(metrics.OutcomeOf(ans, nil, false))
	// Output: answered
}
