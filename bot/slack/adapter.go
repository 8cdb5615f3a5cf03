// Package slack connects citebot to Slack. Users ask with a slash command
// (/ask), by mentioning the app in a channel (and then by replying in its
// thread, without a mention), by direct message, or in Slack's assistant
// panel, which opens with suggested prompts from the corpus. Answers
// arrive in the thread of the question (or through the slash command's
// response_url), laid out in Block Kit with their sources and 👍/👎
// feedback buttons; a thread status shows while a direct message is
// answered, and generated answers stream in as the model writes them.
//
// Two transports are supported and may run together: HTTP mode (Events API,
// slash commands and interactivity POSTed to endpoints mounted by Register,
// every request signature-checked) and Socket Mode (Run, over a websocket
// opened with an app-level token, no public URL needed).
package slack

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/slack-go/slack"

	"github.com/citebot/citebot"
	"github.com/citebot/citebot/bot"
	"github.com/citebot/citebot/internal/lru"
	"github.com/citebot/citebot/internal/redact"
	"github.com/citebot/citebot/internal/retry"
)

// Defaults for Options.
const (
	DefaultCommand          = "/ask"
	DefaultAnswerTimeout    = 30 * time.Second
	DefaultUserRateWindow   = time.Minute
	DefaultPlaceholderDelay = time.Second
)

// Limits that are not worth an option.
const (
	// postTimeout bounds one delivery to Slack, rate-limit retries included.
	postTimeout = 3 * time.Minute
	// maxBodyBytes bounds a request body; Slack's payloads are far smaller.
	maxBodyBytes = 1 << 20
	// answerStoreSize and answerStoreTTL bound the answers kept so a
	// feedback click can log the full answer and its citations.
	answerStoreSize = 5000
	answerStoreTTL  = 7 * 24 * time.Hour
	// maxResponseURLPosts is how often Slack lets a response_url be used.
	maxResponseURLPosts = 5
	// maxSuggestedPrompts is Slack's limit for assistant.threads.setSuggestedPrompts.
	maxSuggestedPrompts = 4
)

// Options configure an Adapter. The zero value of every field is a usable
// default, except that credentials for at least one mode must be set.
type Options struct {
	// SigningSecret verifies HTTP requests from Slack. With BotToken it
	// enables HTTP mode (Register mounts the endpoints).
	SigningSecret string
	// BotToken (xoxb-…) posts messages. Both modes need it.
	BotToken string
	// AppToken (xapp-…) enables Socket Mode (Run).
	AppToken string
	// APIURL overrides Slack's Web API base URL (https://slack.com/api/),
	// for tests and proxies.
	APIURL string

	// Command is the slash command to answer; default DefaultCommand.
	Command string
	// ExampleQuestion returns the example the help text shows: a question
	// the loaded corpus answers. nil, or "" while the index loads, means
	// bot.GenericExample.
	ExampleQuestion bot.ExampleFunc
	// ExampleQuestions returns questions the loaded corpus answers, offered
	// as suggested prompts when a user opens an assistant thread (at most
	// four are used). nil, or none while the index loads, leaves the
	// prompts out.
	ExampleQuestions func() []string
	// InChannel makes slash command answers visible to the whole channel;
	// by default only the asker sees them.
	InChannel bool
	// AnswerTimeout bounds one engine call; default DefaultAnswerTimeout.
	// When it passes the user gets an apology, never silence.
	AnswerTimeout time.Duration
	// StreamInterval, when positive and the Answerer is a StreamAnswerer,
	// makes a threaded answer appear as a language model writes it, sent
	// at most this often: through Slack's native streaming
	// (chat.startStream / appendStream / stopStream), or, where Slack
	// refuses it or a placeholder is already showing, by editing the
	// message (chat.update allows about one a second). Zero turns it off.
	StreamInterval time.Duration
	// PlaceholderDelay is how long a channel question may take before a
	// "Looking that up…" placeholder is posted; an answer ready sooner is
	// posted directly. Zero means DefaultPlaceholderDelay; negative posts
	// the placeholder at once. Direct messages and assistant threads show
	// a status (assistant.threads.setStatus) instead.
	PlaceholderDelay time.Duration

	// UserRateLimit allows each user that many questions per
	// UserRateWindow (default DefaultUserRateWindow); 0 means no limit.
	UserRateLimit  int
	UserRateWindow time.Duration
	// RateLimiter, when set, replaces the in-process per-user limit above
	// with a shared one (such as sharedstate.Limiter over Redis), so that
	// replicas apply one limit per user.
	RateLimiter RateLimiter

	// Allowlist, when not empty, limits the bot to these channel IDs (C…,
	// G…, D…) and team IDs (T…): a request passes if its channel or its
	// team is listed. List the team to allow direct messages.
	Allowlist []string

	// Deduper remembers event IDs so retried deliveries are answered once;
	// default NewMemoryDeduper(0, 0).
	Deduper Deduper
	// Threads remembers the channel threads the bot answers in, whose
	// follow-ups need no mention; default NewMemoryThreads(0, 0).
	Threads ThreadMemory
	// MaxRetries is how often a call that Slack rate-limits (429) is
	// retried after its Retry-After; 0 means DefaultMaxRetries, negative
	// means never.
	MaxRetries int

	// Ready, when not nil, is closed once the Answerer can answer (the
	// index has loaded). Until then questions are held, not answered with
	// "not ready": a slash command is acknowledged and answered once
	// ready, an event over Socket Mode gets its placeholder and then its
	// answer, and an event over HTTP gets 503, so that Slack delivers it
	// again. nil means the Answerer is ready now.
	Ready <-chan struct{}

	// Logger receives the adapter's logs; default slog.Default(). Tokens,
	// secrets and response URLs are scrubbed from everything the adapter
	// logs, errors included.
	Logger *slog.Logger
	// HTTPClient is the base client for calls to Slack; default a client
	// without a global timeout (each call has its own deadline). Web API
	// calls that Slack rate-limits are retried through slack-go's
	// OptionRetryConfig; response_url posts, which slack-go does not
	// retry, through a wrapped transport.
	HTTPClient *http.Client
}

// Adapter serves one Slack app. Create it with New, mount it with Register
// and/or start Socket Mode with Run, and Close it to wait for answers still
// in flight.
type Adapter struct {
	ans     citebot.Answerer
	fb      *bot.FeedbackLog
	opts    Options
	log     *slog.Logger
	api     *slack.Client
	http    *http.Client
	retry   *rateLimitRetry
	dedup   Deduper
	limiter *userLimiter
	shared  RateLimiter // replaces limiter when set
	answers *lru.Cache[answerRecord]
	// threads are the channel threads the bot has answered in: their
	// follow-ups are answered without a mention.
	threads ThreadMemory
	// titled are the assistant threads whose title is set.
	titled *lru.Cache[struct{}]

	allowlist map[string]bool

	stop     chan struct{} // closed by Close: held questions give up
	socket   atomic.Value  // string: the Socket Mode connection's state
	mu       sync.Mutex
	idle     *sync.Cond // signalled when inflight drops to zero
	inflight int
	closed   bool
}

// answerRecord is what a feedback click needs to log: the question, the
// answer, and the blocks of the message with the buttons, to redraw it
// (none for a streamed answer, which is not redrawn).
type answerRecord struct {
	question string
	answer   citebot.Answer
	blocks   []slack.Block
}

// New validates opts and builds the Slack client. It makes no network calls.
// fb may be nil, which leaves the feedback buttons out.
func New(ans citebot.Answerer, fb *bot.FeedbackLog, opts Options) (*Adapter, error) {
	if ans == nil {
		return nil, errors.New("slack: nil Answerer")
	}
	if err := opts.validate(); err != nil {
		return nil, fmt.Errorf("slack: %w", err)
	}
	if opts.Command == "" {
		opts.Command = DefaultCommand
	}
	if opts.AnswerTimeout == 0 {
		opts.AnswerTimeout = DefaultAnswerTimeout
	}
	if opts.MaxRetries == 0 {
		opts.MaxRetries = DefaultMaxRetries
	}
	if opts.MaxRetries < 0 {
		opts.MaxRetries = 0
	}
	if opts.PlaceholderDelay == 0 {
		opts.PlaceholderDelay = DefaultPlaceholderDelay
	}
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	// Whatever echoes a token or a response URL into an error, the log
	// does not keep it.
	log = slog.New(redact.Handler(log.Handler(), redact.New(opts.BotToken, opts.AppToken, opts.SigningSecret))).With("adapter", "slack")
	dedup := opts.Deduper
	if dedup == nil {
		dedup = NewMemoryDeduper(0, 0)
	}
	threads := opts.Threads
	if threads == nil {
		threads = NewMemoryThreads(0, 0)
	}

	base := opts.HTTPClient
	if base == nil {
		base = &http.Client{}
	}
	// response_url posts bypass slack-go's retries, so they get a
	// transport of their own that honours Retry-After.
	hc := *base
	rt := hc.Transport
	if rt == nil {
		rt = http.DefaultTransport
	}
	hc.Transport = &retryTransport{base: rt, maxRetries: opts.MaxRetries, maxWait: DefaultMaxRetryAfter, wait: retry.Sleep, log: log}

	retry := &rateLimitRetry{maxWait: DefaultMaxRetryAfter, log: log}
	// OptionRetryConfig must follow OptionHTTPClient, which it wraps.
	apiOpts := []slack.Option{slack.OptionHTTPClient(base), slack.OptionLog(slogOutput{log}),
		slack.OptionRetryConfig(slack.RetryConfig{MaxRetries: opts.MaxRetries, Handlers: []slack.RetryHandler{retry}})}
	if opts.APIURL != "" {
		apiOpts = append(apiOpts, slack.OptionAPIURL(opts.APIURL))
	}
	if opts.AppToken != "" {
		apiOpts = append(apiOpts, slack.OptionAppLevelToken(opts.AppToken))
	}

	a := &Adapter{
		ans:       ans,
		fb:        fb,
		opts:      opts,
		log:       log,
		api:       slack.New(opts.BotToken, apiOpts...),
		http:      &hc,
		retry:     retry,
		dedup:     dedup,
		limiter:   newUserLimiter(opts.UserRateLimit, opts.UserRateWindow, time.Now),
		shared:    opts.RateLimiter,
		answers:   lru.NewTTL[answerRecord](answerStoreSize, answerStoreTTL, time.Now),
		threads:   threads,
		titled:    lru.NewTTL[struct{}](DefaultThreadMemorySize, DefaultThreadMemoryTTL, time.Now),
		allowlist: set(opts.Allowlist),
		stop:      make(chan struct{}),
	}
	a.socket.Store(StateStarting)
	a.idle = sync.NewCond(&a.mu)
	return a, nil
}

// States that State reports.
const (
	StateRunning  = "running"
	StateStarting = "starting"
)

// State says whether the adapter takes questions: StateRunning, or what
// it is waiting for ("starting", "reconnecting", "waiting for the
// index"). In HTTP mode it runs as soon as the index is ready; in Socket
// Mode once its connection is open. It never holds secrets or error
// details, since /readyz shows it.
func (a *Adapter) State() string {
	if !a.ready() {
		return "waiting for the index"
	}
	if a.SocketMode() {
		return a.socket.Load().(string)
	}
	return StateRunning
}

// ready reports whether the Answerer can answer.
func (a *Adapter) ready() bool { return bot.IsReady(a.opts.Ready) }

// waitReady holds a question until the Answerer can answer. It reports
// false if the adapter is closed first.
func (a *Adapter) waitReady(ctx context.Context) bool {
	if a.ready() {
		return true
	}
	a.log.Info("slack: question held until the index is loaded")
	select {
	case <-a.opts.Ready:
		return true
	case <-a.stop:
	case <-ctx.Done():
	}
	return false
}

func (o *Options) validate() error {
	if o.SigningSecret == "" && o.AppToken == "" {
		return errors.New("no credentials: set SigningSecret and BotToken (HTTP mode) or AppToken and BotToken (Socket Mode)")
	}
	if o.BotToken == "" {
		return errors.New("BotToken (xoxb-…) is required to post answers")
	}
	if o.AppToken != "" && !strings.HasPrefix(o.AppToken, "xapp-") {
		return errors.New("AppToken must be an app-level token (xapp-…)")
	}
	if strings.HasPrefix(o.BotToken, "xapp-") {
		return errors.New("BotToken is an app-level token (xapp-…); use the bot token (xoxb-…)")
	}
	if o.APIURL != "" {
		u, err := url.Parse(o.APIURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("APIURL %q is not an http(s) URL", o.APIURL)
		}
		if !strings.HasSuffix(o.APIURL, "/") {
			o.APIURL += "/" // slack-go appends method names directly
		}
	}
	if o.Command != "" && (!strings.HasPrefix(o.Command, "/") || len(o.Command) < 2 || strings.ContainsAny(o.Command, " \t\n")) {
		return fmt.Errorf("Command %q must look like /ask", o.Command)
	}
	if o.AnswerTimeout < 0 || o.UserRateWindow < 0 || o.UserRateLimit < 0 {
		return errors.New("AnswerTimeout, UserRateLimit and UserRateWindow must not be negative")
	}
	return nil
}

// HTTPMode reports whether Register mounts the HTTP endpoints: it needs
// SigningSecret and BotToken.
func (a *Adapter) HTTPMode() bool { return a.opts.SigningSecret != "" }

// SocketMode reports whether Run connects over Socket Mode: it needs
// AppToken and BotToken.
func (a *Adapter) SocketMode() bool { return a.opts.AppToken != "" }

// Register mounts POST /slack/commands, /slack/events and
// /slack/interactivity on mux. It does nothing unless HTTPMode.
func (a *Adapter) Register(mux *http.ServeMux) {
	if !a.HTTPMode() {
		return
	}
	mux.Handle("POST /slack/commands", a.verified(a.serveCommand))
	mux.Handle("POST /slack/events", a.verified(a.serveEvent))
	mux.Handle("POST /slack/interactivity", a.verified(a.serveInteraction))
}

// Close stops taking new questions and waits for the answers in flight to
// be delivered. Each is bounded by AnswerTimeout plus the delivery timeout.
func (a *Adapter) Close() error {
	a.mu.Lock()
	if !a.closed {
		a.closed = true
		close(a.stop)
	}
	a.mu.Unlock()
	a.drain()
	return nil
}

// drain waits until no answer is in flight. Unlike a WaitGroup it may run
// while new work is still being started.
func (a *Adapter) drain() {
	a.mu.Lock()
	defer a.mu.Unlock()
	for a.inflight > 0 {
		a.idle.Wait()
	}
}

func (a *Adapter) closing() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.closed
}

// spawn runs job in the background, tracked so Close can wait for it. The
// job's context is detached from the request that started it, which ends
// as soon as Slack gets its acknowledgement. It reports false once Close
// was called.
func (a *Adapter) spawn(ctx context.Context, job func(context.Context)) bool {
	a.mu.Lock()
	if a.closed {
		a.mu.Unlock()
		return false
	}
	a.inflight++
	a.mu.Unlock()
	ctx = context.WithoutCancel(ctx)
	go func() {
		defer func() {
			a.mu.Lock()
			a.inflight--
			if a.inflight == 0 {
				a.idle.Broadcast()
			}
			a.mu.Unlock()
		}()
		defer func() {
			if r := recover(); r != nil {
				a.log.Error("slack: panic while answering", "panic", r)
			}
		}()
		job(ctx)
	}()
	return true
}

// ask calls the engine, giving up after AnswerTimeout even if the engine
// ignores its context, so the user always hears back.
func (a *Adapter) ask(ctx context.Context, q citebot.Question) (citebot.Answer, error) {
	return a.answerWithin(ctx, func(ctx context.Context) (citebot.Answer, error) { return a.ans.Answer(ctx, q) })
}

// answerWithin runs call with AnswerTimeout, returning at the deadline even
// if call ignores its context.
func (a *Adapter) answerWithin(ctx context.Context, call func(context.Context) (citebot.Answer, error)) (citebot.Answer, error) {
	ans, err := bot.AnswerWithin(ctx, a.opts.AnswerTimeout, call)
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		a.log.Warn("slack: engine timed out", "timeout", a.opts.AnswerTimeout)
	case err != nil:
		a.log.Warn("slack: engine failed", "err", err)
	}
	return ans, err
}

// renderForFeedback renders ans and, when feedback is on, remembers it under
// the id that its buttons carry.
func (a *Adapter) renderForFeedback(ans citebot.Answer, question string, o renderOptions) []message {
	if a.fb == nil {
		return renderAnswer(ans, o)
	}
	id := newID()
	o.FeedbackValue = encodeFeedbackValue(id, question)
	msgs := renderAnswer(ans, o)
	a.answers.Put(id, answerRecord{question: question, answer: ans, blocks: msgs[len(msgs)-1].Blocks})
	return msgs
}

// remember keeps a streamed answer for a feedback click to log, and
// returns the id its buttons carry: "" when feedback is off.
func (a *Adapter) remember(ans citebot.Answer, question string) string {
	if a.fb == nil {
		return ""
	}
	id := newID()
	a.answers.Put(id, answerRecord{question: question, answer: ans})
	return id
}

func (a *Adapter) allowed(team, channel string) bool {
	if len(a.allowlist) == 0 {
		return true
	}
	return a.allowlist[channel] || a.allowlist[team]
}

func (a *Adapter) firstSeen(ctx context.Context, key string) bool {
	ok, err := a.dedup.FirstSeen(ctx, key)
	if err != nil {
		// Answering twice beats never answering.
		a.log.Warn("slack: dedup store failed", "err", err)
		return true
	}
	return ok
}

// postInThread delivers msgs in the thread rooted at threadTS. The first
// replaces placeholderTS when there is one.
func (a *Adapter) postInThread(ctx context.Context, channel, threadTS, placeholderTS string, msgs []message) error {
	ctx, cancel := context.WithTimeout(ctx, postTimeout)
	defer cancel()
	for i, m := range msgs {
		opts := []slack.MsgOption{slack.MsgOptionText(m.Text, false), slack.MsgOptionBlocks(m.Blocks...)}
		if i == 0 && placeholderTS != "" {
			_, _, _, err := a.api.UpdateMessageContext(ctx, channel, placeholderTS, opts...)
			if err == nil {
				continue
			}
			a.log.Warn("slack: could not update placeholder; posting instead", "err", err)
		}
		opts = append(opts, slack.MsgOptionTS(threadTS), slack.MsgOptionDisableLinkUnfurl(), slack.MsgOptionDisableMediaUnfurl())
		if _, _, err := a.api.PostMessageContext(ctx, channel, opts...); err != nil {
			return fmt.Errorf("post answer part %d/%d: %w", i+1, len(msgs), err)
		}
	}
	return nil
}

// postResponse delivers msgs through a response_url. replaceFirst replaces
// the message the URL belongs to (the "Looking that up…" acknowledgement).
func (a *Adapter) postResponse(ctx context.Context, responseURL, responseType string, replaceFirst bool, msgs []message) error {
	ctx, cancel := context.WithTimeout(ctx, postTimeout)
	defer cancel()
	if len(msgs) > maxResponseURLPosts {
		a.log.Warn("slack: answer too long for a response_url; truncated", "parts", len(msgs))
		msgs = msgs[:maxResponseURLPosts]
	}
	for i, m := range msgs {
		wm := &slack.WebhookMessage{
			Text:            m.Text,
			Blocks:          &slack.Blocks{BlockSet: m.Blocks},
			ResponseType:    responseType,
			ReplaceOriginal: i == 0 && replaceFirst,
		}
		if err := a.postWebhook(ctx, responseURL, wm); err != nil {
			return fmt.Errorf("part %d/%d: %w", i+1, len(msgs), err)
		}
	}
	return nil
}

// postWebhook posts msg to a response_url. The URL is a credential (anyone
// holding it can post in the channel for 30 minutes), and net/http puts it
// in its errors, so the error returned does not hold it.
func (a *Adapter) postWebhook(ctx context.Context, responseURL string, msg *slack.WebhookMessage) error {
	err := slack.PostWebhookCustomHTTPContext(ctx, responseURL, a.http, msg)
	if err == nil {
		return nil
	}
	hide := []string{responseURL}
	if u, perr := url.Parse(responseURL); perr == nil {
		hide = append(hide, u.String(), u.Path)
	}
	return redact.Error(fmt.Errorf("post to response_url: %w", err), redact.New(hide...))
}

func newID() string {
	var b [12]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return hex.EncodeToString(b[:])
}

func set(ids []string) map[string]bool {
	m := make(map[string]bool, len(ids))
	for _, id := range ids {
		if id = strings.TrimSpace(id); id != "" {
			m[id] = true
		}
	}
	return m
}

// slogOutput lets slack-go's log.Logger-style output reach slog.
type slogOutput struct{ l *slog.Logger }

func (s slogOutput) Output(_ int, msg string) error {
	s.l.Debug(strings.TrimSpace(msg), "component", "slack-go")
	return nil
}
