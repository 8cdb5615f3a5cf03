package readerfit

import (
	"fmt"
	"math"
	"os"
	"runtime"
	"sync"

	"gonum.org/v1/gonum/optimize"

	"github.com/citebot/citebot/retrieval/reader"
)

// fitChoice fits a conditional logit model: within each group, the
// probability of a candidate is the softmax of its linear score, and the
// fit maximises the probability of the right candidates, with an L2
// penalty of strength l2 per group. Groups without a right candidate are
// skipped. gonum's L-BFGS does the optimisation; it is deterministic, so a
// refit on the same data gives the same weights.
func fitChoice(groups []reader.Group, dim int, l2 float64) ([]float64, error) {
	var use []reader.Group
	for _, g := range groups {
		if g.HasRight() && len(g.X) > 1 {
			use = append(use, g)
		}
	}
	if len(use) == 0 {
		return make([]float64, dim), nil
	}
	n := float64(len(use))
	part := func(use []reader.Group, w, grad []float64) float64 {
		var loss float64
		var z, p []float64
		for _, g := range use {
			z = z[:0]
			for _, x := range g.X {
				z = append(z, dot(x, w))
			}
			m := z[0]
			for _, v := range z {
				m = math.Max(m, v)
			}
			var all, right float64
			p = p[:0]
			for i, v := range z {
				e := math.Exp(v - m)
				p = append(p, e)
				all += e
				if g.Right[i] {
					right += e
				}
			}
			loss += math.Log(all) - math.Log(right)
			if grad != nil {
				for i, x := range g.X {
					c := p[i] / all
					if g.Right[i] {
						c -= p[i] / right
					}
					if c == 0 {
						continue
					}
					for _, ft := range x {
						grad[ft.ID] += c * float64(ft.Val)
					}
				}
			}
		}
		return loss
	}
	return minimize(parallel(use, part, n, l2), dim)
}

// parallel turns a per-group loss into the penalised mean loss over all
// groups, computed on every core. The groups are split into fixed parts
// whose results are summed in order, so the result does not depend on
// scheduling.
func parallel[G any](groups []G, part func(gs []G, w, grad []float64) float64, n, l2 float64) func(w, grad []float64) float64 {
	workers := max(1, min(runtime.NumCPU(), 8))
	return func(w, grad []float64) float64 {
		losses := make([]float64, workers)
		var grads [][]float64
		if grad != nil {
			grads = make([][]float64, workers)
		}
		var wg sync.WaitGroup
		size := (len(groups) + workers - 1) / workers
		for k := 0; k < workers; k++ {
			lo, hi := min(k*size, len(groups)), min((k+1)*size, len(groups))
			if grad != nil {
				grads[k] = make([]float64, len(w))
			}
			wg.Add(1)
			go func(k int) {
				defer wg.Done()
				var g []float64
				if grads != nil {
					g = grads[k]
				}
				losses[k] = part(groups[lo:hi], w, g)
			}(k)
		}
		wg.Wait()
		var loss float64
		for k := range losses {
			loss += losses[k]
		}
		loss /= n
		if grad != nil {
			for i := range grad {
				grad[i] = 0
			}
			for k := range grads {
				for i, v := range grads[k] {
					grad[i] += v
				}
			}
		}
		var reg float64
		for i, v := range w {
			reg += v * v
			if grad != nil {
				grad[i] = grad[i]/n + l2*v
			}
		}
		return loss + l2*reg/2
	}
}

// fitBinary fits a logistic regression of labels y on xs, with an L2
// penalty of strength l2 per example on every weight but the first (the
// bias).
func fitBinary(xs []reader.Vector, y []bool, dim int, l2 float64) ([]float64, error) {
	if len(xs) == 0 {
		return make([]float64, dim), nil
	}
	n := float64(len(xs))
	f := func(w, grad []float64) float64 {
		var loss float64
		if grad != nil {
			for i := range grad {
				grad[i] = 0
			}
		}
		for k, x := range xs {
			s := dot(x, w)
			// log(1+e^s) - y*s, computed stably.
			var l float64
			if s > 0 {
				l = s + math.Log1p(math.Exp(-s))
			} else {
				l = math.Log1p(math.Exp(s))
			}
			p := 1 / (1 + math.Exp(-s))
			c := p
			if y[k] {
				l -= s
				c -= 1
			}
			loss += l
			if grad != nil {
				for _, ft := range x {
					grad[ft.ID] += c * float64(ft.Val)
				}
			}
		}
		loss /= n
		var reg float64
		for i, v := range w {
			if i == 0 {
				if grad != nil {
					grad[i] /= n
				}
				continue
			}
			reg += v * v
			if grad != nil {
				grad[i] = grad[i]/n + l2*v
			}
		}
		return loss + l2*reg/2
	}
	return minimize(f, dim)
}

var traceFit = os.Getenv("READERFIT_TRACE") != ""

func minimize(f func(w, grad []float64) float64, dim int) ([]float64, error) {
	p := optimize.Problem{
		Func: func(w []float64) float64 { return f(w, nil) },
		Grad: func(grad, w []float64) { f(w, grad) },
	}
	res, err := optimize.Minimize(p, make([]float64, dim), &optimize.Settings{
		GradientThreshold: 1e-6,
		MajorIterations:   2000,
	}, &optimize.LBFGS{})
	if err != nil && res == nil {
		return nil, fmt.Errorf("fit: %w", err)
	}
	// Stopping at the iteration limit still leaves a usable optimum; the
	// weights are rounded on output, so tiny differences do not matter.
	if traceFit {
		fmt.Fprintf(os.Stderr, "fit: dim %d, %d iterations, %d evaluations, %v, loss %.5f\n", dim, res.Stats.MajorIterations, res.Stats.FuncEvaluations, res.Stats.Runtime, res.F)
	}
	return res.X, nil
}

func dot(x reader.Vector, w []float64) float64 {
	var s float64
	for _, ft := range x {
		s += float64(ft.Val) * w[ft.ID]
	}
	return s
}

// fitAnswer fits the answer model: within each group, every phrase of
// every sentence is a candidate, scored by the sentence's first-stage
// score, the sentence's features and the phrase's features, laid out as
// reader's answer model (stage1, then sentence, then phrase features at
// offsets sentOff and spanOff).
func fitAnswer(groups []reader.AnswerGroup, dim, sentOff, spanOff int, l2 float64) ([]float64, error) {
	var use []reader.AnswerGroup
	for _, g := range groups {
		if g.HasRight() {
			use = append(use, g)
		}
	}
	if len(use) == 0 {
		return make([]float64, dim), nil
	}
	n := float64(len(use))
	part := func(use []reader.AnswerGroup, w, grad []float64) float64 {
		var loss float64
		var scores [][]float64
		for _, g := range use {
			scores = scores[:0]
			m := math.Inf(-1)
			for i := range g.Sent {
				base := w[0]*g.Stage1[i] + dotAt(g.Sent[i], w, sentOff)
				row := make([]float64, len(g.Spans[i]))
				for k, x := range g.Spans[i] {
					row[k] = base + dotAt(x, w, spanOff)
					m = math.Max(m, row[k])
				}
				scores = append(scores, row)
			}
			var all, right float64
			for i, row := range scores {
				for k, s := range row {
					e := math.Exp(s - m)
					row[k] = e
					all += e
					if g.Right[i][k] {
						right += e
					}
				}
			}
			loss += math.Log(all) - math.Log(right)
			if grad == nil {
				continue
			}
			for i, row := range scores {
				var sentC float64
				for k, e := range row {
					c := e / all
					if g.Right[i][k] {
						c -= e / right
					}
					if c == 0 {
						continue
					}
					sentC += c
					for _, ft := range g.Spans[i][k] {
						grad[spanOff+int(ft.ID)] += c * float64(ft.Val)
					}
				}
				grad[0] += sentC * g.Stage1[i]
				for _, ft := range g.Sent[i] {
					grad[sentOff+int(ft.ID)] += sentC * float64(ft.Val)
				}
			}
		}
		return loss
	}
	return minimize(parallel(use, part, n, l2), dim)
}

func dotAt(x reader.Vector, w []float64, off int) float64 {
	var s float64
	for _, ft := range x {
		s += float64(ft.Val) * w[off+int(ft.ID)]
	}
	return s
}
