package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/citebot/citebot"
	"github.com/citebot/citebot/bot/web"
	"github.com/citebot/citebot/metrics"
)

// call sends one request straight to the handler, as from addr. A POST
// says its body is JSON unless hdr says otherwise.
func call(h http.Handler, method, path, body, addr string, hdr map[string]string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.RemoteAddr = addr
	if method == http.MethodPost {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestAPIToken(t *testing.T) {
	const token = "0123456789abcdef-secret"
	m := metrics.New()
	s := web.New(web.Options{APIToken: token, Metrics: m.Handler(), Pprof: true, Logger: discard(),
		Observer: metrics.NewObserver(metrics.ObserverOptions{Recorder: m, Logger: discard()})})
	s.SetAnswerer(newEngine(t))
	s.SetDocuments(corpusDocs(t))
	// A chat webhook mounted by an adapter checks its own signature.
	s.Mux().HandleFunc("POST /slack/events", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	ask := `{"question":"when did Estonia ratify Ottawa?"}`
	tests := []struct {
		name, method, path, body, auth string
		want                           int
	}{
		{"ask without token", "POST", "/v1/ask", ask, "", 401},
		{"ask with wrong token", "POST", "/v1/ask", ask, "Bearer nope", 401},
		{"ask with token prefix", "POST", "/v1/ask", ask, "Bearer " + token[:10], 401},
		{"ask with longer token", "POST", "/v1/ask", ask, "Bearer " + token + "x", 401},
		{"ask with basic auth", "POST", "/v1/ask", ask, "Basic " + token, 401},
		{"ask with token", "POST", "/v1/ask", ask, "Bearer " + token, 200},
		{"ask with lower-case scheme", "POST", "/v1/ask", ask, "bearer " + token, 200},
		{"source without token", "GET", "/v1/sources/000_2bc005b4439df7f9.txt", "", "", 401},
		{"source with token", "GET", "/v1/sources/000_2bc005b4439df7f9.txt", "", "Bearer " + token, 200},
		{"metrics without token", "GET", "/metrics", "", "", 401},
		{"metrics with token", "GET", "/metrics", "", "Bearer " + token, 200},
		{"pprof without token", "GET", "/debug/pprof/", "", "", 401},
		{"pprof with token", "GET", "/debug/pprof/", "", "Bearer " + token, 200},
		{"healthz open", "GET", "/healthz", "", "", 200},
		{"readyz open", "GET", "/readyz", "", "", 200},
		{"page open", "GET", "/", "", "", 200},
		{"page script open", "GET", "/static/app.js", "", "", 200},
		{"webhook open", "POST", "/slack/events", "{}", "", 204},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := call(s, tt.method, tt.path, tt.body, "192.0.2.1:1234", map[string]string{"Authorization": tt.auth})
			if rec.Code != tt.want {
				t.Errorf("got %d %s, want %d", rec.Code, rec.Body, tt.want)
			}
			if rec.Code == 401 && !strings.HasPrefix(rec.Header().Get("WWW-Authenticate"), "Bearer") {
				t.Errorf("401 without WWW-Authenticate: Bearer")
			}
			if strings.Contains(rec.Body.String(), token) {
				t.Errorf("response leaks the token")
			}
		})
	}
	rec := call(s, "GET", "/metrics", "", "192.0.2.1:1", map[string]string{"Authorization": "Bearer " + token})
	if !strings.Contains(rec.Body.String(), `citebot_http_rejected_total{reason="unauthorized"} 8`) {
		t.Errorf("rejections not counted:\n%s", grepLines(rec.Body.String(), "rejected"))
	}
}

// TestHostMustNameTheServer checks that, without an API token, the API
// answers only requests addressed to the server's listen address, so that
// a page on another site cannot reach a loopback deployment through DNS
// rebinding; the probes stay open, and a token lifts the check.
func TestHostMustNameTheServer(t *testing.T) {
	const ask = `{"question":"when did Estonia ratify Ottawa?"}`
	eng := newEngine(t)
	tests := []struct {
		listen, token, host string
		path                string
		want                int
	}{
		{"127.0.0.1:8080", "", "127.0.0.1:8080", "/v1/ask", 200},
		{"127.0.0.1:8080", "", "localhost:8080", "/v1/ask", 200},
		{"127.0.0.1:8080", "", "[::1]:8080", "/v1/ask", 200},
		{"127.0.0.1:8080", "", "app.localhost", "/v1/ask", 200},
		{"127.0.0.1:8080", "", "evil.example:8080", "/v1/ask", 403},
		{"127.0.0.1:8080", "", "127.0.0.1.evil.example", "/v1/sources/000_2bc005b4439df7f9.txt", 403},
		{"127.0.0.1:8080", "", "evil.example", "/healthz", 200},
		{"localhost:8080", "", "evil.example", "/v1/ask", 403},
		{"10.1.2.3:8080", "", "10.1.2.3:8080", "/v1/ask", 200},
		{"10.1.2.3:8080", "", "evil.example", "/v1/ask", 403},
		{":8080", "", "evil.example", "/v1/ask", 200},
		{"0.0.0.0:8080", "", "evil.example", "/v1/ask", 200},
		{"127.0.0.1:8080", "0123456789abcdef-secret", "evil.example", "/v1/ask", 200},
	}
	for _, tt := range tests {
		t.Run(tt.listen+" "+tt.host+" "+tt.path, func(t *testing.T) {
			s := web.New(web.Options{Logger: discard(), ListenAddr: tt.listen, APIToken: tt.token})
			s.SetAnswerer(eng)
			s.SetDocuments(corpusDocs(t))
			method, body := "GET", ""
			if tt.path == "/v1/ask" {
				method, body = "POST", ask
			}
			req := httptest.NewRequest(method, tt.path, strings.NewReader(body))
			req.Host = tt.host
			req.Header.Set("Content-Type", "application/json")
			if tt.token != "" {
				req.Header.Set("Authorization", "Bearer "+tt.token)
			}
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, req)
			if rec.Code != tt.want {
				t.Errorf("got %d %s, want %d", rec.Code, rec.Body, tt.want)
			}
		})
	}
}

func TestNoTokenLeavesAPIOpen(t *testing.T) {
	s := web.New(web.Options{Logger: discard()})
	s.SetAnswerer(newEngine(t))
	if rec := call(s, "POST", "/v1/ask", `{"question":"when did Estonia ratify Ottawa?"}`, "192.0.2.1:1", nil); rec.Code != 200 {
		t.Errorf("got %d, want 200", rec.Code)
	}
	if rec := call(s, "GET", "/debug/pprof/", "", "192.0.2.1:1", nil); rec.Code != http.StatusNotFound {
		t.Errorf("pprof without Options.Pprof: got %d, want 404", rec.Code)
	}
	if rec := call(s, "GET", "/metrics", "", "192.0.2.1:1", nil); rec.Code != http.StatusNotFound {
		t.Errorf("metrics without Options.Metrics: got %d, want 404", rec.Code)
	}
}

func TestRatePerClient(t *testing.T) {
	s := web.New(web.Options{Logger: discard(), RatePerClient: web.Rate{Burst: 2, Every: time.Hour}})
	s.SetAnswerer(newEngine(t))
	ask := `{"question":"when did Estonia ratify Ottawa?"}`
	for i := 0; i < 2; i++ {
		if rec := call(s, "POST", "/v1/ask", ask, "192.0.2.1:1000", nil); rec.Code != 200 {
			t.Fatalf("question %d: got %d, want 200", i+1, rec.Code)
		}
	}
	rec := call(s, "POST", "/v1/ask", ask, "192.0.2.1:2000", nil)
	if rec.Code != http.StatusTooManyRequests {
		t.Fatalf("third question from the same address: got %d, want 429", rec.Code)
	}
	if ra := rec.Header().Get("Retry-After"); ra == "" || ra == "0" {
		t.Errorf("Retry-After %q, want the seconds until the next question", ra)
	}
	if rec := call(s, "POST", "/v1/ask", ask, "198.51.100.7:1000", nil); rec.Code != 200 {
		t.Errorf("another client: got %d, want 200", rec.Code)
	}
	if rec := call(s, "POST", "/v1/ask", ask, "[2001:db8::1]:1000", nil); rec.Code != 200 {
		t.Errorf("an IPv6 client: got %d, want 200", rec.Code)
	}
	// Source documents draw on the same bucket.
	s.SetDocuments(corpusDocs(t))
	const source = "/v1/sources/000_2bc005b4439df7f9.txt"
	if rec := call(s, "GET", source, "", "203.0.113.9:1", nil); rec.Code != 200 {
		t.Errorf("first request of a new client for a source: got %d, want 200", rec.Code)
	}
	if rec := call(s, "GET", source, "", "192.0.2.1:1000", nil); rec.Code != http.StatusTooManyRequests {
		t.Errorf("source from a client out of questions: got %d, want 429", rec.Code)
	}
	// Probes and the page are not rate limited.
	for i := 0; i < 5; i++ {
		if rec := call(s, "GET", "/healthz", "", "192.0.2.1:1000", nil); rec.Code != 200 {
			t.Errorf("healthz %d: got %d", i, rec.Code)
		}
	}
}

// blocking answers once release is closed, and says when a question has
// arrived, to hold questions in flight.
type blocking struct {
	arrived chan struct{}
	release chan struct{}
}

func (b blocking) Answer(ctx context.Context, q citebot.Question) (citebot.Answer, error) {
	b.arrived <- struct{}{}
	<-b.release
	return citebot.Answer{Question: q.Text, Answered: true, Text: "ok", Citations: []citebot.Citation{}}, nil
}

func TestMaxConcurrent(t *testing.T) {
	b := blocking{arrived: make(chan struct{}), release: make(chan struct{})}
	s := web.New(web.Options{Logger: discard(), MaxConcurrent: 2})
	s.SetAnswerer(b)
	var wg sync.WaitGroup
	codes := make([]int, 2)
	for i := range codes {
		wg.Go(func() {
			// Distinct questions, so that the second is not a cache hit.
			codes[i] = call(s, "POST", "/v1/ask", `{"question":"q`+string(rune('a'+i))+`?"}`, "192.0.2.1:1", nil).Code
		})
		<-b.arrived
	}
	rec := call(s, "POST", "/v1/ask", `{"question":"third?"}`, "192.0.2.1:1", nil)
	if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" {
		t.Errorf("third concurrent question: got %d (Retry-After %q), want 503 with Retry-After", rec.Code, rec.Header().Get("Retry-After"))
	}
	// Source documents share the limit.
	s.SetDocuments(corpusDocs(t))
	if rec := call(s, "GET", "/v1/sources/000_2bc005b4439df7f9.txt", "", "192.0.2.1:1", nil); rec.Code != http.StatusServiceUnavailable {
		t.Errorf("source while saturated: got %d, want 503", rec.Code)
	}
	// Other routes are not held up by the limit.
	if rec := call(s, "GET", "/readyz", "", "192.0.2.1:1", nil); rec.Code != 200 {
		t.Errorf("readyz while saturated: got %d", rec.Code)
	}
	close(b.release)
	wg.Wait()
	for i, c := range codes {
		if c != 200 {
			t.Errorf("in-flight question %d: got %d, want 200", i, c)
		}
	}
	// The slots are free again.
	go func() { <-b.arrived }()
	if rec := call(s, "POST", "/v1/ask", `{"question":"fourth?"}`, "192.0.2.1:1", nil); rec.Code != 200 {
		t.Errorf("after the burst: got %d, want 200", rec.Code)
	}
}

func TestRequestID(t *testing.T) {
	s := web.New(web.Options{Logger: discard()})
	s.SetAnswerer(newEngine(t))
	rec := call(s, "POST", "/v1/ask", `{"question":"when did Estonia ratify Ottawa?"}`, "192.0.2.1:1", nil)
	if id := rec.Header().Get("X-Request-ID"); !metrics.ValidRequestID(id) {
		t.Errorf("X-Request-ID %q, want a generated ID", id)
	}
	rec = call(s, "GET", "/healthz", "", "192.0.2.1:1", map[string]string{"X-Request-ID": "lb-trace-77"})
	if id := rec.Header().Get("X-Request-ID"); id != "lb-trace-77" {
		t.Errorf("X-Request-ID %q, want the caller's lb-trace-77", id)
	}
	rec = call(s, "GET", "/healthz", "", "192.0.2.1:1", map[string]string{"X-Request-ID": "bad id\" injected=1"})
	if id := rec.Header().Get("X-Request-ID"); !metrics.ValidRequestID(id) || strings.Contains(id, "injected") {
		t.Errorf("X-Request-ID %q, want the unsafe one replaced", id)
	}
}

func grepLines(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
