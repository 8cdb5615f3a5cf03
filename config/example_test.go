package config_test

import (
	"flag"
	"fmt"

	"github.com/citebot/citebot/config"
)

func ExampleLoad() {
	fs := flag.NewFlagSet("citebot serve", flag.ContinueOnError)
	config.RegisterFlags(fs)
	fs.Bool("json", false, "a subcommand's own flag")
	if err := fs.Parse([]string{"--addr", ":9090", "--log-format", "text"}); err != nil {
		panic(err)
	}
	env := map[string]string{
		"CITEBOT_ADDR":        ":8080", // the flag wins
		"SLACK_BOT_TOKEN":     "xoxb-123-456-abc",
		"SLACK_APP_TOKEN":     "xapp-1-A123-456-def",
		"CITEBOT_EMBED_MODEL": "nomic-embed-text",
		"OPENAI_BASE_URL":     "http://localhost:11434/v1",
		"CITEBOT_DATA_DIR":    "/data",
	}
	cfg, err := config.Load(fs, func(k string) string { return env[k] })
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("addr:", cfg.Server.Addr)
	fmt.Println("slack socket mode:", cfg.Slack.SocketMode())
	fmt.Println("llm mode:", cfg.LLMMode())
	fmt.Println("bot token:", cfg.Slack.BotToken)
	fmt.Println(cfg.Slack)
	// Output:
	// addr: :9090
	// slack socket mode: true
	// llm mode: embeddings-only
	// bot token: [redacted]
	// {slack: {signing_secret: "", bot_token: '[redacted]', app_token: '[redacted]', api_url: 'https://slack.com/api/', command: /ask, in_channel: false, allowlist: [], rate_per_user: 10/m}}
}

func ExampleLoad_errors() {
	env := map[string]string{
		"SLACK_BOT_TOKEN":      "xoxb-123-456-abc",
		"TELEGRAM_WEBHOOK_URL": "http://bot.example.com/telegram/webhook",
		"TELEGRAM_BOT_TOKEN":   "123456:AAE-abc",
	}
	_, err := config.Load(nil, func(k string) string { return env[k] })
	fmt.Println(err)
	// Output:
	// TELEGRAM_WEBHOOK_URL (config key telegram.webhook_url): "http://bot.example.com/telegram/webhook" (from the environment) has scheme "http", but only https is accepted; use an absolute URL such as https://bot.example.com/telegram/webhook
	// SLACK_SIGNING_SECRET (config key slack.signing_secret): is not set, but SLACK_BOT_TOKEN is; HTTP mode needs both to verify requests, so copy the Signing Secret from the Slack app's Basic Information page, or set SLACK_APP_TOKEN (xapp-…) to use Socket Mode instead
}

func ExampleParseRate() {
	r, err := config.ParseRate("30/90s")
	fmt.Println(r.Events, r.Per, r.Every(), err)
	// Output: 30 1m30s 3s <nil>
}
