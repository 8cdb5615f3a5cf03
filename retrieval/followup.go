package retrieval

import (
	"context"

	"github.com/citebot/citebot"
	"github.com/citebot/citebot/retrieval/conversation"
)

// Follow-ups are read in the light of the conversation's previous turn by
// conversation.Rewriter; the engine keeps the turns.

// standalone rewrites text, a question in conversation id, into one that
// stands on its own, using the conversation's previous turn.
func (e *Engine) standalone(ctx context.Context, id, text string) string {
	turns, err := e.conv.Recent(ctx, id)
	if err != nil {
		e.log.Warn("conversation store failed; answering the question on its own", "err", err)
		return text
	}
	return e.RewriteFollowUp(turns, text)
}

// remember records a turn of conversation id.
func (e *Engine) remember(ctx context.Context, id string, ans citebot.Answer) {
	t := conversation.Turn{Question: ans.Question, Standalone: ans.Standalone(), Answer: ans.Text, Answered: ans.Answered}
	if err := e.conv.Add(ctx, id, t); err != nil {
		e.log.Warn("conversation store failed; the next follow-up will not see this question", "err", err)
	}
}

// RewriteFollowUp makes text, a question after turns, stand on its own
// (see conversation.Rewriter.Rewrite).
func (e *Engine) RewriteFollowUp(turns []conversation.Turn, text string) string {
	return e.rw.Rewrite(turns, text)
}
