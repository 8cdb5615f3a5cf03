package readerfit

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"

	"github.com/citebot/citebot/retrieval/reader"
)

// Options says what to fit on and how.
type Options struct {
	// Train is the question set to fit on; its answers carry offsets.
	Train string
	// Corpus is the folder Train's questions are about.
	Corpus string
	// Supplement lists further question sets with marked answers, each
	// about its own corpus, to fit the sentence and answer models on as
	// well (not the confidence model).
	Supplement []Set
	// Dev lists the sets on which settings (the thresholds) are chosen.
	Dev []Set
	// Folds is how many groups of articles the confidence model's
	// held-out readings rotate through; zero means 5.
	Folds int
	// L2 penalties of the sentence, phrase and confidence models; zero
	// means the defaults below.
	L2Sentence, L2Span, L2Confidence float64
	// Log receives progress; nil means none.
	Log io.Writer
	// Verbose also logs every development question's result.
	Verbose bool
	// CrossValidate also reports how models fitted without each fold of
	// articles read that fold.
	CrossValidate bool
}

// DefaultOptions are the options `go run ./internal/cmd/fitreader` fits the
// committed model with, for a repository at root with ../shared beside it:
// the squad-train questions and corpus, and the list-binding supplement.
// The refit test uses them too, so that it fits exactly what the command
// fits.
func DefaultOptions(root string) Options {
	shared := filepath.Join(root, "..", "shared", "eval", "squad-train")
	lists := filepath.Join(root, "internal", "readerfit", "testdata", "lists")
	return Options{
		Train:      filepath.Join(shared, "train.jsonl"),
		Corpus:     filepath.Join(shared, "corpus"),
		Supplement: []Set{{Name: "lists", Questions: filepath.Join(lists, "train.jsonl"), Corpus: filepath.Join(lists, "corpus")}},
	}
}

// Set is a question set and the corpus it is about.
type Set struct {
	Name      string
	Questions string
	Corpus    string
}

// Default penalties, chosen by held-out likelihood (see docs/quality.md).
const (
	defaultL2Sentence   = 1e-3
	defaultL2Span       = 1e-3
	defaultL2Confidence = 1e-3
)

// example is a training question with its retrieved passages.
type example struct {
	ix       *indexed // the corpus the question is about
	extra    bool     // from a supplementary set
	item     Item
	article  string
	passages []reader.Passage
	gold     reader.Gold
	hasGold  bool
	sent     reader.Group
	answer   reader.AnswerGroup
}

// Fit fits the reader's three models and chooses its thresholds.
//
// The first-stage sentence model is fitted on every training question.
// The answer model is fitted on the best sentences by first-stage models
// that did not see the question's article (cross-fitting by article), so
// that it learns how far to trust the first stage on text it was not
// fitted on. The confidence model is fitted on readings made by models
// that did not see the question's article, of answerable and unanswerable
// questions and of questions whose article was left out of the corpus.
func Fit(ctx context.Context, opts Options) (*reader.Model, error) {
	if opts.Folds <= 0 {
		opts.Folds = 5
	}
	if opts.L2Sentence <= 0 {
		opts.L2Sentence = defaultL2Sentence
	}
	if opts.L2Span <= 0 {
		opts.L2Span = defaultL2Span
	}
	if opts.L2Confidence <= 0 {
		opts.L2Confidence = defaultL2Confidence
	}
	logf := func(format string, args ...any) {
		if opts.Log != nil {
			fmt.Fprintf(opts.Log, format+"\n", args...)
		}
	}
	items, err := ReadSet(opts.Train)
	if err != nil {
		return nil, err
	}
	raw, err := os.ReadFile(opts.Train)
	if err != nil {
		return nil, err
	}
	sha := fmt.Sprintf("%x", sha256.Sum256(raw))
	ix, err := openCorpus(ctx, opts.Corpus, nil)
	if err != nil {
		return nil, err
	}
	defer ix.close()
	exs, err := examples(ctx, ix, items, false)
	if err != nil {
		return nil, err
	}
	for _, set := range opts.Supplement {
		sitems, err := ReadSet(set.Questions)
		if err != nil {
			return nil, err
		}
		six, err := openCorpus(ctx, set.Corpus, nil)
		if err != nil {
			return nil, err
		}
		defer six.close()
		more, err := examples(ctx, six, sitems, true)
		if err != nil {
			return nil, err
		}
		exs = append(exs, more...)
	}
	withSent := 0
	for _, ex := range exs {
		if ex.sent.HasRight() {
			withSent++
		}
	}
	logf("train: %d questions, %d with the answer's sentence retrieved", len(exs), withSent)
	folds := assignFolds(exs, opts.Folds)

	// First stage, cross-fitted: each fold's answer groups come from a
	// sentence model that did not see it.
	foldSent := make([][]float64, opts.Folds)
	for k := range foldSent {
		if foldSent[k], err = fitChoice(sentGroups(exs, folds, k), reader.Dim("sentence"), opts.L2Sentence); err != nil {
			return nil, fmt.Errorf("fit sentence model: %w", err)
		}
		readers := map[*indexed]*reader.Reader{}
		for _, ex := range exs {
			if !ex.hasGold || folds[ex.article] != k {
				continue
			}
			r := readers[ex.ix]
			if r == nil {
				if r, err = reader.New(ex.ix.stats, reader.Options{Model: &reader.Model{Sentence: reader.Named("sentence", foldSent[k])}}); err != nil {
					return nil, err
				}
				readers[ex.ix] = r
			}
			ex.answer = r.AnswerGroup(ex.item.Question, ex.passages, ex.gold)
		}
	}
	sentW, err := fitChoice(sentGroups(exs, folds, -1), reader.Dim("sentence"), opts.L2Sentence)
	if err != nil {
		return nil, fmt.Errorf("fit sentence model: %w", err)
	}
	answerW, err := fitAnswerOn(exs, folds, -1, opts)
	if err != nil {
		return nil, err
	}
	if opts.Log != nil {
		var sg []reader.Group
		inTop := 0
		for _, ex := range exs {
			if ex.hasGold && ex.sent.HasRight() {
				sg = append(sg, ex.sent)
				if ex.answer.HasRight() {
					inTop++
				}
			}
		}
		logf("train: first-stage top-1 %.3f (in sample); answer sentence among the best %d in %d of %d (cross-fitted)", top1(sg, sentW), reader.DefaultSentences, inTop, len(sg))
	}
	foldAnswer := make([][]float64, opts.Folds)
	for k := range foldAnswer {
		if foldAnswer[k], err = fitAnswerOn(exs, folds, k, opts); err != nil {
			return nil, err
		}
	}
	oof, err := heldOut(ctx, opts, ix, exs, folds, foldSent, foldAnswer)
	if err != nil {
		return nil, err
	}
	confW, err := fitBinary(confVectors(oof), rightLabels(oof), reader.Dim("confidence"), opts.L2Confidence)
	if err != nil {
		return nil, fmt.Errorf("fit confidence model: %w", err)
	}
	for i := range oof {
		oof[i].p = sigmoid(dot(oof[i].tr.Confidence, confW))
	}
	lead := chooseLeadThreshold(oof)
	threshold := answerThreshold
	logf("held-out readings: %d; lead threshold %.2f; answer threshold %.2f", len(oof), lead, threshold)
	if opts.Log != nil {
		writeCalibration(opts.Log, oof)
		writeThresholds(opts.Log, oof, lead)
	}
	m := &reader.Model{
		Sentence:      round(reader.Named("sentence", sentW)),
		Answer:        round(reader.Named("answer", answerW)),
		Confidence:    round(reader.Named("confidence", confW)),
		Threshold:     threshold,
		LeadThreshold: lead,
		Fit: map[string]string{
			"train_sha256":  sha,
			"questions":     strconv.Itoa(len(exs)),
			"l2_sentence":   fmt.Sprint(opts.L2Sentence),
			"l2_answer":     fmt.Sprint(opts.L2Span),
			"l2_confidence": fmt.Sprint(opts.L2Confidence),
			"folds":         strconv.Itoa(opts.Folds),
		},
	}
	for _, set := range opts.Dev {
		if set.Corpus == "" {
			continue
		}
		dev, err := ReadSet(set.Questions)
		if err != nil {
			return nil, err
		}
		dix, err := openCorpus(ctx, set.Corpus, nil)
		if err != nil {
			return nil, err
		}
		var w io.Writer
		if opts.Log != nil && opts.Verbose {
			w = opts.Log
		}
		for _, t := range []float64{1e-9, m.Threshold} {
			r, err := reader.New(dix.stats, reader.Options{Model: m, Threshold: t})
			if err != nil {
				return nil, err
			}
			if t != m.Threshold {
				logf("%s at threshold %.2f: %v", set.Name, t, score(ctx, r, dix, dev, nil))
				continue
			}
			logf("%s at the chosen threshold %.2f: %v", set.Name, t, score(ctx, r, dix, dev, w))
		}
		dix.close()
	}
	return m, nil
}

// examples retrieves the passages of each item from ix and, for items
// whose answer is marked, the first-stage choice.
func examples(ctx context.Context, ix *indexed, items []Item, extra bool) ([]*example, error) {
	blank, err := reader.New(ix.stats, reader.Options{Model: &reader.Model{}})
	if err != nil {
		return nil, err
	}
	exs := make([]*example, 0, len(items))
	for _, it := range items {
		ex := &example{ix: ix, extra: extra, item: it, article: articleOf(it)}
		ex.passages, err = ix.eng.Retrieve(ctx, it.Question)
		if err != nil {
			continue
		}
		if it.IsAnswerable() {
			ex.gold, ex.hasGold = ix.gold(it)
		}
		if ex.hasGold {
			ex.sent = blank.SentenceGroup(it.Question, ex.passages, ex.gold)
		}
		exs = append(exs, ex)
	}
	return exs, nil
}

// assignFolds puts the articles of exs into k folds, in order of name.
func assignFolds(exs []*example, k int) map[string]int {
	seen := map[string]bool{}
	for _, ex := range exs {
		seen[ex.article] = true
	}
	folds := map[string]int{}
	for i, a := range sortedKeys(seen) {
		folds[a] = i % k
	}
	return folds
}

// sentGroups lists the first-stage groups of the examples outside fold
// skip (-1 for none).
func sentGroups(exs []*example, folds map[string]int, skip int) []reader.Group {
	var out []reader.Group
	for _, ex := range exs {
		if ex.hasGold && folds[ex.article] != skip {
			for range weight(ex) {
				out = append(out, ex.sent)
			}
		}
	}
	return out
}

// supplementWeight is how many times a question of a supplementary set
// counts: they teach what the main set has too few of (values bound to
// names in lists), and a handful would not move the weights.
const supplementWeight = 4

func weight(ex *example) int {
	if ex.extra {
		return supplementWeight
	}
	return 1
}

// fitAnswerOn fits the answer model on the examples outside fold skip.
func fitAnswerOn(exs []*example, folds map[string]int, skip int, opts Options) ([]float64, error) {
	var groups []reader.AnswerGroup
	for _, ex := range exs {
		if ex.hasGold && folds[ex.article] != skip {
			for range weight(ex) {
				groups = append(groups, ex.answer)
			}
		}
	}
	sentOff, spanOff := reader.AnswerOffsets()
	w, err := fitAnswer(groups, reader.Dim("answer"), sentOff, spanOff, opts.L2Span)
	if err != nil {
		return nil, fmt.Errorf("fit answer model: %w", err)
	}
	return w, nil
}

// articleOf names the article a question is about, for folds.
func articleOf(it Item) string {
	if it.Article != "" {
		return it.Article
	}
	if len(it.Sources) > 0 {
		return it.Sources[0]
	}
	return ""
}

// round keeps six significant digits, so that the stored model is small
// and the same on every machine.
func round(w map[string]float64) map[string]float64 {
	out := make(map[string]float64, len(w))
	for k, v := range w {
		if v == 0 {
			continue
		}
		e := math.Floor(math.Log10(math.Abs(v)))
		scale := math.Pow(10, 5-e)
		r := math.Round(v*scale) / scale
		if r != 0 {
			out[k] = r
		}
	}
	return out
}

// sortedKeys lists a map's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// top1 is the share of groups with a right candidate whose best-scored
// candidate is right.
func top1(groups []reader.Group, w []float64) float64 {
	n, ok := 0, 0
	for _, g := range groups {
		if !g.HasRight() {
			continue
		}
		n++
		best, bz := -1, math.Inf(-1)
		for i, x := range g.X {
			if z := dot(x, w); z > bz {
				best, bz = i, z
			}
		}
		if g.Right[best] {
			ok++
		}
	}
	return float64(ok) / float64(max(n, 1))
}

// Marshal writes a model as model.json holds it.
func Marshal(m *reader.Model) ([]byte, error) {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}
