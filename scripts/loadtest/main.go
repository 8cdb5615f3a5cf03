// Command loadtest drives POST /v1/ask with a fixed number of connections
// for a fixed time (or number of questions) and reports answers per
// second, latency percentiles, errors and the server's memory over the
// run, read from its /metrics. scripts/loadtest.sh runs it against a
// freshly started `citebot serve`; docs/benchmarks.md has the figures.
//
//	go run ./scripts/loadtest -url http://127.0.0.1:18080 -c 32 -d 60s
//
// With -questions it asks the questions of a file, one a line or, for a
// .jsonl file, the "question" of each line of an eval set (such as the
// one `scripts/gencorpus -questions` writes). With -once it asks each at
// most once, so that no answer comes from a cache warmed by an earlier
// asking, and ends early, saying so, if they run out; -skip leaves out the
// first ones, which an earlier run asked (scripts/benchstore.sh asks the
// first 300 one at a time, then the rest over 32 connections).
//
// It sends traffic only to the -url it is given, which should be a server
// on this machine.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/citebot/citebot/retrieval"
)

// defaultQuestions is the mix asked in turn: answerable questions about
// the embedded corpus, in several phrasings and cases, and questions it
// does not cover.
var defaultQuestions = []string{
	"when did Estonia ratify Ottawa?",
	"When did Estonia ratify the Ottawa Convention?",
	"Which countries ratified the Ottawa Convention in 2005?",
	"Who is Lithuania's minister of defence?",
	"What share of GDP did Lithuania, Estonia and Poland endorse for defence spending?",
	"Which human rights organization criticised the withdrawal?",
	"Why do the Baltic states want to leave the Ottawa Convention?",
	"when did Poland ratify the convention",
	"What do anti-personnel landmines do?",
	"Which countries are not signatories of the Ottawa Convention?",
	"What did the Lithuanian Defense Ministry say in its statement?",
	"Who signed the letter calling for withdrawal?",
	"What is the capital of Australia?",
	"How tall is Mount Everest?",
	"Who won the 2018 football World Cup?",
	"What is the boiling point of water at sea level?",
}

// Config is one load run.
type Config struct {
	URL         string        // server root, such as http://127.0.0.1:18080
	Conns       int           // concurrent connections
	Duration    time.Duration // how long to run; 0 means until Requests
	Requests    int           // stop after this many; 0 means until Duration
	Token       string        // bearer token, if the API needs one
	NoCache     bool          // send Cache-Control: no-cache, so the engine answers every question
	Questions   []string
	Once        bool          // ask each question at most once, in order; the run ends early if they run out
	SampleEvery time.Duration // how often to read the server's memory
}

// Sample is the server's memory at one moment of the run.
type Sample struct {
	At        time.Duration `json:"at"`
	RSSBytes  float64       `json:"rss_bytes"`
	HeapBytes float64       `json:"heap_inuse_bytes"`
}

// Report is what a run measured.
type Report struct {
	Requests   int64            `json:"requests"`
	Errors     int64            `json:"errors"`
	Statuses   map[string]int64 `json:"statuses"`
	Elapsed    time.Duration    `json:"elapsed"`
	PerSecond  float64          `json:"answers_per_second"`
	P50        time.Duration    `json:"p50"`
	P90        time.Duration    `json:"p90"`
	P99        time.Duration    `json:"p99"`
	Max        time.Duration    `json:"max"`
	Answered   int64            `json:"answered"`
	Refused    int64            `json:"refused"`
	Memory     []Sample         `json:"memory"`
	FirstError string           `json:"first_error,omitempty"`
	// RanOut is set when a run with Once asked every question before its
	// duration or count ended it.
	RanOut bool `json:"ran_out,omitempty"`
}

// Run drives the server as cfg says until the duration or request count
// is reached, or ctx ends.
func Run(ctx context.Context, cfg Config) (Report, error) {
	if cfg.Conns <= 0 {
		cfg.Conns = 1
	}
	if len(cfg.Questions) == 0 {
		cfg.Questions = defaultQuestions
	}
	if cfg.Duration <= 0 && cfg.Requests <= 0 {
		return Report{}, errors.New("give a duration or a request count")
	}
	if cfg.Duration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, cfg.Duration)
		defer cancel()
	}
	tr := &http.Transport{MaxIdleConns: cfg.Conns, MaxIdleConnsPerHost: cfg.Conns, MaxConnsPerHost: cfg.Conns, IdleConnTimeout: time.Minute}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second}

	bodies := make([][]byte, len(cfg.Questions))
	for i, q := range cfg.Questions {
		bodies[i], _ = json.Marshal(map[string]string{"question": q})
	}

	var (
		next      atomic.Int64 // next request number
		errs      atomic.Int64
		answered  atomic.Int64
		refused   atomic.Int64
		ranOut    atomic.Bool
		mu        sync.Mutex
		statuses  = map[string]int64{}
		firstErr  string
		latencies = make([][]time.Duration, cfg.Conns)
	)
	fail := func(msg string) {
		errs.Add(1)
		mu.Lock()
		defer mu.Unlock()
		statuses[msg]++
		if firstErr == "" {
			firstErr = msg
		}
	}

	start := time.Now()
	var memory []Sample
	sampleDone := make(chan struct{})
	sampleCtx, stopSampling := context.WithCancel(ctx)
	go func() {
		defer close(sampleDone)
		every := cfg.SampleEvery
		if every <= 0 {
			every = 5 * time.Second
		}
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			if s, err := sampleMemory(sampleCtx, client, cfg); err == nil {
				s.At = time.Since(start).Round(time.Second)
				memory = append(memory, s)
			}
			select {
			case <-sampleCtx.Done():
				return
			case <-tick.C:
			}
		}
	}()

	var wg sync.WaitGroup
	for w := 0; w < cfg.Conns; w++ {
		wg.Go(func() {
			lat := make([]time.Duration, 0, 1<<16)
			var resp struct {
				Answered bool `json:"answered"`
			}
			for ctx.Err() == nil {
				n := next.Add(1)
				if cfg.Requests > 0 && n > int64(cfg.Requests) {
					break
				}
				ask := bodies[int(n)%len(bodies)]
				if cfg.Once {
					if n > int64(len(bodies)) {
						ranOut.Store(true)
						break
					}
					ask = bodies[n-1]
				}
				req, _ := http.NewRequestWithContext(ctx, http.MethodPost, cfg.URL+"/v1/ask", bytes.NewReader(ask))
				req.Header.Set("Content-Type", "application/json")
				if cfg.NoCache {
					req.Header.Set("Cache-Control", "no-cache")
				}
				if cfg.Token != "" {
					req.Header.Set("Authorization", "Bearer "+cfg.Token)
				}
				t0 := time.Now()
				r, err := client.Do(req)
				if err != nil {
					if ctx.Err() != nil {
						break // the run ended mid-request: not the server's error
					}
					fail("transport: " + err.Error())
					continue
				}
				body, err := io.ReadAll(r.Body)
				r.Body.Close()
				took := time.Since(t0)
				if err != nil {
					if ctx.Err() != nil {
						break
					}
					fail("read: " + err.Error())
					continue
				}
				if r.StatusCode != http.StatusOK {
					fail(strconv.Itoa(r.StatusCode))
					continue
				}
				resp.Answered = false
				if err := json.Unmarshal(body, &resp); err != nil {
					fail("bad JSON")
					continue
				}
				if resp.Answered {
					answered.Add(1)
				} else {
					refused.Add(1)
				}
				lat = append(lat, took)
			}
			latencies[w] = lat
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	// One last memory sample after the load.
	stopSampling()
	<-sampleDone
	if s, err := sampleMemory(context.Background(), client, cfg); err == nil {
		s.At = elapsed.Round(time.Second)
		memory = append(memory, s)
	}

	var all []time.Duration
	for _, l := range latencies {
		all = append(all, l...)
	}
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	rep := Report{
		Requests: int64(len(all)) + errs.Load(), Errors: errs.Load(), Statuses: statuses,
		Elapsed: elapsed, Answered: answered.Load(), Refused: refused.Load(), Memory: memory, FirstError: firstErr,
		RanOut: ranOut.Load(),
	}
	rep.Statuses["200"] = int64(len(all))
	if len(all) > 0 {
		pct := func(p float64) time.Duration { return all[min(len(all)-1, int(float64(len(all))*p))] }
		rep.P50, rep.P90, rep.P99, rep.Max = pct(.50), pct(.90), pct(.99), all[len(all)-1]
		rep.PerSecond = float64(len(all)) / elapsed.Seconds()
	}
	return rep, nil
}

// readQuestions reads a file of questions: an eval set if its name ends
// in .jsonl, else one question a line.
func readQuestions(path string) ([]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out []string
	if strings.HasSuffix(path, ".jsonl") {
		set, err := retrieval.ReadEvalSet(bytes.NewReader(b))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		for _, q := range set {
			out = append(out, q.Question)
		}
	} else {
		for _, l := range strings.Split(string(b), "\n") {
			if l = strings.TrimSpace(l); l != "" {
				out = append(out, l)
			}
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no questions", path)
	}
	return out, nil
}

// sampleMemory reads the server's resident and Go heap memory from
// /metrics.
func sampleMemory(ctx context.Context, client *http.Client, cfg Config) (Sample, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, cfg.URL+"/metrics", nil)
	if err != nil {
		return Sample{}, err
	}
	if cfg.Token != "" {
		req.Header.Set("Authorization", "Bearer "+cfg.Token)
	}
	resp, err := client.Do(req)
	if err != nil {
		return Sample{}, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return Sample{}, fmt.Errorf("/metrics: %s", resp.Status)
	}
	var s Sample
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		name, val, ok := strings.Cut(sc.Text(), " ")
		if !ok {
			continue
		}
		f, _ := strconv.ParseFloat(strings.TrimSpace(val), 64)
		switch name {
		case "process_resident_memory_bytes":
			s.RSSBytes = f
		case "go_memstats_heap_inuse_bytes":
			s.HeapBytes = f
		}
	}
	return s, sc.Err()
}

// Print writes the report for people.
func (r Report) Print(w io.Writer, cfg Config) {
	fmt.Fprintf(w, "connections:   %d\n", cfg.Conns)
	fmt.Fprintf(w, "duration:      %s\n", r.Elapsed.Round(time.Millisecond))
	fmt.Fprintf(w, "requests:      %d (%d answered, %d refused)\n", r.Requests, r.Answered, r.Refused)
	switch {
	case r.RanOut:
		fmt.Fprintf(w, "questions:     each asked once; all %d asked before the run's end\n", len(cfg.Questions))
	case cfg.Once:
		fmt.Fprintf(w, "questions:     each asked once (%d of %d)\n", r.Requests, len(cfg.Questions))
	}
	fmt.Fprintf(w, "answers/s:     %.0f\n", r.PerSecond)
	fmt.Fprintf(w, "latency:       p50 %s  p90 %s  p99 %s  max %s\n", ms(r.P50), ms(r.P90), ms(r.P99), ms(r.Max))
	fmt.Fprintf(w, "errors:        %d\n", r.Errors)
	if r.FirstError != "" {
		fmt.Fprintf(w, "first error:   %s\n", r.FirstError)
	}
	if len(r.Memory) > 0 {
		fmt.Fprintln(w, "server memory (RSS / Go heap in use):")
		for _, s := range r.Memory {
			fmt.Fprintf(w, "  %4.0fs  %6.1f MiB / %6.1f MiB\n", s.At.Seconds(), s.RSSBytes/(1<<20), s.HeapBytes/(1<<20))
		}
	}
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2fms", float64(d.Microseconds())/1000) }

func main() {
	var cfg Config
	var questions string
	var skip int
	var asJSON bool
	flag.StringVar(&cfg.URL, "url", "http://127.0.0.1:18080", "server root URL (a server on this machine)")
	flag.IntVar(&cfg.Conns, "c", 32, "concurrent connections")
	flag.DurationVar(&cfg.Duration, "d", 60*time.Second, "run time; 0 to stop after -n questions")
	flag.IntVar(&cfg.Requests, "n", 0, "stop after this many questions; 0 for no limit")
	flag.StringVar(&cfg.Token, "token", os.Getenv("CITEBOT_API_TOKEN"), "bearer token, if the API needs one")
	flag.BoolVar(&cfg.NoCache, "no-cache", false, "bypass the server's answer cache (Cache-Control: no-cache) to load the engine itself")
	flag.StringVar(&questions, "questions", "", "file of questions, one a line, or an eval set (.jsonl) (default: a built-in mix)")
	flag.IntVar(&skip, "skip", 0, "leave out the first this many questions")
	flag.BoolVar(&cfg.Once, "once", false, "ask each question at most once; end early if they run out")
	flag.DurationVar(&cfg.SampleEvery, "sample", 5*time.Second, "how often to read the server's memory from /metrics")
	flag.BoolVar(&asJSON, "json", false, "print the report as JSON")
	flag.Parse()
	if questions != "" {
		qs, err := readQuestions(questions)
		if err != nil {
			fmt.Fprintln(os.Stderr, "loadtest:", err)
			os.Exit(2)
		}
		cfg.Questions = qs
	} else {
		cfg.Questions = defaultQuestions
	}
	if skip < 0 || skip >= len(cfg.Questions) {
		fmt.Fprintf(os.Stderr, "loadtest: -skip %d leaves none of the %d questions\n", skip, len(cfg.Questions))
		os.Exit(2)
	}
	cfg.Questions = cfg.Questions[skip:]
	rep, err := Run(context.Background(), cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		os.Exit(2)
	}
	if asJSON {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(rep)
	} else {
		rep.Print(os.Stdout, cfg)
	}
	if rep.Errors > 0 {
		os.Exit(1)
	}
}
