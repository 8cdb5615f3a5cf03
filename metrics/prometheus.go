package metrics

import (
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/citebot/citebot"
)

// latencyBuckets spans an offline answer (about a millisecond) to a slow
// language model (tens of seconds).
var latencyBuckets = []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60}

// Metrics is a Recorder that exports to Prometheus. Each Metrics has its
// own registry, so tests and several servers in one process do not share
// counters.
type Metrics struct {
	reg       *prometheus.Registry
	questions *prometheus.CounterVec
	latency   *prometheus.HistogramVec
	stages    *prometheus.HistogramVec
	runs      prometheus.Counter
	files     prometheus.Counter
	chunks    *prometheus.CounterVec
	idxFiles  prometheus.Gauge
	idxChunks prometheus.Gauge
	llmErrors *prometheus.CounterVec
	cache     *prometheus.CounterVec
	rejected  *prometheus.CounterVec
}

// New returns a Metrics with citebot's metrics and the Go runtime and
// process collectors registered.
func New() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		questions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "citebot_questions_total",
			Help: "Questions by adapter (web, slack, telegram) and outcome (answered, refused, fallback, invalid, cancelled, error).",
		}, []string{"adapter", "outcome"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "citebot_question_duration_seconds",
			Help:    "Time to answer a question end to end, by adapter.",
			Buckets: latencyBuckets,
		}, []string{"adapter"}),
		stages: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "citebot_stage_duration_seconds",
			Help:    "Time spent in each stage of an answer: retrieval (search, passage choice, quoting) and generation (language model).",
			Buckets: latencyBuckets,
		}, []string{"stage"}),
		runs: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "citebot_ingest_runs_total",
			Help: "Index builds and updates.",
		}),
		files: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "citebot_ingest_files_total",
			Help: "Corpus files read by index builds.",
		}),
		chunks: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "citebot_ingest_chunks_total",
			Help: "Chunks indexed, by whether they were embedded now or their stored vectors reused.",
		}, []string{"result"}),
		idxFiles: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "citebot_index_files",
			Help: "Files in the index being served.",
		}),
		idxChunks: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "citebot_index_chunks",
			Help: "Chunks in the index being served.",
		}),
		llmErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "citebot_llm_errors_total",
			Help: "Failed language-model requests, by operation (chat, embed).",
		}, []string{"op"}),
		cache: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "citebot_answer_cache_lookups_total",
			Help: "Answer cache lookups by result (hit, miss).",
		}, []string{"result"}),
		rejected: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "citebot_http_rejected_total",
			Help: "HTTP requests turned away before answering, by reason (unauthorized, wrong_host, rate_limited, busy).",
		}, []string{"reason"}),
	}
	m.reg.MustRegister(m.questions, m.latency, m.stages, m.runs, m.files, m.chunks,
		m.idxFiles, m.idxChunks, m.llmErrors, m.cache, m.rejected,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	// Show every label value from the start, so that dashboards and
	// alerts see zeros rather than missing series.
	for _, r := range []string{"embedded", "reused"} {
		m.chunks.WithLabelValues(r)
	}
	for _, r := range []string{"hit", "miss"} {
		m.cache.WithLabelValues(r)
	}
	for _, r := range []string{"unauthorized", "wrong_host", "rate_limited", "busy"} {
		m.rejected.WithLabelValues(r)
	}
	for _, s := range []Stage{StageRetrieval, StageGeneration} {
		m.stages.WithLabelValues(string(s))
	}
	return m
}

// Handler serves the metrics in the Prometheus text format, for /metrics.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// Registry is the registry the metrics live in, for adding more.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Question implements Recorder.
func (m *Metrics) Question(adapter string, outcome Outcome, took time.Duration) {
	m.questions.WithLabelValues(adapter, string(outcome)).Inc()
	m.latency.WithLabelValues(adapter).Observe(took.Seconds())
}

// Stage implements Recorder.
func (m *Metrics) Stage(stage Stage, took time.Duration) {
	m.stages.WithLabelValues(string(stage)).Observe(took.Seconds())
}

// Ingest implements Recorder.
func (m *Metrics) Ingest(s citebot.IngestStats) {
	m.runs.Inc()
	m.files.Add(float64(s.Files))
	m.chunks.WithLabelValues("embedded").Add(float64(s.Embedded))
	m.chunks.WithLabelValues("reused").Add(float64(s.Reused))
	m.Serving(s)
}

// Serving sets the index gauges to the index s describes, for an index
// swapped in without a full build (serve's live re-index), which the
// ingest counters would overstate.
func (m *Metrics) Serving(s citebot.IngestStats) {
	m.idxFiles.Set(float64(s.Files))
	m.idxChunks.Set(float64(s.Chunks))
}

// LLMError implements Recorder.
func (m *Metrics) LLMError(op string) { m.llmErrors.WithLabelValues(op).Inc() }

// CacheLookup implements Recorder.
func (m *Metrics) CacheLookup(hit bool) {
	if hit {
		m.cache.WithLabelValues("hit").Inc()
	} else {
		m.cache.WithLabelValues("miss").Inc()
	}
}

// Rejected implements Recorder.
func (m *Metrics) Rejected(reason string) { m.rejected.WithLabelValues(reason).Inc() }
