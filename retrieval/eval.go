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

	"github.com/citebot/citebot"
	"github.com/citebot/citebot/retrieval/words"
)

// LeadWindow is how much of an answer, in characters, counts as its lead.
// A typed question (when, who, where, how many, which) is answered well
// only when an accepted answer stands in the lead, not anywhere in the
// quote that follows.
const LeadWindow = 120

// EvalQuestion is one line of a question set (the shared/eval format).
type EvalQuestion struct {
	ID       string   `json:"id"`
	Question string   `json:"question"`
	Answers  []string `json:"answers"`
	Sources  []string `json:"sources"`
	// Answerable is false for questions the corpus cannot answer; absent
	// means true.
	Answerable *bool `json:"answerable,omitempty"`
	// Kind groups questions in the report ("offtopic",
	// "squad-impossible", …); optional.
	Kind string `json:"kind,omitempty"`
	// AnswerOffsets are where each answer starts in its source file, in
	// Unicode code points, for sets that mark them (squad-train); the
	// reader is fitted on them, and eval does not need them.
	AnswerOffsets []int `json:"answer_offsets,omitempty"`
	// Article names the document a question was written about, when it
	// differs from its source's name.
	Article string `json:"article,omitempty"`
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
	ID         string `json:"id"`
	Kind       string `json:"kind,omitempty"`
	Question   string `json:"question"`
	Answerable bool   `json:"answerable"`
	Answered   bool   `json:"answered"`
	// Lead reports an accepted answer within the first LeadWindow
	// characters of the reply: the headline measure.
	Lead bool `json:"lead"`
	// Contains reports an accepted answer anywhere in the reply, which
	// must be at most MaxAnswerLen characters.
	Contains bool `json:"contains"`
	// Correct is Lead for an answerable question and a refusal for an
	// unanswerable one.
	Correct     bool          `json:"correct"`
	RetrievedAt int           `json:"retrieved_at"` // 1-based rank of the first right source among citations; 0 if none
	Faithful    int           `json:"faithful"`     // citations whose quote is verbatim in its source
	Citations   int           `json:"citations"`
	Confidence  float64       `json:"confidence"`
	Latency     time.Duration `json:"latency_ns"`
	Answer      string        `json:"answer"`
	Sources     []string      `json:"sources"`
	Error       string        `json:"error,omitempty"`
}

// KindRefusal is how the unanswerable questions of one kind fared.
type KindRefusal struct {
	Kind      string  `json:"kind"`
	Questions int     `json:"questions"`
	Refused   int     `json:"refused"`
	Rate      float64 `json:"rate"`
}

// CalibrationBucket holds the answered questions whose confidence fell in
// [Low, High), and how many of them were right.
type CalibrationBucket struct {
	Low, High float64
	Answers   int     `json:"answers"`
	Right     float64 `json:"right"` // share with the accepted answer in the reply
}

// EvalReport totals a run.
type EvalReport struct {
	Name             string              `json:"name,omitempty"`
	Results          []EvalResult        `json:"results"`
	Answerable       int                 `json:"answerable"`
	Unanswerable     int                 `json:"unanswerable"`
	LeadAccuracy     float64             `json:"lead_accuracy"`
	ContainsAccuracy float64             `json:"contains_accuracy"`
	RetrievalAt3     float64             `json:"retrieval_at_3"`
	MRR              float64             `json:"mrr"`
	Faithfulness     float64             `json:"citation_faithfulness"`
	RefusalRate      float64             `json:"refusal_rate"`       // unanswerable questions refused
	FalseRefusals    float64             `json:"false_refusal_rate"` // answerable questions refused
	Refusals         []KindRefusal       `json:"refusals_by_kind,omitempty"`
	Calibration      []CalibrationBucket `json:"calibration,omitempty"`
	LatencyP50       time.Duration       `json:"latency_p50_ns"`
	LatencyP95       time.Duration       `json:"latency_p95_ns"`
	LatencyMax       time.Duration       `json:"latency_max_ns"`
	UnfaithfulCite   []string            `json:"unfaithful_citations,omitempty"`
}

// Evaluate asks every question and scores the answers. texts maps a source
// name to its document text, against which quotes are checked verbatim
// (whitespace collapsed).
func Evaluate(ctx context.Context, a citebot.Answerer, qs []EvalQuestion, texts map[string]string) EvalReport {
	collapsed := make(map[string]string, len(texts))
	for k, v := range texts {
		collapsed[k] = collapseSpace(v)
	}
	var rep EvalReport
	var rr, hit3, lead, holds, refused, falseRef, faithful, cites float64
	kinds := map[string]*KindRefusal{}
	lat := make([]time.Duration, 0, len(qs))
	var conf []EvalResult
	for _, q := range qs {
		res := EvalResult{ID: q.ID, Kind: q.Kind, Question: q.Question, Answerable: q.IsAnswerable()}
		start := time.Now()
		ans, err := a.Answer(ctx, citebot.Question{Text: q.Question})
		res.Latency = time.Since(start)
		lat = append(lat, res.Latency)
		if err != nil {
			res.Error = err.Error()
		}
		res.Answered = ans.Answered
		res.Answer = ans.Text
		res.Confidence = ans.Confidence
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
			ok := ans.Answered && utf8.RuneCountInString(ans.Text) <= citebot.MaxAnswerLen
			res.Contains = ok && MatchesAnswer(ans.Text, q.Answers)
			res.Lead = ok && InLead(ans.Text, q.Answers)
			res.Correct = res.Lead
			if res.Lead {
				lead++
			}
			if res.Contains {
				holds++
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
			kind := q.Kind
			if kind == "" {
				kind = "unanswerable"
			}
			k := kinds[kind]
			if k == nil {
				k = &KindRefusal{Kind: kind}
				kinds[kind] = k
			}
			k.Questions++
			if res.Correct {
				k.Refused++
			}
		}
		if ans.Answered && ans.Confidence > 0 {
			conf = append(conf, res)
		}
		rep.Results = append(rep.Results, res)
	}
	if rep.Answerable > 0 {
		n := float64(rep.Answerable)
		rep.RetrievalAt3, rep.MRR, rep.LeadAccuracy, rep.ContainsAccuracy, rep.FalseRefusals = hit3/n, rr/n, lead/n, holds/n, falseRef/n
	}
	if rep.Unanswerable > 0 {
		rep.RefusalRate = refused / float64(rep.Unanswerable)
	}
	for _, k := range kinds {
		k.Rate = float64(k.Refused) / float64(k.Questions)
		rep.Refusals = append(rep.Refusals, *k)
	}
	sort.Slice(rep.Refusals, func(i, j int) bool { return rep.Refusals[i].Kind < rep.Refusals[j].Kind })
	rep.Calibration = calibration(conf)
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

// calibration buckets answered questions by confidence. An answer is
// right when it holds an accepted answer; an answer to an unanswerable
// question is wrong.
func calibration(rs []EvalResult) []CalibrationBucket {
	var out []CalibrationBucket
	for b := 0; b < 10; b++ {
		lo, hi := float64(b)/10, float64(b+1)/10
		cb := CalibrationBucket{Low: lo, High: hi}
		right := 0
		for _, r := range rs {
			if r.Confidence >= lo && (r.Confidence < hi || b == 9) {
				cb.Answers++
				if r.Answerable && r.Contains {
					right++
				}
			}
		}
		if cb.Answers > 0 {
			cb.Right = float64(right) / float64(cb.Answers)
			out = append(out, cb)
		}
	}
	return out
}

// WriteTable prints one row per question and the totals.
func (rep EvalReport) WriteTable(w io.Writer) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "%-8s %-7s %-5s %-8s %-5s %-9s %-9s %s\n", "id", "result", "rank", "answered", "conf", "faithful", "latency", "answer")
	for _, r := range rep.Results {
		ok := "FAIL"
		switch {
		case r.Correct:
			ok = "ok"
		case r.Contains:
			ok = "QUOTE" // the answer is in the quote, not in the lead
		}
		rank := "-"
		if r.RetrievedAt > 0 {
			rank = fmt.Sprint(r.RetrievedAt)
		}
		ans := r.Answer
		if r.Error != "" {
			ans = "error: " + r.Error
		}
		fmt.Fprintf(bw, "%-8s %-7s %-5s %-8v %-5.2f %-9s %-9s %s\n", r.ID, ok, rank, r.Answered, r.Confidence,
			fmt.Sprintf("%d/%d", r.Faithful, r.Citations), r.Latency.Round(time.Microsecond), oneLine(ans, 90))
	}
	fmt.Fprintln(bw)
	rep.writeSummary(bw)
	return bw.Flush()
}

// WriteSummary prints the totals only.
func (rep EvalReport) WriteSummary(w io.Writer) error {
	bw := bufio.NewWriter(w)
	rep.writeSummary(bw)
	return bw.Flush()
}

func (rep EvalReport) writeSummary(bw *bufio.Writer) {
	if rep.Name != "" {
		fmt.Fprintf(bw, "%s\n", rep.Name)
	}
	fmt.Fprintf(bw, "questions: %d answerable, %d unanswerable\n", rep.Answerable, rep.Unanswerable)
	fmt.Fprintf(bw, "lead accuracy:         %6.1f%%  (an accepted answer in the first %d characters)\n", rep.LeadAccuracy*100, LeadWindow)
	fmt.Fprintf(bw, "contains accuracy:     %6.1f%%  (an accepted answer anywhere in the reply)\n", rep.ContainsAccuracy*100)
	fmt.Fprintf(bw, "retrieval@3:           %6.1f%%\n", rep.RetrievalAt3*100)
	fmt.Fprintf(bw, "MRR:                   %6.3f\n", rep.MRR)
	fmt.Fprintf(bw, "citation faithfulness: %6.1f%%\n", rep.Faithfulness*100)
	fmt.Fprintf(bw, "refusal rate:          %6.1f%% of unanswerable (false refusals: %.1f%% of answerable)\n", rep.RefusalRate*100, rep.FalseRefusals*100)
	for _, k := range rep.Refusals {
		fmt.Fprintf(bw, "  refused %-20s %3d/%-3d %6.1f%%\n", k.Kind, k.Refused, k.Questions, k.Rate*100)
	}
	if len(rep.Calibration) > 0 {
		fmt.Fprintf(bw, "calibration (answered):  confidence  answers  right\n")
		for _, b := range rep.Calibration {
			fmt.Fprintf(bw, "                         %.1f–%.1f  %7d  %5.1f%%\n", b.Low, b.High, b.Answers, b.Right*100)
		}
	}
	fmt.Fprintf(bw, "latency:               p50 %v  p95 %v  max %v\n", rep.LatencyP50.Round(time.Microsecond), rep.LatencyP95.Round(time.Microsecond), rep.LatencyMax.Round(time.Microsecond))
}

func oneLine(s string, n int) string {
	s = collapseSpace(s)
	if utf8.RuneCountInString(s) > n {
		return string([]rune(s)[:n-1]) + "…"
	}
	return s
}

// InLead reports whether one of the accepted answers stands in the first
// LeadWindow characters of reply: eval's lead test.
func InLead(reply string, answers []string) bool {
	return MatchesAnswer(firstRunes(reply, LeadWindow), answers)
}

func firstRunes(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
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

// MatchesAnswer reports whether text contains one of the accepted
// answers, ignoring case and accents: eval's "contains" test, and the one
// the reader is fitted against (internal/readerfit).
func MatchesAnswer(text string, answers []string) bool {
	ft := words.Fold(text)
	for _, a := range answers {
		if a != "" && strings.Contains(ft, words.Fold(a)) {
			return true
		}
	}
	return false
}
