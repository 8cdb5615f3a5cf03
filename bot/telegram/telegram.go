// Package telegram connects citebot to Telegram: people ask in private
// chats or groups and get answers that cite the source file with a verbatim
// quote, rendered in Telegram HTML, with 👍/👎 buttons whose clicks go to
// the shared feedback log.
//
// It uses github.com/go-telegram/bot for the Bot API, but matches commands
// and mentions itself (the library misses "/ask@botname" and counts entity
// offsets in bytes rather than UTF-16 units) and checks the webhook secret
// itself (the library's handler answers 200 to anything).
//
// An Adapter receives updates by long polling, or in webhook mode when
// Options.WebhookURL is set. Either way Run drives it:
//
//	tg, err := telegram.New(token, engine, feedbackLog, telegram.Options{})
//	...
//	tg.Register(mux) // webhook mode only; a no-op otherwise
//	err = tg.Run(ctx)
package telegram

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/citebot/citebot"
	"github.com/citebot/citebot/bot"
	"github.com/citebot/citebot/internal/redact"
	"github.com/citebot/citebot/internal/retry"
)

// WebhookPath is where Register mounts the webhook handler. Options.WebhookURL
// must reach it.
const WebhookPath = "/telegram/webhook"

// Defaults for the zero values of Options.
const (
	DefaultMaxConcurrent   = 4
	DefaultAnswerTimeout   = 30 * time.Second
	DefaultTypingInterval  = 4 * time.Second
	DefaultPollTimeout     = 50 * time.Second
	DefaultExampleQuestion = bot.GenericExample
)

// Limits that are not worth an option.
const (
	// sendBudget is how long a handler may spend replying after the
	// answer is ready, 429 waits included.
	sendBudget = 30 * time.Second
	// maxRetryWait is the longest retry_after the adapter waits for; a
	// longer one fails the call rather than hold a worker for minutes.
	maxRetryWait = 30 * time.Second
	// maxAttempts is how often a call is tried when Telegram answers 429.
	maxAttempts = 3
	// rememberAnswers is how many sent messages the adapter remembers for
	// feedback and follow-ups; older ones still work, with less context.
	rememberAnswers = 4096
	// rememberChats bounds the chats remembered as already refused; a chat
	// forgotten past it may be refused once more.
	rememberChats = 10000
	// rememberUpdates is how many update IDs are kept to drop Telegram's
	// redeliveries.
	rememberUpdates = 1024
	// maxWebhookBody bounds a webhook request; real updates are a few KB.
	maxWebhookBody = 1 << 20
)

// allowedUpdates are the update kinds the adapter asks Telegram for.
// Edits, channel posts and the rest are not even delivered.
var allowedUpdates = []string{models.AllowedUpdateMessage, models.AllowedUpdateCallbackQuery}

// ErrClosed is returned by Run after Close.
var ErrClosed = errors.New("telegram: adapter closed")

// Options tune an Adapter. The zero value is ready to use: long polling
// against api.telegram.org, every chat allowed.
type Options struct {
	// APIURL is the Bot API server. "" means https://api.telegram.org; set
	// it for a self-hosted telegram-bot-api server or a test server.
	APIURL string
	// WebhookURL selects webhook mode when set: Run registers it with
	// setWebhook and Telegram POSTs updates to it, so it must reach this
	// server's WebhookPath (Telegram requires HTTPS on port 443, 80, 88 or
	// 8443). "" means long polling.
	WebhookURL string
	// WebhookSecret is the secret Telegram sends in the
	// X-Telegram-Bot-Api-Secret-Token header of every webhook request:
	// 1–256 characters from A–Z, a–z, 0–9, _ and -. "" means New
	// generates a random one; Run registers it either way.
	WebhookSecret string
	// AllowedChats lists the chat IDs the bot answers in. Others get one
	// polite refusal and are then ignored. Empty means every chat.
	AllowedChats []int64
	// RatePerChat limits how often one chat may ask; see Rate for its
	// defaults.
	RatePerChat Rate
	// RateLimiter, when set, replaces the in-process RatePerChat limit
	// with a shared one (such as sharedstate.Limiter over Redis), so that
	// replicas apply one limit per chat.
	RateLimiter RateLimiter
	// MaxConcurrent is how many updates are handled at once. 0 means
	// DefaultMaxConcurrent.
	MaxConcurrent int
	// AnswerTimeout bounds one Answer call; past it the user gets an
	// apology. 0 means DefaultAnswerTimeout.
	AnswerTimeout time.Duration
	// StreamInterval, when positive and the Answerer is a StreamAnswerer,
	// makes an answer appear as a language model writes it, updated at
	// most this often: in private chats as a draft (sendMessageDraft)
	// that the final answer replaces, in groups as a reply with the first
	// words that is edited (no more often than every 3 s, to stay within
	// Telegram's limits). Zero turns it off.
	StreamInterval time.Duration
	// TypingInterval is how often the typing action is repeated while an
	// answer is being worked out (Telegram shows it for about 5 s). 0 means
	// DefaultTypingInterval.
	TypingInterval time.Duration
	// PollTimeout is the long-polling timeout. 0 means DefaultPollTimeout.
	PollTimeout time.Duration
	// HTTPClient makes the Bot API calls. nil means a client with a timeout
	// of PollTimeout+15s. A client with a shorter non-zero Timeout would cut
	// every long poll short, so New rejects it.
	HTTPClient *http.Client
	// Logger receives the adapter's logs. nil means slog.Default(). The
	// bot token and webhook secret are scrubbed from everything the
	// adapter logs, errors included.
	Logger *slog.Logger
	// ExampleQuestion returns the example in /help and in the reply to an
	// empty /ask: a question the loaded corpus answers. nil, or "" while
	// the index loads, means DefaultExampleQuestion.
	ExampleQuestion bot.ExampleFunc
	// Ready, when not nil, is closed once the Answerer can answer (the
	// index has loaded). Until then Run fetches no update and the
	// webhook answers 503, so that Telegram keeps the updates and
	// delivers them later. nil means the Answerer is ready now.
	Ready <-chan struct{}
}

// Adapter is citebot's Telegram bot. Create it with New, mount it with
// Register (webhook mode) and start it with Run.
type Adapter struct {
	ans     citebot.Answerer
	fb      *bot.FeedbackLog
	tg      *tgbot.Bot
	opts    Options
	secret  string
	log     *slog.Logger
	allowed map[int64]bool // nil: every chat
	limit   *limiter
	shared  RateLimiter // replaces limit when set

	sent    *recent[msgKey, *sentAnswer] // the bot's answer messages
	seen    *recent[int64, struct{}]     // update IDs already handled
	refused *recent[int64, struct{}]     // chats already told they are not allowed
	noReact *recent[int64, struct{}]     // chats that refused the bot's reaction

	me atomic.Pointer[models.User] // the bot itself, from getMe in Run

	// groupInterval is the least time between edits of a streamed answer
	// in a group: groupStreamInterval, which tests shorten.
	groupInterval time.Duration

	// sleep waits d or until ctx is done. Tests replace it to check that
	// 429 retry_after is honoured without waiting seconds.
	sleep func(ctx context.Context, d time.Duration) error

	accepting atomic.Bool // webhook updates can be handed to workers
	state     *state

	mu       sync.Mutex
	closed   bool
	cancel   context.CancelFunc // stops Run
	done     chan struct{}      // closed when Run returns
	stopping chan struct{}      // closed when Run starts shutting down
}

// msgKey identifies a message.
type msgKey struct {
	chat int64
	msg  int
}

// sentAnswer is what the adapter remembers about an answer it sent.
type sentAnswer struct {
	conversation string
	root         int // message that started the conversation; 0 in private chats
	question     string
	answer       citebot.Answer
}

// New creates an Adapter for the bot with the given token. fb receives the
// 👍/👎 feedback; nil leaves the buttons out. New makes no network calls:
// Run talks to Telegram.
func New(token string, ans citebot.Answerer, fb *bot.FeedbackLog, opts Options) (*Adapter, error) {
	if strings.TrimSpace(token) == "" {
		return nil, errors.New("telegram: empty bot token")
	}
	if ans == nil {
		return nil, errors.New("telegram: nil Answerer")
	}
	if opts.MaxConcurrent <= 0 {
		opts.MaxConcurrent = DefaultMaxConcurrent
	}
	if opts.AnswerTimeout <= 0 {
		opts.AnswerTimeout = DefaultAnswerTimeout
	}
	if opts.TypingInterval <= 0 {
		opts.TypingInterval = DefaultTypingInterval
	}
	if opts.PollTimeout <= 0 {
		opts.PollTimeout = DefaultPollTimeout
	}
	if opts.PollTimeout < 2*time.Second {
		// The library asks Telegram to hold each poll PollTimeout-1s.
		return nil, fmt.Errorf("telegram: PollTimeout %v is under 2s", opts.PollTimeout)
	}
	if opts.HTTPClient == nil {
		opts.HTTPClient = &http.Client{Timeout: opts.PollTimeout + 15*time.Second}
	} else if t := opts.HTTPClient.Timeout; t != 0 && t <= opts.PollTimeout {
		return nil, fmt.Errorf("telegram: HTTPClient.Timeout %v must exceed PollTimeout %v", t, opts.PollTimeout)
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	opts.APIURL = strings.TrimRight(opts.APIURL, "/")
	if opts.APIURL != "" {
		if err := checkURL(opts.APIURL); err != nil {
			return nil, fmt.Errorf("telegram: APIURL: %w", err)
		}
	}

	secret := opts.WebhookSecret
	if opts.WebhookURL != "" {
		if err := checkURL(opts.WebhookURL); err != nil {
			return nil, fmt.Errorf("telegram: WebhookURL: %w", err)
		}
		if secret == "" {
			var raw [32]byte
			if _, err := io.ReadFull(rand.Reader, raw[:]); err != nil {
				return nil, fmt.Errorf("telegram: generate webhook secret: %w", err)
			}
			secret = hex.EncodeToString(raw[:])
		}
		if err := checkSecret(secret); err != nil {
			return nil, fmt.Errorf("telegram: WebhookSecret: %w", err)
		}
	}

	a := &Adapter{
		ans:    ans,
		fb:     fb,
		opts:   opts,
		secret: secret,
		// The library masks the token in transport errors, but not in an
		// error page that echoes the request path; scrub every line.
		log:     slog.New(redact.Handler(opts.Logger.Handler(), redact.New(token, secret))).With("adapter", "telegram"),
		limit:   newLimiter(opts.RatePerChat, time.Now),
		shared:  opts.RateLimiter,
		sent:    newRecent[msgKey, *sentAnswer](rememberAnswers),
		seen:    newRecent[int64, struct{}](rememberUpdates),
		refused: newRecent[int64, struct{}](rememberChats),
		noReact: newRecent[int64, struct{}](rememberChats),
		sleep:   retry.Sleep,
		state:   newState("starting"),

		groupInterval: groupStreamInterval,
	}
	if len(opts.AllowedChats) > 0 {
		a.allowed = make(map[int64]bool, len(opts.AllowedChats))
		for _, id := range opts.AllowedChats {
			a.allowed[id] = true
		}
	}

	tgOpts := []tgbot.Option{
		tgbot.WithSkipGetMe(), // no network in New; Run calls getMe
		tgbot.WithHTTPClient(opts.PollTimeout, opts.HTTPClient),
		tgbot.WithDefaultHandler(a.onUpdate),
		// Bounded concurrency: MaxConcurrent workers, each handling one
		// update at a time. Without WithNotAsyncHandlers the library starts
		// a goroutine per update, with no limit.
		tgbot.WithWorkers(opts.MaxConcurrent),
		tgbot.WithNotAsyncHandlers(),
		// An unbuffered queue: a webhook request is answered 200 only once
		// a worker has taken its update, so shutting down loses nothing
		// Telegram thinks was delivered, and polling confirms updates only
		// as fast as they are handled.
		tgbot.WithUpdatesChannelCap(0),
		tgbot.WithAllowedUpdates(allowedUpdates),
		tgbot.WithErrorsHandler(func(err error) {
			a.log.Warn("telegram client error", "err", err)
		}),
	}
	if opts.APIURL != "" {
		tgOpts = append(tgOpts, tgbot.WithServerURL(opts.APIURL))
	}
	if secret != "" {
		tgOpts = append(tgOpts, tgbot.WithWebhookSecretToken(secret))
	}
	tg, err := tgbot.New(token, tgOpts...)
	if err != nil {
		return nil, fmt.Errorf("telegram: %w", err)
	}
	a.tg = tg
	return a, nil
}

// checkURL accepts absolute http and https URLs.
func checkURL(s string) error {
	u, err := url.Parse(s)
	if err != nil {
		return err
	}
	if (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("%q is not an absolute http(s) URL", s)
	}
	return nil
}

// checkSecret applies Telegram's rule for secret_token.
func checkSecret(s string) error {
	if len(s) > 256 {
		return errors.New("longer than 256 characters")
	}
	if !isWord(strings.ReplaceAll(s, "-", "_")) {
		return errors.New("only A-Z, a-z, 0-9, _ and - are allowed")
	}
	return nil
}

// botCommands is the menu registered with setMyCommands.
var botCommands = []models.BotCommand{
	{Command: "ask", Description: "Ask a question about the articles"},
	{Command: "help", Description: "How to ask, with an example"},
	{Command: "start", Description: "What this bot does"},
}

// Run connects to Telegram and handles updates until ctx is done: it calls
// getMe (to learn the bot's username for mentions and /ask@name) and
// setMyCommands, then either deletes any webhook and long-polls, or
// registers Options.WebhookURL and its secret with setWebhook and handles
// what Register's handler receives.
//
// A call that fails at start (a 500 from the Bot API, a network error, a
// token Telegram refuses) is retried with backoff, 1 s doubling to a
// minute, until ctx ends: the adapter never gives up for good, and State
// says what it is waiting for. With Options.Ready it fetches no update,
// and its webhook takes none, until the Answerer is ready, so no question
// is confirmed to Telegram and then lost.
//
// On shutdown it stops taking updates and waits for the ones in hand to be
// answered (at most AnswerTimeout plus 30s each). It returns nil once ctx
// is done, and an error only when it cannot run at all (after Close, or
// when called twice).
func (a *Adapter) Run(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	a.mu.Lock()
	if a.closed {
		a.mu.Unlock()
		return ErrClosed
	}
	if a.done != nil {
		a.mu.Unlock()
		return errors.New("telegram: Run called twice")
	}
	done, stopping := make(chan struct{}), make(chan struct{})
	a.cancel, a.done, a.stopping = cancel, done, stopping
	a.mu.Unlock()
	defer close(done)
	defer a.state.set("stopped")
	stop := context.AfterFunc(ctx, func() {
		a.accepting.Store(false)
		close(stopping)
	})
	defer func() {
		if stop() { // Run returned before ctx was done
			a.accepting.Store(false)
			close(stopping)
		}
	}()

	me, err := untilStarted(ctx, a, "getMe", func(ctx context.Context) (*models.User, error) {
		me, err := a.tg.GetMe(ctx)
		if err == nil && me.Username == "" {
			err = errors.New("getMe returned no username")
		}
		return me, err
	})
	if err != nil {
		return nil // ctx ended
	}
	a.me.Store(me)

	_, err = retryRateLimited(ctx, a, "setMyCommands", func(ctx context.Context) (bool, error) {
		return a.tg.SetMyCommands(ctx, &tgbot.SetMyCommandsParams{Commands: botCommands})
	})
	if err != nil && ctx.Err() == nil {
		// Only the command menu is missing; answering still works.
		a.log.Warn("telegram: setMyCommands failed", "err", err)
	}

	if a.opts.WebhookURL == "" {
		// getUpdates fails with 409 Conflict while a webhook is set.
		_, err := untilStarted(ctx, a, "deleteWebhook", func(ctx context.Context) (bool, error) {
			return a.tg.DeleteWebhook(ctx, &tgbot.DeleteWebhookParams{})
		})
		if err != nil || !a.waitReady(ctx) {
			return nil
		}
		a.state.set(StateRunning)
		a.log.Info("telegram: long polling", "bot", me.Username)
		a.tg.Start(ctx)
		return nil
	}

	if !a.waitReady(ctx) {
		return nil
	}
	// Accept before setWebhook: Telegram may POST as soon as it is set.
	a.accepting.Store(true)
	_, err = untilStarted(ctx, a, "setWebhook", func(ctx context.Context) (bool, error) {
		return a.tg.SetWebhook(ctx, &tgbot.SetWebhookParams{
			URL:            a.opts.WebhookURL,
			SecretToken:    a.secret,
			AllowedUpdates: allowedUpdates,
		})
	})
	if err != nil {
		return nil
	}
	a.state.set(StateRunning)
	a.log.Info("telegram: webhook set", "bot", me.Username, "host", webhookHost(a.opts.WebhookURL))
	a.tg.StartWebhook(ctx)
	return nil
}

// Backoff between start-up attempts.
const (
	firstStartWait = time.Second
	maxStartWait   = time.Minute
)

// untilStarted calls a start-up method until it succeeds, waiting between
// failures with backoff, and reports each failure in the log and in State.
// It returns an error only once ctx is done.
func untilStarted[T any](ctx context.Context, a *Adapter, method string, call func(context.Context) (T, error)) (T, error) {
	var v T
	_, err := retry.Policy{
		Retries: -1, First: firstStartWait, Max: maxStartWait, Sleep: a.sleep,
		OnRetry: func(attempt int, wait time.Duration, err error) {
			a.state.set("retrying " + method)
			level := slog.LevelWarn
			if errors.Is(err, tgbot.ErrorUnauthorized) {
				level = slog.LevelError // the token is wrong or revoked: a person must act
			}
			a.log.Log(ctx, level, "telegram: could not start; retrying", "method", method, "attempt", attempt, "retry_in", wait, "err", err)
		},
	}.Do(ctx, func(ctx context.Context) error {
		var err error
		v, err = retryRateLimited(ctx, a, method, call)
		return err
	})
	if err != nil {
		return v, ctx.Err()
	}
	return v, nil
}

// waitReady waits until the Answerer can answer. It reports false if ctx
// ends first.
func (a *Adapter) waitReady(ctx context.Context) bool {
	if bot.IsReady(a.opts.Ready) {
		return true
	}
	a.state.set("waiting for the index")
	a.log.Info("telegram: waiting for the index before taking updates")
	select {
	case <-a.opts.Ready:
		return true
	case <-ctx.Done():
		return false
	}
}

// StateRunning is what State reports while the adapter takes updates.
const StateRunning = "running"

// State says whether the adapter takes updates: StateRunning, or what it
// is doing instead ("starting", "retrying getMe", "waiting for the
// index", "stopped"). It never holds secrets or error details, since
// /readyz shows it.
func (a *Adapter) State() string {
	s, _ := a.state.watch()
	return s
}

// state is the adapter's State, with a channel that is closed at each
// change, for tests to wait on.
type state struct {
	mu      sync.Mutex
	s       string
	changed chan struct{}
}

func newState(s string) *state { return &state{s: s, changed: make(chan struct{})} }

func (st *state) set(s string) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.s != s {
		st.s = s
		close(st.changed)
		st.changed = make(chan struct{})
	}
}

// watch returns the state and a channel closed when it next changes.
func (st *state) watch() (string, <-chan struct{}) {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.s, st.changed
}

// Close stops Run, as cancelling its context would, and waits for it to
// return. It is safe to call more than once, and without Run.
func (a *Adapter) Close() error {
	a.mu.Lock()
	a.closed = true
	cancel, done := a.cancel, a.done
	a.mu.Unlock()
	if cancel != nil {
		cancel()
		<-done
	}
	return nil
}

// webhookHost is the part of the webhook URL safe to log: paths often
// hold the bot token.
func webhookHost(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return ""
	}
	return u.Host
}

// retryRateLimited calls call, waiting out Telegram's 429 answers as their
// retry_after asks, up to maxAttempts tries and maxRetryWait per wait.
func retryRateLimited[T any](ctx context.Context, a *Adapter, method string, call func(context.Context) (T, error)) (T, error) {
	var v T
	_, err := retry.Policy{
		Retries: maxAttempts - 1, Sleep: a.sleep,
		Retryable: func(err error) bool {
			_, ok := errors.AsType[*tgbot.TooManyRequestsError](err)
			return ok
		},
		WaitFor: func(err error) (time.Duration, bool) {
			tooMany, _ := errors.AsType[*tgbot.TooManyRequestsError](err)
			wait := time.Duration(tooMany.RetryAfter) * time.Second
			if wait <= 0 {
				wait = time.Second
			}
			return wait, wait <= maxRetryWait
		},
		OnRetry: func(attempt int, wait time.Duration, _ error) {
			a.log.Warn("telegram: rate limited, retrying", "method", method, "retry_after", wait, "attempt", attempt)
		},
	}.Do(ctx, func(ctx context.Context) error {
		var err error
		v, err = call(ctx)
		return err
	})
	return v, err
}
