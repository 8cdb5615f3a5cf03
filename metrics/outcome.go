package metrics

import (
	"context"
	"errors"

	"github.com/citebot/citebot/retrieval"
)

// OutcomeOf classifies an answer. generative says a language model is
// configured to write answers, so that an answered question that came back
// extractive is a Fallback.
func OutcomeOf(ans retrieval.Answer, err error, generative bool) Outcome {
	switch {
	case errors.Is(err, retrieval.ErrEmptyQuestion), errors.Is(err, retrieval.ErrQuestionTooLong):
		return Invalid
	case errors.Is(err, context.Canceled):
		return Cancelled
	case err != nil:
		return Error
	case !ans.Answered:
		return Refused
	case generative && ans.Mode != retrieval.ModeGenerative:
		return Fallback
	}
	return Answered
}
