// Package bot holds what the chat adapters share: the Answerer they call
// and the feedback log their 👍/👎 buttons write to. Each adapter lives in
// its own sub-package (bot/slack, bot/telegram, bot/web).
package bot

import (
	"context"

	"github.com/citebot/citebot/retrieval"
)

// Answerer answers a question from the corpus. *retrieval.Engine is one.
type Answerer interface {
	Answer(ctx context.Context, q retrieval.Question) (retrieval.Answer, error)
}
