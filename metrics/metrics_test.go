package metrics_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/citebot/citebot"
	"github.com/citebot/citebot/corpus"
	"github.com/citebot/citebot/metrics"
	"github.com/citebot/citebot/retrieval"
)

var _ citebot.Answerer = (*retrieval.Engine)(nil)

// scrape returns the sample lines /metrics serves, keyed by name and
// labels as printed.
func scrape(t *testing.T, m *metrics.Metrics) map[string]string {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("/metrics: %d", rec.Code)
	}
	out := map[string]string{}
	sc := bufio.NewScanner(rec.Body)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		out[line[:i]] = line[i+1:]
	}
	return out
}

func TestMetricsExport(t *testing.T) {
	m := metrics.New()
	m.Question("web", metrics.Answered, 2*time.Millisecond)
	m.Question("web", metrics.Answered, 3*time.Millisecond)
	m.Question("slack", metrics.Refused, time.Millisecond)
	m.Question("telegram", metrics.Fallback, time.Second)
	m.Stage(metrics.StageRetrieval, time.Millisecond)
	m.Stage(metrics.StageGeneration, 2*time.Second)
	m.Ingest(citebot.IngestStats{Files: 10, Chunks: 40, Embedded: 30, Reused: 10})
	m.LLMError("chat")
	m.CacheLookup(true)
	m.CacheLookup(false)
	m.CacheLookup(false)
	m.Rejected("busy")

	got := scrape(t, m)
	want := map[string]string{
		`citebot_questions_total{adapter="web",outcome="answered"}`:           "2",
		`citebot_questions_total{adapter="slack",outcome="refused"}`:          "1",
		`citebot_questions_total{adapter="telegram",outcome="fallback"}`:      "1",
		`citebot_question_duration_seconds_count{adapter="web"}`:              "2",
		`citebot_question_duration_seconds_bucket{adapter="web",le="0.005"}`:  "2",
		`citebot_question_duration_seconds_bucket{adapter="web",le="0.0025"}`: "1",
		`citebot_stage_duration_seconds_count{stage="retrieval"}`:             "1",
		`citebot_stage_duration_seconds_count{stage="generation"}`:            "1",
		`citebot_stage_duration_seconds_sum{stage="generation"}`:              "2",
		`citebot_ingest_runs_total`:                                           "1",
		`citebot_ingest_files_total`:                                          "10",
		`citebot_ingest_chunks_total{result="embedded"}`:                      "30",
		`citebot_ingest_chunks_total{result="reused"}`:                        "10",
		`citebot_index_chunks`:                                                "40",
		`citebot_index_files`:                                                 "10",
		`citebot_llm_errors_total{op="chat"}`:                                 "1",
		`citebot_answer_cache_lookups_total{result="hit"}`:                    "1",
		`citebot_answer_cache_lookups_total{result="miss"}`:                   "2",
		`citebot_http_rejected_total{reason="busy"}`:                          "1",
		`citebot_http_rejected_total{reason="rate_limited"}`:                  "0",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: got %q, want %q", k, got[k], v)
		}
	}
	for _, k := range []string{"go_goroutines", "process_resident_memory_bytes"} {
		if _, ok := got[k]; !ok {
			t.Errorf("no %s: runtime and process collectors not registered", k)
		}
	}
	// A second Metrics has its own registry.
	if got := scrape(t, metrics.New()); got[`citebot_ingest_runs_total`] != "0" {
		t.Errorf("fresh Metrics shares counters: runs = %q", got[`citebot_ingest_runs_total`])
	}
}

func TestOutcomeOf(t *testing.T) {
	answered := citebot.Answer{Answered: true, Mode: citebot.ModeExtractive}
	generated := citebot.Answer{Answered: true, Mode: citebot.ModeGenerative}
	tests := []struct {
		name       string
		ans        citebot.Answer
		err        error
		generative bool
		want       metrics.Outcome
	}{
		{"extractive offline", answered, nil, false, metrics.Answered},
		{"refused", citebot.Answer{Mode: citebot.ModeExtractive}, nil, false, metrics.Refused},
		{"refused with a model", citebot.Answer{Mode: citebot.ModeExtractive}, nil, true, metrics.Refused},
		{"generated", generated, nil, true, metrics.Answered},
		{"fallback to extractive", answered, nil, true, metrics.Fallback},
		{"refused while the model was down", citebot.Answer{Mode: citebot.ModeExtractive, Note: "The language model is unavailable, so this answer quotes the sources directly."}, nil, true, metrics.Fallback},
		{"empty question", citebot.Answer{}, citebot.ErrEmptyQuestion, false, metrics.Invalid},
		{"too long", citebot.Answer{}, citebot.ErrQuestionTooLong, false, metrics.Invalid},
		{"wrapped too long", citebot.Answer{}, errors.Join(errors.New("x"), citebot.ErrQuestionTooLong), false, metrics.Invalid},
		{"not ready", citebot.Answer{}, citebot.ErrNotReady, false, metrics.Error},
		{"timeout", citebot.Answer{}, context.DeadlineExceeded, true, metrics.Error},
		{"asker went away", citebot.Answer{}, fmt.Errorf("generate: %w", context.Canceled), true, metrics.Cancelled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := metrics.OutcomeOf(tt.ans, tt.err, tt.generative); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// recorded is a Recorder that keeps what it is told, to check the
// Observer's calls.
type recorded struct {
	metrics.Nop
	mu        sync.Mutex
	questions []string
	stages    map[metrics.Stage][]time.Duration
	llm       []string
}

func (r *recorded) Question(adapter string, o metrics.Outcome, _ time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.questions = append(r.questions, adapter+"/"+string(o))
}

func (r *recorded) Stage(s metrics.Stage, d time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.stages == nil {
		r.stages = map[metrics.Stage][]time.Duration{}
	}
	r.stages[s] = append(r.stages[s], d)
}

func (r *recorded) LLMError(op string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.llm = append(r.llm, op)
}

var (
	engOnce sync.Once
	eng     *retrieval.Engine
	engErr  error
)

func engine(t *testing.T) *retrieval.Engine {
	t.Helper()
	engOnce.Do(func() {
		ctx := context.Background()
		docs, _, err := corpus.Load(ctx, corpus.Default(), corpus.LoadOptions{})
		if err != nil {
			engErr = err
			return
		}
		eng, engErr = retrieval.NewEngine(ctx, docs, retrieval.Options{})
	})
	if engErr != nil {
		t.Fatal(engErr)
	}
	return eng
}
