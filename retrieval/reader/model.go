package reader

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"math"
)

// Model is the reader's fitted weights and thresholds, as stored in
// model.json. internal/readerfit writes it; nothing in it is set by hand.
type Model struct {
	// Sentence weighs the features that choose the sentence to quote.
	Sentence map[string]float64 `json:"sentence"`
	// Answer weighs the features that choose, among the best sentences,
	// the sentence and the phrase in it to lead with, together.
	Answer map[string]float64 `json:"answer"`
	// Confidence weighs the features that turn the chosen answer's scores
	// into the probability that it is right.
	Confidence map[string]float64 `json:"confidence"`
	// Threshold is the lowest confidence at which the reader answers.
	Threshold float64 `json:"threshold"`
	// LeadThreshold is the lowest probability of the chosen phrase, given
	// its sentence, at which the reader leads with the phrase rather than
	// with the sentence alone.
	LeadThreshold float64 `json:"lead_threshold"`
	// Fit records how the model was fitted, so that a refit can be checked.
	Fit map[string]string `json:"fit,omitempty"`
}

//go:embed model.json
var embeddedModel []byte

// DefaultModel returns the fitted model embedded in the binary.
func DefaultModel() (*Model, error) {
	var m Model
	if err := json.Unmarshal(embeddedModel, &m); err != nil {
		return nil, fmt.Errorf("reader: embedded model: %w", err)
	}
	return &m, nil
}

// compiled is a Model laid out for fast scoring.
type compiled struct {
	sent, answer, conf []float64
	threshold, lead    float64
}

func compile(m *Model) (*compiled, error) {
	c := &compiled{threshold: m.Threshold, lead: m.LeadThreshold}
	var err error
	if c.sent, err = weightsFor(&sentLayout, m.Sentence, "sentence"); err != nil {
		return nil, err
	}
	if c.answer, err = weightsFor(&answerLayout, m.Answer, "answer"); err != nil {
		return nil, err
	}
	if c.conf, err = weightsFor(&confLayout, m.Confidence, "confidence"); err != nil {
		return nil, err
	}
	return c, nil
}

// weightsFor lays named weights out by l. A weight whose feature no longer
// exists is an error: the model was fitted for other code.
func weightsFor(l *layout, named map[string]float64, what string) ([]float64, error) {
	w := make([]float64, len(l.names))
	for name, x := range named {
		id, ok := l.index[name]
		if !ok {
			return nil, fmt.Errorf("reader: %s model has weight for unknown feature %q; refit the model", what, name)
		}
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, fmt.Errorf("reader: %s weight %q is %v", what, name, x)
		}
		w[id] = x
	}
	return w, nil
}

// Named turns a weight vector of one of the reader's models back into
// named weights, dropping zeros. which is "sentence", "answer" or
// "confidence".
func Named(which string, w []float64) map[string]float64 {
	l := layoutOf(which)
	out := map[string]float64{}
	for i, x := range w {
		if x != 0 && i < len(l.names) {
			out[l.names[i]] = x
		}
	}
	return out
}

// Dim is the number of features of one of the reader's models.
func Dim(which string) int { return len(layoutOf(which).names) }

func layoutOf(which string) *layout {
	switch which {
	case "sentence":
		return &sentLayout
	case "answer":
		return &answerLayout
	}
	return &confLayout
}

func sigmoid(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

// AnswerOffsets returns where the sentence features and the phrase
// features start in the answer model's weights; weight 0 is the
// first-stage score's.
func AnswerOffsets() (sent, phrase int) { return jSent, jSpan }
