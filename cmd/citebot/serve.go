package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/KimMachineGun/automemlimit/memlimit"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/citebot/citebot"
	"github.com/citebot/citebot/bot"
	"github.com/citebot/citebot/bot/slack"
	"github.com/citebot/citebot/bot/telegram"
	"github.com/citebot/citebot/bot/web"
	"github.com/citebot/citebot/config"
	"github.com/citebot/citebot/corpus"
	"github.com/citebot/citebot/metrics"
	"github.com/citebot/citebot/retrieval"
	"github.com/citebot/citebot/retrieval/conversation"
)

func cmdServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c, err := parse("serve", args, stderr, nil)
	if err != nil {
		return err
	}
	if len(c.args) > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, c.args[0])
	}
	tuneGC(os.Getenv, memlimit.FromCgroup, c.log)
	app, err := newApp(c.cfg, c.log)
	if err != nil {
		return err
	}
	defer app.Close()
	return app.Run(ctx)
}

// app is the running server: the HTTP API and the chat adapters around one
// engine.
type app struct {
	cfg    config.Config
	log    *slog.Logger
	web    *web.Server
	srv    *http.Server
	mu     sync.Mutex
	engine *retrieval.Engine
	// serving is the engine questions go to; a swap retires it.
	serving *servedEngine
	// watchQuiet is the watcher's quiet period; zero means
	// watch.DefaultQuiet. Tests shorten it.
	watchQuiet time.Duration
	// reindex counts live index updates.
	reindex *metrics.Reindex
	// watchReady is closed once the corpus folder and the data dir are
	// watched, if they are.
	watchReady chan struct{}
	ready      chan struct{} // closed when the engine is built (or failed)
	// answering is closed once the engine answers; the chat adapters hold
	// what arrives before.
	answering chan struct{}
	// listening receives the bound address once the listener is open; tests
	// use it with --addr 127.0.0.1:0.
	listening chan string
	// answerer hands questions to the engine once it is built; adapters are
	// wired before that and answer "not ready" until then.
	answerer *engineRef
	slack    *slack.Adapter
	telegram *telegram.Adapter
	// metrics is served at /metrics; observer counts, times and logs
	// every question, whichever adapter asked it.
	metrics  *metrics.Metrics
	observer *metrics.Observer
	// shared holds Slack dedup, conversations and rate limits in Redis
	// when CITEBOT_REDIS_URL is set; nil keeps them in the process.
	shared *shared
	// example is the question help texts and the page suggest: the
	// configured one, or one made from the documents once they load.
	example atomic.Pointer[string]
	// examples are the questions Slack suggests in a new assistant
	// thread: the configured example first, then ones made from the
	// documents once they load.
	examples atomic.Pointer[[]string]
}

// exampleQuestions is slack.Options.ExampleQuestions: nil until the
// documents load.
func (a *app) exampleQuestions() []string {
	if qs := a.examples.Load(); qs != nil {
		return *qs
	}
	return nil
}

// exampleQuestion is the adapters' bot.ExampleFunc: "" until an example
// is known.
func (a *app) exampleQuestion() string {
	if q := a.example.Load(); q != nil {
		return *q
	}
	return ""
}

// learnExample makes example questions from the loaded documents, after
// the configured ones: the first is the example help texts show.
func (a *app) learnExample(docs []corpus.Document) {
	qs := append([]string(nil), a.cfg.Corpus.ExampleQuestions...)
	for _, q := range corpus.ExampleQuestions(docs, 4) {
		if !slices.Contains(qs, q) {
			qs = append(qs, q)
		}
	}
	a.examples.Store(&qs)
	if len(qs) > 0 {
		a.example.Store(&qs[0])
	}
}

// engineRef is an Answerer whose engine (or the Generator around it, with
// a chat model) arrives after start-up.
type engineRef struct {
	mu  sync.RWMutex
	eng citebot.StreamAnswerer
}

func (r *engineRef) set(e citebot.StreamAnswerer) {
	r.mu.Lock()
	r.eng = e
	r.mu.Unlock()
}

func (r *engineRef) get() citebot.StreamAnswerer {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.eng
}

// Answer implements citebot.Answerer.
func (r *engineRef) Answer(ctx context.Context, q citebot.Question) (citebot.Answer, error) {
	e := r.get()
	if e == nil {
		return citebot.Answer{}, citebot.ErrNotReady
	}
	return e.Answer(ctx, q)
}

// AnswerStream lets the chat adapters show an answer as the model writes
// it.
func (r *engineRef) AnswerStream(ctx context.Context, q citebot.Question, delta func(string)) (citebot.Answer, error) {
	e := r.get()
	if e == nil {
		return citebot.Answer{}, citebot.ErrNotReady
	}
	return e.AnswerStream(ctx, q, delta)
}

var _ citebot.StreamAnswerer = (*engineRef)(nil)

func newApp(cfg config.Config, log *slog.Logger) (*app, error) {
	a := &app{cfg: cfg, log: log, ready: make(chan struct{}), answering: make(chan struct{}), listening: make(chan string, 1), answerer: &engineRef{}, watchReady: make(chan struct{})}
	if qs := cfg.Corpus.ExampleQuestions; len(qs) > 0 {
		a.example.Store(&qs[0])
	}
	a.metrics = metrics.New()
	ri, err := metrics.NewReindex(a.metrics.Registry())
	if err != nil {
		return nil, fmt.Errorf("metrics: %w", err)
	}
	a.reindex = ri
	a.observer = metrics.NewObserver(metrics.ObserverOptions{Recorder: a.metrics, Logger: log, Generative: cfg.LLM.Generation()})
	wo := webOptions(cfg.Server, log, a.metrics, a.observer)
	wo.ExampleQuestion = a.exampleQuestion
	a.web = web.New(wo)
	feedback := bot.NewFeedbackLog(cfg.DataDir)
	sh, err := newShared(context.Background(), cfg, log, a.metrics.Registry())
	if err != nil {
		return nil, fmt.Errorf("redis: %w", err)
	}
	a.shared = sh
	if cfg.Slack.Enabled() {
		so, err := a.shared.slack(slackOptions(cfg.Slack, log))
		if err != nil {
			return nil, fmt.Errorf("slack: %w", err)
		}
		so.StreamInterval = chatStreamInterval(cfg.LLM, time.Second)
		so.ExampleQuestion = a.exampleQuestion
		so.ExampleQuestions = a.exampleQuestions
		so.Ready = a.answering
		sl, err := slack.New(observeStreams(a.observer, a.answerer, "slack"), feedback, so)
		if err != nil {
			return nil, fmt.Errorf("slack: %w", err)
		}
		a.slack = sl
		sl.Register(a.web.Mux())
		a.component("slack", sl)
		log.Info("slack enabled", "http_mode", sl.HTTPMode(), "socket_mode", sl.SocketMode())
	}
	if cfg.Telegram.Enabled() {
		to, err := a.shared.telegram(telegramOptions(cfg.Telegram, log))
		if err != nil {
			return nil, fmt.Errorf("telegram: %w", err)
		}
		to.StreamInterval = chatStreamInterval(cfg.LLM, 1500*time.Millisecond)
		to.ExampleQuestion = a.exampleQuestion
		to.Ready = a.answering
		tg, err := telegram.New(cfg.Telegram.BotToken.Reveal(), observeStreams(a.observer, a.answerer, "telegram"), feedback, to)
		if err != nil {
			return nil, fmt.Errorf("telegram: %w", err)
		}
		a.telegram = tg
		tg.Register(a.web.Mux())
		a.component("telegram", tg)
		log.Info("telegram enabled", "webhook", cfg.Telegram.Webhook())
	}
	a.srv = &http.Server{
		Addr:              cfg.Server.Addr,
		Handler:           a.web,
		ReadHeaderTimeout: cfg.Server.ReadHeaderTimeout,
		ReadTimeout:       cfg.Server.ReadTimeout,
		WriteTimeout:      cfg.Server.WriteTimeout,
		IdleTimeout:       cfg.Server.IdleTimeout,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	return a, nil
}

// component makes /readyz report a chat adapter's state, and
// citebot_adapter_up say whether it is running, for alerts.
func (a *app) component(name string, c web.Component) {
	a.web.AddComponent(name, c)
	up := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name:        "citebot_adapter_up",
		Help:        "1 while a chat adapter takes questions, 0 while it starts, retries, reconnects or waits for the index.",
		ConstLabels: prometheus.Labels{"adapter": name},
	}, func() float64 {
		if c.State() == "running" {
			return 1
		}
		return 0
	})
	if err := a.metrics.Registry().Register(up); err != nil {
		a.log.Warn("could not register citebot_adapter_up", "adapter", name, "err", err)
	}
}

// Run listens at once, so /healthz answers while the index loads, builds the
// engine, and serves until ctx is cancelled; then it drains.
func (a *app) Run(ctx context.Context) error {
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	ln, err := net.Listen("tcp", a.cfg.Server.Addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	a.log.Info("citebot listening", "addr", ln.Addr().String(), "llm", a.cfg.LLMMode(), "corpus", corpusName(a.cfg))
	logLLMMode(a.log, a.cfg.LLM)
	a.listening <- ln.Addr().String()

	serveErr := make(chan error, 1)
	go func() { serveErr <- a.srv.Serve(ln) }()

	// Socket Mode and long polling run until ctx ends; an adapter that
	// cannot connect is logged, and the rest of the server keeps serving.
	var adapters sync.WaitGroup
	if a.slack != nil && a.slack.SocketMode() {
		adapters.Go(func() {
			if err := a.slack.Run(ctx); err != nil {
				a.log.Error("slack socket mode stopped", "err", err)
			}
		})
	}
	if a.telegram != nil {
		adapters.Go(func() {
			if err := a.telegram.Run(ctx); err != nil {
				a.log.Error("telegram stopped", "err", err)
			}
		})
	}
	defer adapters.Wait()

	buildErr := make(chan error, 1)
	// Whichever way Run returns, the build and the corpus watcher stop
	// with it: they are done before Run returns.
	var watching sync.WaitGroup
	defer func() {
		stop()
		<-a.ready // the build has started the watcher, if it does
		watching.Wait()
	}()
	go func() {
		defer close(a.ready)
		start := time.Now()
		// The options the engine was built with, so that a live update
		// builds the next one alike, keeping the conversations.
		var opts retrieval.Options
		capture := func(o *retrieval.Options) {
			if o.Conversations == nil {
				o.Conversations = conversation.NewMemory(conversation.Options{})
			}
			opts = *o
		}
		// Model errors while embedding the corpus count in the metrics too.
		eng, docs, err := buildEngineWhenReachable(metrics.WithRecorder(ctx, a.metrics), a.cfg, a.log, a.shared.engineOptions, capture)
		if err != nil {
			buildErr <- err
			return
		}
		a.install(eng, docs)
		close(a.answering) // the adapters take the questions they held
		s := eng.Stats()
		a.metrics.Ingest(s)
		a.log.Info("index ready", "files", s.Files, "chunks", s.Chunks, "embedded", s.Embedded,
			"reused", s.Reused, "embedder", s.Embedder, "took", time.Since(start).Round(time.Millisecond))
		if l := a.liveIndex(opts, docs); l != nil {
			watching.Go(func() { l.run(metrics.WithRecorder(ctx, a.metrics)) })
		}
	}()

	select {
	case <-ctx.Done():
	case err := <-buildErr:
		if ctx.Err() != nil {
			// The build stopped because serve is stopping (SIGTERM while
			// the index loads): a shutdown, not a failure. Both cases of
			// this select are ready then, and either may be chosen.
			break
		}
		a.shutdown()
		return err
	case err := <-serveErr:
		if !errors.Is(err, http.ErrServerClosed) {
			return fmt.Errorf("serve: %w", err)
		}
		return nil
	}
	a.log.Info("shutting down: draining in-flight requests", "deadline", a.cfg.Server.ShutdownTimeout)
	return a.shutdown()
}

// install puts eng, built over docs, in service: questions asked from
// now on go to it, the answer cache starts afresh, and the engine it
// replaces is closed once the questions it is answering are done.
func (a *app) install(eng *retrieval.Engine, docs []corpus.Document) {
	next := &servedEngine{ref: a.answerer, ans: llmAnswerer(a.cfg.LLM, eng, a.log), eng: eng}
	a.mu.Lock()
	prev := a.serving
	a.engine, a.serving = eng, next
	a.mu.Unlock()
	a.answerer.set(next)
	a.learnExample(docs)
	a.web.SetDocuments(docs) // drops the answers of the last index
	a.web.SetAnswerer(next)
	if prev != nil {
		go func() {
			if err := prev.retire(); err != nil {
				a.log.Warn("could not close the replaced index", "err", err)
			}
		}()
	}
}

// shutdown stops accepting work and lets in-flight answers finish within
// the configured deadline.
func (a *app) shutdown() error {
	a.web.SetDraining()
	if d := a.cfg.Server.DrainDelay; d > 0 {
		// Keep serving while load balancers see /readyz fail and stop
		// sending work here; a second signal still forces the exit.
		a.log.Info("draining: /readyz reports 503 before the listener closes", "delay", d)
		time.Sleep(d)
	}
	timeout := a.cfg.Server.ShutdownTimeout
	if timeout <= 0 {
		timeout = 15 * time.Second
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	err := a.srv.Shutdown(ctx)
	// The HTTP handlers are done; now let answers the adapters started in
	// the background finish.
	if a.slack != nil {
		a.slack.Close()
	}
	if a.telegram != nil {
		a.telegram.Close()
	}
	<-a.ready
	if err != nil {
		return fmt.Errorf("drain: %w", err)
	}
	return nil
}

// Close releases the engine and the connection to Redis.
func (a *app) Close() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.shared.Close()
	if a.engine != nil {
		return a.engine.Close()
	}
	return nil
}

// webOptions maps the server settings onto the HTTP API's options.
func webOptions(c config.Server, log *slog.Logger, m *metrics.Metrics, obs *metrics.Observer) web.Options {
	cache := c.AnswerCache
	if cache == 0 {
		cache = -1 // web.Options reads zero as "the default size"
	}
	return web.Options{
		CacheSize:     cache,
		CacheTTL:      c.AnswerCacheTTL,
		MaxBodyBytes:  c.MaxBodyBytes,
		Logger:        log,
		APIToken:      c.APIToken.Reveal(),
		ListenAddr:    c.Addr,
		RatePerClient: web.Rate{Burst: c.RatePerClient.Events, Every: c.RatePerClient.Every()},
		MaxConcurrent: c.MaxConcurrent,
		Observer:      obs,
		Metrics:       m.Handler(),
		Pprof:         c.Pprof,
	}
}

func slackOptions(c config.Slack, log *slog.Logger) slack.Options {
	return slack.Options{
		SigningSecret:  c.SigningSecret.Reveal(),
		BotToken:       c.BotToken.Reveal(),
		AppToken:       c.AppToken.Reveal(),
		APIURL:         c.APIURL,
		Command:        c.Command,
		InChannel:      c.InChannel,
		Allowlist:      c.Allowlist,
		UserRateLimit:  c.RatePerUser.Events,
		UserRateWindow: c.RatePerUser.Per,
		Logger:         log, // the adapter adds "adapter": "slack"
	}
}

func telegramOptions(c config.Telegram, log *slog.Logger) telegram.Options {
	rate := telegram.Rate{Burst: c.RatePerChat.Events, Every: c.RatePerChat.Every()}
	if c.RatePerChat.Unlimited() {
		rate = telegram.Rate{Burst: -1}
	}
	return telegram.Options{
		APIURL:        c.APIURL,
		WebhookURL:    c.WebhookURL,
		WebhookSecret: c.WebhookSecret.Reveal(),
		AllowedChats:  c.AllowedChats,
		RatePerChat:   rate,
		MaxConcurrent: c.MaxConcurrent,
		Logger:        log, // the adapter adds "adapter": "telegram"
	}
}

func corpusName(cfg config.Config) string {
	if cfg.Corpus.Dir == "" {
		return "the one the data dir records, else the embedded articles"
	}
	return cfg.Corpus.Dir
}
