package readerfit

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
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

// TestRefitReproducesTheModel refits the reader from scratch, as `go run
// ./internal/cmd/fitreader` does, and compares the result with the
// committed retrieval/reader/model.json. It takes minutes, so it runs when
// CITEBOT_REFIT=1 (.ci/run sets it) and needs ../shared beside the
// repository.
func TestRefitReproducesTheModel(t *testing.T) {
	if os.Getenv("CITEBOT_REFIT") != "1" {
		t.Skip("set CITEBOT_REFIT=1 to refit the reader (minutes)")
	}
	root := filepath.Join("..", "..")
	shared := filepath.Join(root, "..", "shared", "eval")
	opts := Options{
		Train:  filepath.Join(shared, "squad-train", "train.jsonl"),
		Corpus: filepath.Join(shared, "squad-train", "corpus"),
		Supplement: []Set{{Name: "lists", Questions: filepath.Join("testdata", "lists", "train.jsonl"),
			Corpus: filepath.Join("testdata", "lists", "corpus")}},
	}
	m, err := Fit(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(filepath.Join(root, "retrieval", "reader", "model.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		var committed reader.Model
		_ = json.Unmarshal(want, &committed)
		diff := 0
		for name, parts := range map[string][2]map[string]float64{
			"sentence": {m.Sentence, committed.Sentence}, "answer": {m.Answer, committed.Answer},
			"confidence": {m.Confidence, committed.Confidence}} {
			for k, v := range parts[0] {
				if parts[1][k] != v && diff < 10 {
					t.Logf("%s %s: refit %v, committed %v", name, k, v, parts[1][k])
					diff++
				}
			}
		}
		t.Errorf("the refit differs from the committed model (threshold %v vs %v, fit %v vs %v); run go run ./internal/cmd/fitreader and commit the result",
			m.Threshold, committed.Threshold, m.Fit, committed.Fit)
	}
}
