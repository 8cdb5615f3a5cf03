package slack

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"github.com/citebot/citebot/retrieval"
)

// StreamAnswerer is an Answerer that also hands out an answer's text as a
// language model writes it (*retrieval.Generator is one). The Answer it
// returns is final and replaces whatever was streamed.
type StreamAnswerer interface {
	AnswerStream(ctx context.Context, q retrieval.Question, delta func(string)) (retrieval.Answer, error)
}

var _ StreamAnswerer = (*retrieval.Generator)(nil)

// streamUpdateTimeout bounds one interim edit, so a slow or rate-limited
// edit never holds up the final answer for long.
const streamUpdateTimeout = 5 * time.Second

// askStreaming answers q like ask; when the Answerer can stream, streaming
// is on and there is a placeholder to edit, it also edits the placeholder
// with the text written so far, at most once per StreamInterval. The
// caller then replaces the placeholder with the final answer as usual.
func (a *Adapter) askStreaming(ctx context.Context, q retrieval.Question, channel, placeholderTS string) (retrieval.Answer, error) {
	sa, ok := a.ans.(StreamAnswerer)
	if !ok || a.opts.StreamInterval <= 0 || placeholderTS == "" {
		return a.ask(ctx, q)
	}
	var (
		mu    sync.Mutex
		text  strings.Builder
		dirty bool
	)
	delta := func(d string) {
		mu.Lock()
		text.WriteString(d)
		dirty = true
		mu.Unlock()
	}
	stop, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(a.opts.StreamInterval)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-ctx.Done():
				return
			case <-t.C:
			}
			mu.Lock()
			s, changed := text.String(), dirty
			dirty = false
			mu.Unlock()
			if changed && strings.TrimSpace(s) != "" {
				a.editPartial(ctx, channel, placeholderTS, s)
			}
		}
	}()
	ans, err := a.answerWithin(ctx, func(ctx context.Context) (retrieval.Answer, error) {
		return sa.AnswerStream(ctx, q, delta)
	})
	// No interim edit may land after the final answer.
	close(stop)
	<-done
	return ans, err
}

// editPartial shows the answer so far in the placeholder, marked as still
// being written.
func (a *Adapter) editPartial(ctx context.Context, channel, ts, text string) {
	ctx, cancel := context.WithTimeout(ctx, streamUpdateTimeout)
	defer cancel()
	body := markdownToMrkdwn(truncateRunes(strings.TrimSpace(text), maxSectionRunes*3/4))
	body = truncateRunes(body, maxSectionRunes-2) + " …"
	_, _, _, err := a.api.UpdateMessageContext(ctx, channel, ts,
		slack.MsgOptionText(escapeMrkdwn(truncateRunes(text, maxFallbackRunes)), false),
		slack.MsgOptionBlocks(sectionBlock(body)))
	if err != nil {
		a.log.Debug("slack: could not show the partial answer", "err", err)
	}
}
