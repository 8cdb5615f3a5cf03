package readerfit

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/citebot/citebot/retrieval/reader"
)

func TestFitChoiceLearnsWhatSeparatesTheRightCandidate(t *testing.T) {
	// Feature 1 marks the right candidate; feature 2 is noise.
	var groups []reader.Group
	for i := 0; i < 50; i++ {
		groups = append(groups, reader.Group{
			X: []reader.Vector{
				{{ID: 1, Val: 1}, {ID: 2, Val: float32(i % 3)}},
				{{ID: 2, Val: float32((i + 1) % 3)}},
				{{ID: 2, Val: 1}},
			},
			Right: []bool{true, false, false},
		})
	}
	w, err := fitChoice(groups, 3, 1e-3)
	if err != nil {
		t.Fatal(err)
	}
	if w[1] < 2 || math.Abs(w[2]) > 0.5 {
		t.Errorf("weights %v, want a large weight on feature 1 and a small one on feature 2", w)
	}
	if got := top1(groups, w); got != 1 {
		t.Errorf("top-1 accuracy %.2f, want 1", got)
	}
}

func TestFitBinaryIsCalibrated(t *testing.T) {
	// Feature 1 is on for 80 examples, of which 60 are positive; off for
	// 80, of which 20 are positive. The fitted probabilities should be
	// near 0.75 and 0.25.
	var xs []reader.Vector
	var ys []bool
	for i := 0; i < 160; i++ {
		on := i < 80
		x := reader.Vector{{ID: 0, Val: 1}}
		if on {
			x = append(x, reader.Feature{ID: 1, Val: 1})
		}
		xs = append(xs, x)
		ys = append(ys, on && i%4 != 0 || !on && i%4 == 0)
	}
	w, err := fitBinary(xs, ys, 2, 1e-4)
	if err != nil {
		t.Fatal(err)
	}
	if p := sigmoid(w[0] + w[1]); math.Abs(p-0.75) > 0.03 {
		t.Errorf("P(y | on) = %.3f, want about 0.75", p)
	}
	if p := sigmoid(w[0]); math.Abs(p-0.25) > 0.03 {
		t.Errorf("P(y | off) = %.3f, want about 0.25", p)
	}
}

func TestRound(t *testing.T) {
	got := round(map[string]float64{"a": 1.23456789, "b": -0.000123456789, "c": 0, "d": 1e-20})
	want := map[string]float64{"a": 1.23457, "b": -0.000123457, "d": 1e-20}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for k, v := range want {
		if math.Abs(got[k]-v) > 1e-12*math.Max(1, math.Abs(v)) {
			t.Errorf("%s: got %v, want %v", k, got[k], v)
		}
	}
}

func TestByteOffset(t *testing.T) {
	s := "Beyoncé sang in 2003"
	tests := []struct{ runes, want int }{{0, 0}, {7, 8}, {16, 17}, {40, -1}, {-1, -1}}
	for _, tt := range tests {
		if got := byteOffset(s, tt.runes); got != tt.want {
			t.Errorf("byteOffset(%d) = %d, want %d", tt.runes, got, tt.want)
		}
	}
}

func TestSupplementSetMarksItsAnswers(t *testing.T) {
	ctx := context.Background()
	items, err := ReadSet(filepath.Join("testdata", "lists", "train.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	ix, err := openCorpus(ctx, filepath.Join("testdata", "lists", "corpus"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.close()
	for _, it := range items {
		if _, ok := ix.gold(it); !ok {
			t.Errorf("%s: the answer %q is not where its offset says", it.ID, it.Answers[0])
		}
	}
}

// TestRefitReproducesTheModel refits the reader from scratch with the
// options `go run ./internal/cmd/fitreader` uses and compares the result
// with the committed retrieval/reader/model.json. It takes minutes, so it
// runs when CITEBOT_REFIT=1 (.ci/run sets it) and needs ../shared beside
// the repository.
//
// The thresholds, the training data's hash and the set of features must
// match exactly. Weights must match to within 1e-3: L-BFGS stops at a
// gradient tolerance, so a last-bit difference in floating point (another
// CPU's instructions, another Go release) moves where it stops by about
// 1e-5, and no weight that small changes a reading.
func TestRefitReproducesTheModel(t *testing.T) {
	if os.Getenv("CITEBOT_REFIT") != "1" {
		t.Skip("set CITEBOT_REFIT=1 to refit the reader (minutes)")
	}
	root := filepath.Join("..", "..")
	m, err := Fit(context.Background(), DefaultOptions(root))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(root, "retrieval", "reader", "model.json"))
	if err != nil {
		t.Fatal(err)
	}
	var committed reader.Model
	if err := json.Unmarshal(raw, &committed); err != nil {
		t.Fatal(err)
	}
	for _, d := range modelDiff(m, &committed, 1e-3) {
		t.Error(d)
	}
	if t.Failed() {
		t.Log("run go run ./internal/cmd/fitreader and commit retrieval/reader/model.json")
	}
}

// modelDiff lists how got and want differ, with weights compared to
// within tol (absolute, or relative for weights above 1).
func modelDiff(got, want *reader.Model, tol float64) []string {
	var out []string
	if got.Threshold != want.Threshold || got.LeadThreshold != want.LeadThreshold {
		out = append(out, fmt.Sprintf("thresholds: refit %v/%v, committed %v/%v", got.Threshold, got.LeadThreshold, want.Threshold, want.LeadThreshold))
	}
	if !maps.Equal(got.Fit, want.Fit) {
		out = append(out, fmt.Sprintf("fit: refit %v, committed %v", got.Fit, want.Fit))
	}
	for _, part := range []struct {
		name      string
		got, want map[string]float64
	}{{"sentence", got.Sentence, want.Sentence}, {"answer", got.Answer, want.Answer}, {"confidence", got.Confidence, want.Confidence}} {
		for _, k := range slices.Sorted(maps.Keys(part.got)) {
			g, w := part.got[k], part.want[k]
			if math.Abs(g-w) > tol*max(1, math.Abs(w)) {
				out = append(out, fmt.Sprintf("%s %s: refit %v, committed %v", part.name, k, g, w))
			}
		}
		for k, w := range part.want {
			if _, ok := part.got[k]; !ok && math.Abs(w) > tol {
				out = append(out, fmt.Sprintf("%s %s: refit 0, committed %v", part.name, k, w))
			}
		}
	}
	return out
}

func TestModelDiff(t *testing.T) {
	base := func() *reader.Model {
		return &reader.Model{Sentence: map[string]float64{"a": 1.5, "b": -0.2}, Answer: map[string]float64{"c": 3},
			Confidence: map[string]float64{"d": 0.1}, Threshold: 0.5, Fit: map[string]string{"train_sha256": "x"}}
	}
	tests := []struct {
		name   string
		change func(m *reader.Model)
		want   int
	}{
		{"same", func(m *reader.Model) {}, 0},
		{"within tolerance", func(m *reader.Model) { m.Sentence["a"] += 1e-5; m.Answer["c"] -= 2e-3 }, 0},
		{"weight moved", func(m *reader.Model) { m.Sentence["b"] = -0.25 }, 1},
		{"weight gone", func(m *reader.Model) { delete(m.Answer, "c") }, 1},
		{"weight new", func(m *reader.Model) { m.Confidence["e"] = 0.3 }, 1},
		{"threshold", func(m *reader.Model) { m.Threshold = 0.55 }, 1},
		{"other data", func(m *reader.Model) { m.Fit["train_sha256"] = "y" }, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := base()
			tt.change(got)
			if d := modelDiff(got, base(), 1e-3); len(d) != tt.want {
				t.Errorf("got %d differences %q, want %d", len(d), d, tt.want)
			}
		})
	}
}
