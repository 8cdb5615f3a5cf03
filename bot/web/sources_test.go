package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"strings"
	"testing"

	"github.com/citebot/citebot"
	"github.com/citebot/citebot/bot/web"
	"github.com/citebot/citebot/corpus"
)

func corpusDocs(t testing.TB) []corpus.Document {
	t.Helper()
	docs, _, err := corpus.Load(context.Background(), corpus.Default(), corpus.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return docs
}

func questionOf(text string) citebot.Question { return citebot.Question{Text: text} }

type sourceResp struct {
	Source     string `json:"source"`
	Title      string `json:"title"`
	Page       int    `json:"page"`
	Paragraphs [][]struct {
		Text string `json:"text"`
		Mark bool   `json:"mark"`
	} `json:"paragraphs"`
	QuotesFound int    `json:"quotes_found"`
	Error       string `json:"error"`
}

func getSource(t *testing.T, srv *httptest.Server, rawPath string) (int, sourceResp) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, srv.URL+rawPath, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Keep the path as written, dots and escapes included, as an attacker
	// would send it.
	req.URL.Opaque = strings.SplitN(rawPath, "?", 2)[0]
	// Do not follow the mux's redirects: a redirect to the cleaned path
	// is a refusal of the path as sent.
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out sourceResp
	if resp.StatusCode/100 == 3 {
		return http.StatusMovedPermanently, out
	}
	{
		if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
			t.Fatalf("%s: %d, body not JSON: %v", rawPath, resp.StatusCode, err)
		}
	}
	return resp.StatusCode, out
}

func TestSourceWithQuote(t *testing.T) {
	eng := newEngine(t)
	ans, err := eng.Answer(context.Background(), questionOf("when did Estonia ratify Ottawa?"))
	if err != nil {
		t.Fatal(err)
	}
	c := ans.Citations[0]
	s := web.New(web.Options{Logger: discard()})
	s.SetDocuments(corpusDocs(t))
	srv := httptest.NewServer(s)
	defer srv.Close()

	code, body := getSource(t, srv, "/v1/sources/"+c.Source+"?quote="+url.QueryEscape(c.Quote))
	if code != http.StatusOK {
		t.Fatalf("got %d %+v, want 200", code, body)
	}
	if body.Source != c.Source || body.Title != c.Title || body.QuotesFound != 1 {
		t.Errorf("got source %q title %q found %d, want %q %q 1", body.Source, body.Title, body.QuotesFound, c.Source, c.Title)
	}
	var marked []string
	var all strings.Builder
	for _, p := range body.Paragraphs {
		for _, seg := range p {
			all.WriteString(seg.Text)
			all.WriteByte(' ')
			if seg.Mark {
				marked = append(marked, seg.Text)
			}
		}
	}
	if got := strings.Join(strings.Fields(strings.Join(marked, " ")), " "); got != c.Quote {
		t.Errorf("marked %q, want the quote %q", got, c.Quote)
	}
	// Boilerplate the cleaner dropped is not shown.
	if strings.Contains(all.String(), "JOIN US ON TELEGRAM") {
		t.Errorf("source shows boilerplate")
	}

	code, body = getSource(t, srv, "/v1/sources/"+c.Source+"?quote="+url.QueryEscape("words that are not in the file"))
	if code != http.StatusOK || body.QuotesFound != 0 || len(body.Paragraphs) == 0 {
		t.Errorf("unknown quote: got %d, found %d, %d paragraphs", code, body.QuotesFound, len(body.Paragraphs))
	}
	code, body = getSource(t, srv, "/v1/sources/"+c.Source)
	if code != http.StatusOK || len(body.Paragraphs) == 0 {
		t.Errorf("no quote: got %d %+v", code, body)
	}
}

func TestSourceRefusals(t *testing.T) {
	s := web.New(web.Options{Logger: discard()})
	srv := httptest.NewServer(s)
	defer srv.Close()
	if code, _ := getSource(t, srv, "/v1/sources/000_2bc005b4439df7f9.txt"); code != http.StatusServiceUnavailable {
		t.Errorf("before SetDocuments: got %d, want 503", code)
	}
	s.SetDocuments(corpusDocs(t))
	tests := []struct {
		path string
		want []int
	}{
		{"/v1/sources/no-such-file.txt", []int{http.StatusNotFound}},
		{"/v1/sources/..%2f..%2f..%2fetc%2fpasswd", []int{http.StatusBadRequest}},
		{"/v1/sources/%2e%2e%2fgo.mod", []int{http.StatusBadRequest}},
		{"/v1/sources/%2e%2e/%2e%2e/etc/passwd", []int{http.StatusBadRequest, http.StatusMovedPermanently}},
		{"/v1/sources/../../etc/passwd", []int{http.StatusMovedPermanently, http.StatusNotFound}},
		{"/v1/sources/a/../000_2bc005b4439df7f9.txt", []int{http.StatusMovedPermanently}},
		{"/v1/sources/%2fetc%2fpasswd", []int{http.StatusBadRequest}},
		{"/v1/sources//etc/passwd", []int{http.StatusMovedPermanently}},
		{"/v1/sources/..%5c..%5cwindows", []int{http.StatusBadRequest}},
		{"/v1/sources/a%00b", []int{http.StatusBadRequest}},
		{"/v1/sources/./000_2bc005b4439df7f9.txt", []int{http.StatusMovedPermanently}},
		{"/v1/sources/%2e/000_2bc005b4439df7f9.txt", []int{http.StatusBadRequest, http.StatusMovedPermanently}},
		{"/v1/sources/000_2bc005b4439df7f9.txt?quote=" + strings.Repeat("a", 3000), []int{http.StatusBadRequest}},
		{"/v1/sources/000_2bc005b4439df7f9.txt?" + strings.Repeat("quote=a&", 9), []int{http.StatusBadRequest}},
	}
	for _, tt := range tests {
		t.Run(tt.path[:min(len(tt.path), 60)], func(t *testing.T) {
			code, body := getSource(t, srv, tt.path)
			ok := false
			for _, w := range tt.want {
				ok = ok || code == w
			}
			if !ok {
				t.Errorf("got %d %+v, want one of %v", code, body, tt.want)
			}
			if len(body.Paragraphs) > 0 {
				t.Errorf("served content for %s", tt.path)
			}
		})
	}
	// A source in a subfolder is reachable with its slashes.
	s.SetDocuments([]corpus.Document{{Source: "sub/dir/a.txt", Title: "A", Text: "Alpha beta.", Body: []corpus.Span{{Start: 0, End: 11}}}})
	if code, body := getSource(t, srv, "/v1/sources/sub/dir/a.txt?quote=beta."); code != http.StatusOK || body.QuotesFound != 1 {
		t.Errorf("subfolder source: got %d %+v", code, body)
	}
}

// discardWriter is a ResponseWriter that keeps nothing, so that measuring
// a request's memory does not count the response body kept in a recorder.
type discardWriter struct{ h http.Header }

func (d *discardWriter) Header() http.Header         { return d.h }
func (d *discardWriter) Write(p []byte) (int, error) { return len(p), nil }
func (d *discardWriter) WriteHeader(int)             {}

// TestSourceOfALargeDocumentCostsLittleMemory checks that serving an 8 MB
// source allocates little per request once the document is prepared: the collapsed text is worked out once, and the
// response is written a paragraph at a time. (Before, each request built a
// byte-offset table eight times the document's size, so 16 concurrent
// reads of a 9.5 MB file took gigabytes.)
func TestSourceOfALargeDocumentCostsLittleMemory(t *testing.T) {
	var b strings.Builder
	var body []corpus.Span
	for b.Len() < 8<<20 {
		start := b.Len()
		b.WriteString("The ferry to Helsinki sailed  again on Friday, after the storm.\nIt carried 412 passengers. ")
		body = append(body, corpus.Span{Start: start, End: b.Len() - 1})
		b.WriteString("\n\n")
	}
	doc := corpus.Document{Source: "big.txt", Title: "Big", Text: b.String(), Body: body}
	s := web.New(web.Options{Logger: discard()})
	s.SetDocuments([]corpus.Document{doc})
	get := func() {
		req := httptest.NewRequest(http.MethodGet, "/v1/sources/big.txt?quote="+url.QueryEscape("It carried 412 passengers."), nil)
		s.ServeHTTP(&discardWriter{h: http.Header{}}, req)
	}
	get() // prepares the document
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	get()
	runtime.ReadMemStats(&after)
	// About 2 MB here, more under the race detector, which empties
	// sync.Pools at random; the per-request offset table took 450 MB.
	if n := after.TotalAlloc - before.TotalAlloc; n > 3*uint64(len(doc.Text)) {
		t.Errorf("one request allocated %d MB for an %d MB document, want less than three times its size", n>>20, len(doc.Text)>>20)
	}
}
