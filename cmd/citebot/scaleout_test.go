package main

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/citebot/citebot/internal/logbuf"
	"github.com/citebot/citebot/internal/scaletest"
	"github.com/citebot/citebot/internal/store"
	"github.com/citebot/citebot/retrieval/index/weaviate"
)

func status(t *testing.T, u string) int {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestMigrateToWeaviate(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a Weaviate server")
	}
	wv := scaletest.StartWeaviate(t)
	t.Setenv("CITEBOT_LOG_LEVEL", "warn")
	t.Setenv("WEAVIATE_URL", wv.URL)
	data := t.TempDir()
	cli := func(args ...string) (int, string, string) {
		var out, errb bytes.Buffer
		code := run(context.Background(), args, &out, &errb)
		return code, out.String(), errb.String()
	}

	if code, _, errs := cli("migrate", "--to", "weaviate", "--data-dir", data); code != exitError || !strings.Contains(errs, "no embedded index") {
		t.Errorf("migrate without an index: exit %d, %s", code, errs)
	}
	if code, _, errs := cli("migrate", "--data-dir", data); code != exitUsage || !strings.Contains(errs, "--to") {
		t.Errorf("migrate without --to: exit %d, %s", code, errs)
	}
	if code, _, errs := cli("ingest", "--data-dir", data); code != 0 {
		t.Fatalf("ingest: exit %d: %s", code, errs)
	}
	code, out, errs := cli("migrate", "--to", "weaviate", "--data-dir", data)
	if code != 0 {
		t.Fatalf("migrate: exit %d: %s", code, errs)
	}
	recs, m, err := store.Records(data)
	if err != nil {
		t.Fatal(err)
	}
	embedder := m.Embedder
	if want := fmt.Sprintf("copied %d of %d chunks", len(recs), len(recs)); !strings.Contains(out, want) || !strings.Contains(out, "nothing re-embedded") {
		t.Errorf("migrate said %q, want %q", out, want)
	}

	// The vectors in Weaviate are the stored index's, not new ones.
	idx, err := weaviate.New(wv.URL, weaviate.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]string, len(recs))
	for i, r := range recs {
		ids[i] = r.Chunk.ID
	}
	vecs, err := idx.Vectors(context.Background(), ids)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		v := vecs[r.Chunk.ID]
		if len(v) != len(r.Vector) {
			t.Fatalf("chunk %s: %d dimensions in weaviate, %d in the stored index", r.Chunk.ID, len(v), len(r.Vector))
		}
		for i := range v {
			if math.Abs(float64(v[i]-r.Vector[i])) > 1e-5 {
				t.Fatalf("chunk %s: vector differs at %d: %v vs %v", r.Chunk.ID, i, v[i], r.Vector[i])
			}
		}
	}

	// Again: nothing to copy.
	if _, out, _ := cli("migrate", "--to", "weaviate", "--data-dir", data); !strings.Contains(out, fmt.Sprintf("copied 0 of %d chunks", len(recs))) {
		t.Errorf("second migrate: %s", out)
	}

	// Serving from Weaviate, from a fresh data dir: nothing is embedded
	// and the answer is the same.
	t.Setenv("CITEBOT_INDEX", "weaviate")
	fresh := t.TempDir()
	code, out, errs = cli("ingest", "--data-dir", fresh)
	if code != 0 || !strings.Contains(out, "0 embedded") || !strings.Contains(out, embedder) || !strings.Contains(out, wv.URL) {
		t.Errorf("ingest from weaviate: exit %d: %s %s", code, out, errs)
	}
	code, out, errs = cli("ask", "--data-dir", fresh, "when did Estonia ratify Ottawa?")
	if code != 0 || !strings.Contains(out, "2004") || !strings.Contains(out, "000_2bc005b4439df7f9.txt") {
		t.Errorf("ask from weaviate: exit %d: %s %s", code, out, errs)
	}
}

func TestServeWaitsForWeaviate(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a Weaviate server")
	}
	// The configured address refuses connections until a proxy to a
	// real Weaviate starts listening there.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	wvURL := "http://" + addr
	logs := &logbuf.Buffer{}
	cfg := loadEnv(t, map[string]string{
		"CITEBOT_ADDR": "127.0.0.1:0", "CITEBOT_DATA_DIR": t.TempDir(), "CITEBOT_INDEX": "weaviate",
		"WEAVIATE_URL": wvURL, "CITEBOT_LOG_LEVEL": "warn",
	})
	base := startApp(t, cfg, logs).URL
	if got := status(t, base+"/healthz"); got != http.StatusOK {
		t.Errorf("healthz %d, want 200 while the index is unavailable", got)
	}
	if got := status(t, base+"/readyz"); got != http.StatusServiceUnavailable {
		t.Errorf("readyz %d, want 503 while weaviate is unreachable", got)
	}
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(logs.String(), wvURL) {
		if time.Now().After(deadline) {
			t.Fatalf("no log names %s:\n%s", wvURL, logs.String())
		}
		time.Sleep(20 * time.Millisecond)
	}

	wv := scaletest.StartWeaviate(t)
	target, _ := url.Parse(wv.URL)
	pl, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	proxy := &http.Server{Handler: httputil.NewSingleHostReverseProxy(target)}
	go proxy.Serve(pl)
	defer proxy.Close()

	deadline = time.Now().Add(time.Minute)
	for status(t, base+"/readyz") != http.StatusOK {
		if time.Now().After(deadline) {
			t.Fatalf("not ready a minute after weaviate came up:\n%s", logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	resp, err := http.Post(base+"/v1/ask", "application/json", strings.NewReader(`{"question":"when did Estonia ratify Ottawa?"}`))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(b), "2004") {
		t.Errorf("ask: %d %s", resp.StatusCode, b)
	}
}

// slackCall is one Web API call a replica made.
type slackCall struct{ method, channel, ts, threadTS, text string }

// fakeSlackAPI plays Slack's Web API for chat.postMessage, chat.update and
// chat.postEphemeral, recording every call.
func fakeSlackAPI(t *testing.T) (*httptest.Server, chan slackCall) {
	calls := make(chan slackCall, 64)
	var mu sync.Mutex
	seq := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		method := strings.TrimPrefix(r.URL.Path, "/")
		c := slackCall{method: method, channel: r.PostForm.Get("channel"), ts: r.PostForm.Get("ts"),
			threadTS: r.PostForm.Get("thread_ts"), text: r.PostForm.Get("text") + r.PostForm.Get("blocks")}
		if c.ts == "" {
			mu.Lock()
			seq++
			c.ts = fmt.Sprintf("1700000100.%06d", seq)
			mu.Unlock()
		}
		calls <- c
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"ok":true,"channel":%q,"ts":%q,"message_ts":%q}`, c.channel, c.ts, c.ts)
	}))
	t.Cleanup(srv.Close)
	return srv, calls
}

const replicaSecret = "replica-test-signing-secret-0123"

// postEvent delivers a signed Events API callback to a replica, as Slack
// does, with X-Slack-Retry-Num when retry > 0.
func postEvent(t *testing.T, base, eventID, text, ts, threadTS string, retry int) {
	t.Helper()
	postSlackEvent(t, base, eventID, `"type":"app_mention"`, "<@UBOT> "+text, ts, threadTS, retry)
}

// postThreadMessage posts a message in a channel thread that does not
// mention the bot (message.channels).
func postThreadMessage(t *testing.T, base, eventID, text, ts, threadTS string) {
	t.Helper()
	postSlackEvent(t, base, eventID, `"type":"message","channel_type":"channel"`, text, ts, threadTS, 0)
}

func postSlackEvent(t *testing.T, base, eventID, kind, text, ts, threadTS string, retry int) {
	t.Helper()
	thread := ""
	if threadTS != "" {
		thread = fmt.Sprintf(`,"thread_ts":%q`, threadTS)
	}
	body := fmt.Sprintf(`{"token":"x","team_id":"T1","api_app_id":"A1","type":"event_callback","event_id":%q,"event_time":1700000000,`+
		`"authorizations":[{"team_id":"T1","user_id":"UBOT","is_bot":true}],`+
		`"event":{%s,"user":"U1","text":%q,"ts":%q,"channel":"C1","event_ts":%q%s}}`,
		eventID, kind, text, ts, ts, thread)
	now := strconv.FormatInt(time.Now().Unix(), 10)
	mac := hmac.New(sha256.New, []byte(replicaSecret))
	fmt.Fprintf(mac, "v0:%s:%s", now, body)
	req, _ := http.NewRequest(http.MethodPost, base+"/slack/events", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Slack-Request-Timestamp", now)
	req.Header.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
	if retry > 0 {
		req.Header.Set("X-Slack-Retry-Num", strconv.Itoa(retry))
		req.Header.Set("X-Slack-Retry-Reason", "http_timeout")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("event %s: %s", eventID, resp.Status)
	}
}

// TestReplicasShareState runs two replicas against one Weaviate and one
// Redis: a Slack event retried to the other replica is answered once, a
// follow-up in the thread that lands on the other replica is read in the
// light of the first question, and a follow-up without a mention is
// answered by the replica that did not answer in the thread.
func TestReplicasShareState(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Weaviate and Redis")
	}
	wv := scaletest.StartWeaviate(t)
	rd := scaletest.StartRedis(t)
	api, calls := fakeSlackAPI(t)
	env := map[string]string{
		"CITEBOT_ADDR": "127.0.0.1:0", "CITEBOT_INDEX": "weaviate", "WEAVIATE_URL": wv.URL,
		"CITEBOT_REDIS_URL": rd.URL, "CITEBOT_LOG_LEVEL": "warn",
		"SLACK_SIGNING_SECRET": replicaSecret, "SLACK_BOT_TOKEN": "xoxb-replica-test-token", "SLACK_API_URL": api.URL + "/",
	}
	var apps [2]*app
	var bases [2]string
	for i := range apps {
		env["CITEBOT_DATA_DIR"] = t.TempDir()
		srv := startApp(t, loadEnv(t, env), io.Discard)
		apps[i], bases[i] = srv.app, srv.URL
	}
	for _, a := range apps {
		<-a.ready
	}
	for i, b := range bases {
		if got := status(t, b+"/readyz"); got != http.StatusOK {
			t.Fatalf("replica %d: readyz %d", i, got)
		}
	}

	// answer waits for the answer: posted directly, or replacing a
	// placeholder when it took longer than a second.
	answer := func(t *testing.T) slackCall {
		t.Helper()
		timeout := time.After(30 * time.Second)
		for {
			select {
			case c := <-calls:
				if c.method == "chat.update" || c.method == "chat.postMessage" && !strings.Contains(c.text, "Looking that up") {
					return c
				}
				if c.method != "chat.postMessage" {
					t.Fatalf("unexpected %s: %+v", c.method, c)
				}
			case <-timeout:
				t.Fatal("no answer within 30s")
			}
		}
	}

	const root = "1700000001.000100"
	const q1 = "Which countries ratified the Ottawa Convention in 2005?"
	postEvent(t, bases[0], "Ev1", q1, root, "", 0)
	postEvent(t, bases[1], "Ev1", q1, root, "", 1)
	first := answer(t)
	if !strings.HasPrefix(first.text, "Latvia and Ukraine") || first.threadTS != "" && first.threadTS != root {
		t.Errorf("first answer %q, want Latvia and Ukraine", first.text)
	}

	// "and in 2004?" alone asks nothing in particular; after q1 it asks
	// which countries ratified it in 2004.
	postEvent(t, bases[1], "Ev2", "and in 2004?", "1700000002.000200", root, 0)
	follow := answer(t)
	if !strings.HasPrefix(follow.text, "Estonia") {
		t.Errorf("follow-up on the other replica answered %.200q, want Estonia (read with the thread's first question)", follow.text)
	}

	// A thread answered by one replica takes follow-ups without a mention
	// on the other: the threads the bot answers in are kept in Redis.
	const root2 = "1700000003.000300"
	postEvent(t, bases[0], "Ev3", q1, root2, "", 0)
	if a := answer(t); !strings.HasPrefix(a.text, "Latvia and Ukraine") {
		t.Errorf("second thread answered %.200q, want Latvia and Ukraine", a.text)
	}
	postThreadMessage(t, bases[1], "Ev4", "and in 2004?", "1700000004.000400", root2)
	if a := answer(t); !strings.HasPrefix(a.text, "Estonia") || a.threadTS != root2 {
		t.Errorf("follow-up without a mention on the other replica answered %.200q in thread %q, want Estonia in %s", a.text, a.threadTS, root2)
	}

	// Drain both replicas, then count: four questions and four answers
	// (each after a placeholder, if it was slow), however the retry was
	// routed.
	for _, a := range apps {
		a.shutdown()
	}
	close(calls)
	extra := 0
	for c := range calls {
		extra++
		t.Errorf("extra Slack call after the four answers: %+v", c)
	}
	if extra > 0 {
		t.Errorf("the retried event was answered again (%d extra calls)", extra)
	}
}

// TestRedisDownFallsBack serves with a Redis that is not there: questions
// are still answered, from this replica's own state, with a warning and a
// metric.
func TestRedisDownFallsBack(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := l.Addr().String()
	l.Close()
	api, calls := fakeSlackAPI(t)
	logs := &logbuf.Buffer{}
	cfg := loadEnv(t, map[string]string{
		"CITEBOT_ADDR": "127.0.0.1:0", "CITEBOT_DATA_DIR": t.TempDir(), "CITEBOT_LOG_LEVEL": "warn",
		"CITEBOT_REDIS_URL":    "redis://" + dead + "/0",
		"SLACK_SIGNING_SECRET": replicaSecret, "SLACK_BOT_TOKEN": "xoxb-replica-test-token", "SLACK_API_URL": api.URL + "/",
	})
	srv := startApp(t, cfg, logs)
	a, base := srv.app, srv.URL
	<-a.ready
	postEvent(t, base, "EvDown", "when did Estonia ratify Ottawa?", "1700000009.000100", "", 0)
	postEvent(t, base, "EvDown", "when did Estonia ratify Ottawa?", "1700000009.000100", "", 1)
	timeout := time.After(30 * time.Second)
	for answered := false; !answered; {
		select {
		case c := <-calls:
			answered = (c.method == "chat.update" || c.method == "chat.postMessage") && strings.Contains(c.text, "2004")
		case <-timeout:
			t.Fatal("no answer with Redis down")
		}
	}
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(b), `citebot_shared_state_fallbacks_total{what="dedup"}`) {
		t.Errorf("no fallback metric in /metrics:\n%s", b)
	}
	a.shutdown()
	close(calls)
	for c := range calls {
		t.Errorf("retried event answered again with Redis down: %+v", c)
	}
	if !strings.Contains(logs.String(), "redis unavailable") || !strings.Contains(logs.String(), dead) {
		t.Errorf("no warning naming Redis in the logs:\n%s", logs.String())
	}
}
