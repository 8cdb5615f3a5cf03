package slack_test

import (
	"context"
	"log"
	"net/http"
	"os"
	"os/signal"

	"github.com/citebot/citebot/bot"
	"github.com/citebot/citebot/bot/slack"
	"github.com/citebot/citebot/corpus"
	"github.com/citebot/citebot/retrieval"
)

// Example wires the adapter to the engine in both modes, the way
// `citebot serve` does.
func Example() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	docs, _, err := corpus.Load(ctx, corpus.Default(), corpus.LoadOptions{})
	if err != nil {
		log.Fatal(err)
	}
	eng, err := retrieval.NewEngine(ctx, docs, retrieval.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer eng.Close()

	a, err := slack.New(eng, bot.NewFeedbackLog("data"), slack.Options{
		SigningSecret: os.Getenv("SLACK_SIGNING_SECRET"),
		BotToken:      os.Getenv("SLACK_BOT_TOKEN"),
		AppToken:      os.Getenv("SLACK_APP_TOKEN"),
		APIURL:        os.Getenv("SLACK_API_URL"),
	})
	if err != nil {
		log.Fatal(err)
	}
	defer a.Close() // waits for answers in flight

	mux := http.NewServeMux()
	a.Register(mux) // HTTP mode, if SigningSecret is set
	srv := &http.Server{Addr: ":8080", Handler: mux}
	go func() { _ = srv.ListenAndServe() }()
	defer srv.Shutdown(context.Background())

	if err := a.Run(ctx); err != nil { // Socket Mode, if AppToken is set
		log.Print(err)
	}
	<-ctx.Done()
}
