package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/citebot/citebot"
	"github.com/citebot/citebot/internal/pdftest"
	"github.com/citebot/citebot/internal/store"
	"github.com/citebot/citebot/retrieval"
)

// runCmd runs the CLI as main would, with a private data dir.
func runCmd(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	return runIn(t, t.TempDir(), "warn", args...)
}

// runIn runs the CLI as main would, with the data dir data and logs in
// text at level.
func runIn(t *testing.T, data, level string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	t.Setenv("CITEBOT_DATA_DIR", data)
	t.Setenv("CITEBOT_LOG_LEVEL", level)
	t.Setenv("CITEBOT_LOG_FORMAT", "text")
	var out, errb bytes.Buffer
	code = run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestAsk(t *testing.T) {
	code, out, errs := runCmd(t, "ask", "when did Estonia ratify Ottawa?")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"2004", "[1]", "Sources:", "000_2bc005b4439df7f9.txt", "Estonia in 2004"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestAskJSON(t *testing.T) {
	// Flags may follow the question.
	code, out, errs := runCmd(t, "ask", "when did Estonia ratify Ottawa?", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var ans citebot.Answer
	if err := json.Unmarshal([]byte(out), &ans); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if !ans.Answered || !strings.Contains(ans.Text, "2004") || ans.Citations[0].Source != "000_2bc005b4439df7f9.txt" {
		t.Errorf("got %+v", ans)
	}
}

func TestAskUserCorpus(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "bridge.txt"), []byte("The Old Bridge opened in 1889 after six years of work.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "junk.bin"), []byte{0, 1, 2}, 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs := runCmd(t, "ask", "--corpus", dir, "When did the Old Bridge open?")
	if code != 0 || !strings.Contains(out, "1889") || !strings.Contains(out, "bridge.txt") {
		t.Errorf("exit %d, out %q, err %q", code, out, errs)
	}
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		args []string
		code int
		want string
	}{
		{nil, exitUsage, "Usage"},
		{[]string{"frobnicate"}, exitUsage, "unknown command"},
		{[]string{"ask"}, exitUsage, "give a question"},
		{[]string{"ask", "--no-such-flag", "q"}, exitUsage, "no-such-flag"},
		{[]string{"eval"}, exitUsage, "--questions"},
		{[]string{"ask", "--corpus", "/does/not/exist", "q?"}, exitError, "CITEBOT_CORPUS"},
		{[]string{"eval", "--questions", "/does/not/exist.jsonl"}, exitError, "no such file"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, _, errs := runCmd(t, tt.args...)
			if code != tt.code || !strings.Contains(errs, tt.want) {
				t.Errorf("got exit %d, stderr %q; want exit %d mentioning %q", code, errs, tt.code, tt.want)
			}
		})
	}
}

func TestEval(t *testing.T) {
	qs := filepath.Join(t.TempDir(), "q.jsonl")
	data := `{"id":"a","question":"when did Estonia ratify Ottawa?","answers":["2004"],"sources":["000_2bc005b4439df7f9.txt"]}
{"id":"b","question":"What is the capital of Australia?","answers":[],"sources":[],"answerable":false}
`
	if err := os.WriteFile(qs, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs := runCmd(t, "eval", "--questions", qs)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"retrieval@3:            100.0%", "lead accuracy:          100.0%", "contains accuracy:      100.0%",
		"refusal rate:           100.0%", "MRR", "latency", "citation faithfulness:  100.0%", "calibration"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	code, out, _ = runCmd(t, "eval", "--questions", qs, "--json")
	var rep retrieval.EvalReport
	if code != 0 || json.Unmarshal([]byte(out), &rep) != nil || rep.LeadAccuracy != 1 || len(rep.Results) != 2 {
		t.Errorf("--json: exit %d, report %+v", code, rep)
	}
	code, out, _ = runCmd(t, "eval", "--questions", qs, "--baseline")
	for _, want := range []string{"baseline: BM25 top sentence", "margin over the baseline: lead accuracy"} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("--baseline: exit %d, output lacks %q:\n%s", code, want, out)
		}
	}
}

func TestIngest(t *testing.T) {
	data := t.TempDir()
	t.Setenv("CITEBOT_LOG_LEVEL", "warn")
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"ingest", "--data-dir", data}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if !strings.Contains(out.String(), "reused 0") && !strings.Contains(out.String(), " 0 reused") {
		t.Errorf("first ingest: %s", out.String())
	}
	out.Reset()
	if code := run(context.Background(), []string{"ingest", "--data-dir", data}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if !strings.Contains(out.String(), "0 embedded") {
		t.Errorf("second ingest re-embedded: %s", out.String())
	}
	if _, err := os.Stat(store.CurrentPath(data)); err != nil {
		t.Error(err)
	}
}

func TestConfigRedactsSecrets(t *testing.T) {
	t.Setenv("CITEBOT_API_TOKEN", "supersecret-token-value-123")
	code, out, errs := runCmd(t, "config")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if strings.Contains(out+errs, "supersecret") {
		t.Errorf("secret printed:\n%s", out)
	}
	if !strings.Contains(out, "redacted") {
		t.Errorf("no redaction marker in:\n%s", out)
	}
}

func TestServe(t *testing.T) {
	srv := startApp(t, loadEnv(t, map[string]string{"CITEBOT_ADDR": "127.0.0.1:0", "CITEBOT_DATA_DIR": t.TempDir()}), io.Discard)
	base := srv.URL
	<-srv.ready

	resp, err := http.Get(base + "/readyz")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("readyz: %v %v", resp, err)
	}
	resp.Body.Close()
	resp, err = http.Post(base+"/v1/ask", "application/json", strings.NewReader(`{"question":"when did Estonia ratify Ottawa?"}`))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(b), "2004") {
		t.Errorf("ask: %d %s", resp.StatusCode, b)
	}
	srv.Cancel()
	if err := srv.Wait(t); err != nil {
		t.Errorf("Run after cancel: %v", err)
	}
}

// TestServeDrainDelay shows the drain window: after the stop signal the
// server keeps accepting connections and answers /readyz with 503 for
// CITEBOT_DRAIN_DELAY, so a load balancer can take it out of rotation.
func TestServeDrainDelay(t *testing.T) {
	srv := startApp(t, loadEnv(t, map[string]string{
		"CITEBOT_ADDR": "127.0.0.1:0", "CITEBOT_DATA_DIR": t.TempDir(), "CITEBOT_DRAIN_DELAY": "3s",
	}), io.Discard)
	base := srv.URL
	<-srv.ready
	srv.Cancel()

	// The stop is asynchronous: poll until /readyz reports the drain.
	deadline := time.Now().Add(2 * time.Second)
	status := 0
	for time.Now().Before(deadline) {
		resp, err := http.Get(base + "/readyz")
		if err != nil {
			t.Fatalf("listener closed during the drain delay: %v", err)
		}
		resp.Body.Close()
		if status = resp.StatusCode; status == http.StatusServiceUnavailable {
			break
		}
	}
	if status != http.StatusServiceUnavailable {
		t.Fatalf("readyz during drain: %d, want 503", status)
	}
	select {
	case <-srv.done:
		t.Fatalf("Run returned before the drain delay: %v", srv.err)
	default:
	}
	if err := srv.Wait(t); err != nil {
		t.Errorf("Run: %v", err)
	}
}

func TestAskPDFNamesPage(t *testing.T) {
	dir := t.TempDir()
	pdftest.Write(t, filepath.Join(dir, "reports", "q3.pdf"), pdftest.Report)
	q := "How many engineers did the company hire?"
	data := t.TempDir()
	code, out, errs := runIn(t, data, "warn", "ask", "--corpus", dir, q)
	if code != 0 || !strings.Contains(out, "14 engineers") || !strings.Contains(out, "[1] reports/q3.pdf, p. 2") {
		t.Errorf("exit %d, out %q, err %q; want the answer citing reports/q3.pdf, p. 2", code, out, errs)
	}
	// The PDF reader's compiled code is kept in the data dir for the
	// next start.
	if cached, err := os.ReadDir(filepath.Join(data, "pdfium-cache")); err != nil || len(cached) == 0 {
		t.Errorf("data dir has no PDF reader cache: %v, %d entries", err, len(cached))
	}
	code, out, errs = runCmd(t, "ask", "--corpus", dir, "--json", q)
	var ans citebot.Answer
	if err := json.Unmarshal([]byte(out), &ans); code != 0 || err != nil {
		t.Fatalf("exit %d, err %v: %s %s", code, err, out, errs)
	}
	if len(ans.Citations) == 0 || ans.Citations[0].Source != "reports/q3.pdf" || ans.Citations[0].Page != 2 {
		t.Errorf("got citations %+v, want reports/q3.pdf page 2", ans.Citations)
	}
	if !strings.Contains(out, `"page": 2`) && !strings.Contains(out, `"page":2`) {
		t.Errorf("JSON lacks the page:\n%s", out)
	}
}
