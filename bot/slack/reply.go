package slack

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/citebot/citebot"
	"github.com/slack-go/slack"
)

// answerInThread answers m in its thread. In direct messages and assistant
// threads a status shows while the answer is on its way; in channels the
// answer is posted directly when it is ready within PlaceholderDelay, and
// after a "Looking that up…" placeholder that it replaces when it is not.
// A generated answer is streamed as the model writes it when
// StreamInterval is set.
func (a *Adapter) answerInThread(ctx context.Context, m inbound) {
	root := m.threadTS
	if root == "" {
		root = m.ts
	}
	r := &reply{a: a, channel: m.channel, root: root, user: m.user, team: m.team}
	if !m.im {
		// From now on the bot takes part in this thread.
		a.followThread(ctx, m.channel, root)
	}
	question := slackToPlain(m.text, m.botUser)
	if question == "" || isHelp(question) {
		r.deliver(ctx, []message{notice(helpText(a.opts.Command, a.opts.ExampleQuestion.Example()))})
		return
	}
	if ok, wait := a.allow(ctx, m.user); !ok {
		a.postEphemeral(ctx, m.channel, m.user, root, rateLimitedText(wait))
		return
	}
	if m.im {
		if m.threadTS != "" {
			a.titleThread(ctx, m.channel, m.threadTS, question)
		}
		r.status = a.setStatus(ctx, m.channel, root, !a.ready())
	}
	if !a.ready() {
		if !r.status {
			r.showPlaceholder(ctx, loadingText)
		}
		if !a.waitReady(ctx) {
			r.deliver(ctx, []message{notice(apology(errRestarting))})
			return
		}
	}
	// A thread is one conversation, so the engine can read follow-ups in
	// the light of earlier questions. The "slack:" prefix keeps its ID
	// apart from the other adapters' (see citebot.Question).
	q := citebot.Question{Text: question, ConversationID: "slack:" + m.channel + "/" + root}
	ans, err := r.answer(ctx, q)
	if err != nil {
		r.deliver(ctx, []message{notice(apology(err))})
		return
	}
	r.finish(ctx, ans, question)
}

// reply is one answer on its way to a thread: what shows there so far
// (a status, a placeholder, a native stream or an edited message) and how
// the final answer replaces it. Its methods run on one goroutine, so no
// interim update can land after the final answer.
type reply struct {
	a                         *Adapter
	channel, root, user, team string
	// status is set while an assistant thread status shows.
	status bool
	// ts is the message the answer will replace: the placeholder, the
	// native stream, or the message edited with the partial answer.
	ts   string
	mode replyMode
	// sent is the text streamed natively so far.
	sent string
	// refused is set once Slack refused native streaming here.
	refused bool
}

type replyMode int

const (
	modeNone        replyMode = iota // nothing shown in the thread yet
	modePlaceholder                  // ts is "Looking that up…"
	modeNative                       // ts is a chat.startStream message
	modeEdit                         // ts is edited with the text so far
)

// answer runs the engine. Meanwhile it posts the placeholder if the answer
// is not ready within PlaceholderDelay (unless a status shows) and, when
// streaming, shows the text written so far once per StreamInterval.
func (r *reply) answer(ctx context.Context, q citebot.Question) (citebot.Answer, error) {
	a := r.a
	type result struct {
		ans citebot.Answer
		err error
	}
	done := make(chan result, 1)
	buf := &textBuffer{}
	sa, canStream := a.ans.(citebot.StreamAnswerer)
	streaming := canStream && a.opts.StreamInterval > 0
	go func() {
		var res result
		if streaming {
			res.ans, res.err = a.answerWithin(ctx, func(ctx context.Context) (citebot.Answer, error) {
				return sa.AnswerStream(ctx, q, buf.add)
			})
		} else {
			res.ans, res.err = a.ask(ctx, q)
		}
		done <- res
	}()

	var placeholder <-chan time.Time
	if !r.status && r.mode == modeNone {
		if a.opts.PlaceholderDelay < 0 {
			r.showPlaceholder(ctx, lookingUpText)
		} else {
			t := time.NewTimer(a.opts.PlaceholderDelay)
			defer t.Stop()
			placeholder = t.C
		}
	}
	var tick <-chan time.Time
	if streaming {
		t := time.NewTicker(a.opts.StreamInterval)
		defer t.Stop()
		tick = t.C
	}
	for {
		select {
		case res := <-done:
			// What the model wrote since the last tick ends the stream,
			// unless the final answer replaces what was streamed anyway.
			if text, changed := buf.take(); changed && r.mode == modeNative && res.err == nil && oneLine(text) == oneLine(res.ans.Text) {
				r.write(ctx, text)
			}
			return res.ans, res.err
		case <-placeholder:
			placeholder = nil
			if r.mode == modeNone {
				r.showPlaceholder(ctx, lookingUpText)
			}
		case <-tick:
			if text, changed := buf.take(); changed && strings.TrimSpace(text) != "" {
				r.write(ctx, text)
			}
		}
	}
}

// showPlaceholder posts text in the thread, to be replaced by the answer.
func (r *reply) showPlaceholder(ctx context.Context, text string) {
	ctx, cancel := context.WithTimeout(ctx, postTimeout)
	defer cancel()
	m := notice(text)
	_, ts, err := r.a.api.PostMessageContext(ctx, r.channel, slack.MsgOptionText(m.Text, false),
		slack.MsgOptionBlocks(m.Blocks...), slack.MsgOptionTS(r.root))
	if err != nil {
		r.a.log.Warn("slack: could not post placeholder", "err", err)
		return
	}
	r.ts, r.mode = ts, modePlaceholder
}

// finish delivers a successful answer, with its feedback buttons.
func (r *reply) finish(ctx context.Context, ans citebot.Answer, question string) {
	if r.mode == modeNative && r.stopWithSources(ctx, ans, question) {
		return
	}
	r.deliver(ctx, r.a.renderForFeedback(ans, question, renderOptions{}))
}

// deliver replaces whatever shows in the thread with msgs.
func (r *reply) deliver(ctx context.Context, msgs []message) {
	if r.mode == modeNative {
		// A message being streamed cannot be edited until it stops.
		r.stop(ctx)
	}
	if err := r.a.postInThread(ctx, r.channel, r.root, r.ts, msgs); err != nil {
		r.a.log.Error("slack: could not deliver answer", "channel", r.channel, "err", err)
		if r.status {
			r.a.clearStatus(ctx, r.channel, r.root)
		}
	}
}

// textBuffer collects an answer's text as the model writes it, on the
// engine's goroutine, for the reply's goroutine to show.
type textBuffer struct {
	mu    sync.Mutex
	text  strings.Builder
	dirty bool
}

func (b *textBuffer) add(d string) {
	b.mu.Lock()
	b.text.WriteString(d)
	b.dirty = true
	b.mu.Unlock()
}

// take returns the text so far and whether it grew since the last take.
func (b *textBuffer) take() (string, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	changed := b.dirty
	b.dirty = false
	return b.text.String(), changed
}
