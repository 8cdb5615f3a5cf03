package retrieval

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

// Answerer is anything that answers questions: an Engine, or a generator
// that wraps one. Evaluate scores any of them the same way.
type Answerer interface {
	Answer(ctx context.Context, q Question) (Answer, error)
}

var _ Answerer = (*Engine)(nil)

// EvalQuestion is one line of a question set (the shared/eval format).
type EvalQuestion struct {
	ID       string   `json:"id"`
	Question string   `json:"question"`
	Answers  []string `json:"answers"`
	Sources  []string `json:"sources"`
	// Answerable is false for questions the corpus cannot answer; absent
	// means true.
	Answerable *bool `json:"answerable,omitempty"`
}

// IsAnswerable reports whether the corpus is meant to answer q.
func (q EvalQuestion) IsAnswerable() bool { return q.Answerable == nil || *q.Answerable }

// ReadEvalSet parses a JSON-lines question set. Blank lines are skipped;
// a malformed line is an error naming its line number.
func ReadEvalSet(r io.Reader) ([]EvalQuestion, error) {
	var out []EvalQuestion
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 4<<20)
	line := 0
	for sc.Scan() {
		line++
		b := strings.TrimSpace(sc.Text())
		if b == "" {
			continue
		}
		var q EvalQuestion
		if err := json.Unmarshal([]byte(b), &q); err != nil {
			return nil, fmt.Errorf("question set line %d: %w", line, err)
		}
		if strings.TrimSpace(q.Question) == "" {
			return nil, fmt.Errorf("question set line %d: empty question", line)
		}
		if q.ID == "" {
			q.ID = fmt.Sprintf("line%d", line)
		}
		out = append(out, q)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read question set: %w", err)
	}
	return out, nil
}

// EvalResult is how one question fared.
type EvalResult struct {
	ID          string        `json:"id"`
	Question    string        `json:"question"`
	Answerable  bool          `json:"answerable"`
	Answered    bool          `json:"answered"`
	Correct     bool          `json:"correct"`      // answerable: right answer; unanswerable: refused
	RetrievedAt int           `json:"retrieved_at"` // 1-based rank of the first right source among citations; 0 if none
	Faithful    int           `json:"faithful"`     // citations whose quote is verbatim in its source
	Citations   int           `json:"citations"`
	Latency     time.Duration `json:"latency_ns"`
	Answer      string        `json:"answer"`
	Sources     []string      `json:"sources"`
	Error       string        `json:"error,omitempty"`
}

// EvalReport totals a run.
type EvalReport struct {
	Results        []EvalResult  `json:"results"`
	Answerable     int           `json:"answerable"`
	Unanswerable   int           `json:"unanswerable"`
	RetrievalAt3   float64       `json:"retrieval_at_3"`
	MRR            float64       `json:"mrr"`
	Accuracy       float64       `json:"answer_accuracy"`
	Faithfulness   float64       `json:"citation_faithfulness"`
	RefusalRate    float64       `json:"refusal_rate"`       // unanswerable questions refused
	FalseRefusals  float64       `json:"false_refusal_rate"` // answerable questions refused
	LatencyP50     time.Duration `json:"latency_p50_ns"`
	LatencyP95     time.Duration `json:"latency_p95_ns"`
	LatencyMax     time.Duration `json:"latency_max_ns"`
	UnfaithfulCite []string      `json:"unfaithful_citations,omitempty"`
}

// Evaluate asks every question and scores the answers. texts maps a source
// name to its document text, against which quotes are checked verbatim
// (whitespace collapsed).
func Evaluate(ctx context.Context, a Answerer, qs []EvalQuestion, texts map[string]string) EvalReport {
	collapsed := make(map[string]string, len(texts))
	for k, v := range texts {
		collapsed[k] = collapseSpace(v)
	}
	var rep EvalReport
	var rr, hit3, correct, refused, falseRef, faithful, cites float64
	lat := make([]time.Duration, 0, len(qs))
	for _, q := range qs {
		res := EvalResult{ID: q.ID, Question: q.Question, Answerable: q.IsAnswerable()}
		start := time.Now()
		ans, err := a.Answer(ctx, Question{Text: q.Question})
		res.Latency = time.Since(start)
		lat = append(lat, res.Latency)
		if err != nil {
			res.Error = err.Error()
		}
		res.Answered = ans.Answered
		res.Answer = ans.Text
		for i, c := range ans.Citations {
			res.Sources = append(res.Sources, c.Source)
			res.Citations++
			if t, ok := collapsed[c.Source]; ok && c.Quote != "" && strings.Contains(t, collapseSpace(c.Quote)) {
				res.Faithful++
			} else {
				rep.UnfaithfulCite = append(rep.UnfaithfulCite, fmt.Sprintf("%s: %s: %q", q.ID, c.Source, c.Quote))
			}
			if res.RetrievedAt == 0 && contains(q.Sources, c.Source) {
				res.RetrievedAt = i + 1
			}
		}
		faithful += float64(res.Faithful)
		cites += float64(res.Citations)
		if res.Answerable {
			rep.Answerable++
			if res.RetrievedAt > 0 {
				rr += 1 / float64(res.RetrievedAt)
				if res.RetrievedAt <= 3 {
					hit3++
				}
			}
			res.Correct = ans.Answered && utf8.RuneCountInString(ans.Text) <= MaxAnswerLen && matchesAny(ans.Text, q.Answers)
			if res.Correct {
				correct++
			}
			if !ans.Answered {
				falseRef++
			}
		} else {
			rep.Unanswerable++
			res.Correct = err == nil && !ans.Answered
			if res.Correct {
				refused++
			}
		}
		rep.Results = append(rep.Results, res)
	}
	if rep.Answerable > 0 {
		n := float64(rep.Answerable)
		rep.RetrievalAt3, rep.MRR, rep.Accuracy, rep.FalseRefusals = hit3/n, rr/n, correct/n, falseRef/n
	}
	if rep.Unanswerable > 0 {
		rep.RefusalRate = refused / float64(rep.Unanswerable)
	}
	rep.Faithfulness = 1
	if cites > 0 {
		rep.Faithfulness = faithful / cites
	}
	if len(lat) > 0 {
		sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
		rep.LatencyP50 = lat[len(lat)/2]
		rep.LatencyP95 = lat[min(len(lat)-1, len(lat)*95/100)]
		rep.LatencyMax = lat[len(lat)-1]
	}
	return rep
}

// WriteTable prints one row per question and the totals.
func (rep EvalReport) WriteTable(w io.Writer) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "%-8s %-4s %-5s %-8s %-9s %-9s %s\n", "id", "ok", "rank", "answered", "faithful", "latency", "answer")
	for _, r := range rep.Results {
		ok := "FAIL"
		if r.Correct {
			ok = "ok"
		}
		rank := "-"
		if r.RetrievedAt > 0 {
			rank = fmt.Sprint(r.RetrievedAt)
		}
		ans := r.Answer
		if r.Error != "" {
			ans = "error: " + r.Error
		}
		fmt.Fprintf(bw, "%-8s %-4s %-5s %-8v %-9s %-9s %s\n", r.ID, ok, rank, r.Answered,
			fmt.Sprintf("%d/%d", r.Faithful, r.Citations), r.Latency.Round(time.Microsecond), oneLine(ans, 90))
	}
	fmt.Fprintf(bw, "\nquestions: %d answerable, %d unanswerable\n", rep.Answerable, rep.Unanswerable)
	fmt.Fprintf(bw, "retrieval@3:           %6.1f%%\n", rep.RetrievalAt3*100)
	fmt.Fprintf(bw, "MRR:                   %6.3f\n", rep.MRR)
	fmt.Fprintf(bw, "answer accuracy:       %6.1f%%\n", rep.Accuracy*100)
	fmt.Fprintf(bw, "citation faithfulness: %6.1f%%\n", rep.Faithfulness*100)
	fmt.Fprintf(bw, "refusal rate:          %6.1f%% of unanswerable (false refusals: %.1f%% of answerable)\n", rep.RefusalRate*100, rep.FalseRefusals*100)
	fmt.Fprintf(bw, "latency:               p50 %v  p95 %v  max %v\n", rep.LatencyP50.Round(time.Microsecond), rep.LatencyP95.Round(time.Microsecond), rep.LatencyMax.Round(time.Microsecond))
	return bw.Flush()
}

func oneLine(s string, n int) string {
	s = collapseSpace(s)
	if utf8.RuneCountInString(s) > n {
		return string([]rune(s)[:n-1]) + "…"
	}
	return s
}

func collapseSpace(s string) string { return strings.Join(strings.Fields(s), " ") }

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// matchesAny reports whether text contains one of the accepted answers,
// ignoring case and accents.
func matchesAny(text string, answers []string) bool {
	ft := fold(text)
	for _, a := range answers {
		if a != "" && strings.Contains(ft, fold(a)) {
			return true
		}
	}
	return false
}
