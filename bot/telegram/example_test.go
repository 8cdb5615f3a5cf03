package telegram_test

import (
	"context"
	"log"
	"net/http"
	"os"
	"os/signal"
	"time"

	"github.com/citebot/citebot/bot"
	"github.com/citebot/citebot/bot/telegram"
	"github.com/citebot/citebot/corpus"
	"github.com/citebot/citebot/retrieval"
)

// Serve the default corpus on Telegram: long polling, or a webhook on the
// same HTTP server as everything else when TELEGRAM_WEBHOOK_URL is set.
func ExampleNew() {
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

	tg, err := telegram.New(os.Getenv("TELEGRAM_BOT_TOKEN"), eng, bot.NewFeedbackLog("data"), telegram.Options{
		WebhookURL:    os.Getenv("TELEGRAM_WEBHOOK_URL"),
		WebhookSecret: os.Getenv("TELEGRAM_WEBHOOK_SECRET"),
		AllowedChats:  []int64{-1001234567890},
		RatePerChat:   telegram.Rate{Burst: 10, Every: 6 * time.Second},
	})
	if err != nil {
		log.Fatal(err)
	}
	defer tg.Close()

	mux := http.NewServeMux()
	tg.Register(mux) // POST /telegram/webhook in webhook mode
	go http.ListenAndServe(":8080", mux)

	if err := tg.Run(ctx); err != nil {
		log.Fatal(err)
	}
}
