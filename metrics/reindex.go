package metrics

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// swapBuckets spans re-indexing one small file with the local embedder
// (milliseconds) to re-embedding a large corpus through a model server.
var swapBuckets = []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 300}

// Reindex counts what serve's live re-indexing does: the files it read
// again, the updates that failed, and how long each took from the first
// read to the new index answering.
type Reindex struct {
	files    prometheus.Counter
	failures prometheus.Counter
	swap     prometheus.Histogram
}

// NewReindex registers the re-index metrics in reg.
func NewReindex(reg prometheus.Registerer) (*Reindex, error) {
	r := &Reindex{
		files: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "citebot_reindex_files_total",
			Help: "Corpus files read again because they were added, changed, renamed or deleted while serving.",
		}),
		failures: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "citebot_reindex_failures_total",
			Help: "Live index updates that failed; the index served before goes on answering.",
		}),
		swap: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "citebot_reindex_swap_seconds",
			Help:    "Time from a batch of file changes to the updated index answering: reading, embedding, storing and swapping.",
			Buckets: swapBuckets,
		}),
	}
	for _, c := range []prometheus.Collector{r.files, r.failures, r.swap} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// Files counts n files read again.
func (r *Reindex) Files(n int) { r.files.Add(float64(n)) }

// Failure counts an update that failed.
func (r *Reindex) Failure() { r.failures.Inc() }

// Swapped records how long an update took.
func (r *Reindex) Swapped(took time.Duration) { r.swap.Observe(took.Seconds()) }
