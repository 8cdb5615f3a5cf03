package retrieval

import (
	"context"

	"github.com/citebot/citebot"
)

// AnswerStream answers q like Answer and hands the whole answer text to
// delta at once: an extractive answer is ready in one piece. It lets
// callers stream from an Engine and a Generator alike.
func (e *Engine) AnswerStream(ctx context.Context, q citebot.Question, delta func(string)) (citebot.Answer, error) {
	ans, err := e.Answer(ctx, q)
	if err == nil && delta != nil && ans.Text != "" {
		delta(ans.Text)
	}
	return ans, err
}

var _ citebot.StreamAnswerer = (*Engine)(nil)
