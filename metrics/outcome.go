package metrics

import (
	"context"
	"errors"

	"github.com/citebot/citebot"
)

// OutcomeOf classifies an answer. generative says a language model is
// configured to write answers, so that an answered question that came back
// extractive is a Fallback, and so is a refusal made without the model
// because it failed (the answer's Note says so): asked again once the
// model is back, the question may well be answered.
func OutcomeOf(ans citebot.Answer, err error, generative bool) Outcome {
	switch {
	case errors.Is(err, citebot.ErrEmptyQuestion), errors.Is(err, citebot.ErrQuestionTooLong):
		return Invalid
	case errors.Is(err, context.Canceled):
		return Cancelled
	case err != nil:
		return Error
	case generative && ans.Mode != citebot.ModeGenerative && (ans.Answered || ans.Note != ""):
		return Fallback
	case !ans.Answered:
		return Refused
	}
	return Answered
}
