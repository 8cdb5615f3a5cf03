package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/citebot/citebot/internal/datadir"
	"github.com/citebot/citebot/internal/logbuf"
)

// bridgeCorpus writes a one-article corpus and returns its folder.
func bridgeCorpus(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "bridge.txt"), []byte("The Old Bridge opened in 1889 after six years of work.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestDataDirKeepsItsCorpus checks that `citebot ingest --corpus DIR` then
// a plain `citebot ask` or `serve` answers from DIR, as docs/scale-out.md
// shows, and that another corpus replaces the index only with --rebuild.
func TestDataDirKeepsItsCorpus(t *testing.T) {
	data := t.TempDir()
	articles := bridgeCorpus(t)
	if code, out, errs := runIn(t, data, "info", "ingest", "--corpus", articles); code != 0 {
		t.Fatalf("ingest: exit %d: %s %s", code, out, errs)
	}
	if rec, ok, err := datadir.ReadRecord(data); !ok || err != nil || !datadir.SameCorpus(rec.Corpus, articles) {
		t.Fatalf("data dir record: %+v %v %v, want %s", rec, ok, err, articles)
	}

	code, out, errs := runIn(t, data, "info", "ask", "When did the Old Bridge open?")
	if code != 0 || !strings.Contains(out, "1889") || !strings.Contains(out, "bridge.txt") {
		t.Errorf("plain ask after ingest: exit %d, out %q, err %q; want the ingested article", code, out, errs)
	}
	if !strings.Contains(errs, "using the corpus the data dir's index was built from") {
		t.Errorf("no log line says which corpus is used:\n%s", errs)
	}

	logs := &logbuf.Buffer{}
	srv := startApp(t, loadEnv(t, map[string]string{"CITEBOT_ADDR": "127.0.0.1:0", "CITEBOT_DATA_DIR": data}), logs)
	<-srv.ready
	answer := askHTTP(t, srv.URL, "When did the Old Bridge open?")
	if !strings.Contains(answer, "1889") {
		t.Errorf("plain serve after ingest answered %s, want the ingested article", answer)
	}
	srv.Cancel()
	if err := srv.Wait(t); err != nil {
		t.Errorf("serve: %v", err)
	}

	// Another corpus, here the embedded one, needs --rebuild.
	other := bridgeCorpus(t)
	if err := os.WriteFile(filepath.Join(other, "bridge.txt"), []byte("The New Bridge opened in 1990 after two years of work.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errs = runIn(t, data, "info", "ingest", "--corpus", other)
	if code == 0 || !strings.Contains(errs, "--rebuild") || !strings.Contains(errs, articles) {
		t.Errorf("ingest of another corpus: exit %d, err %q; want a refusal naming the recorded corpus and --rebuild", code, errs)
	}
	code, out, errs = runIn(t, data, "info", "ask", "--corpus", other, "--rebuild", "When did the New Bridge open?")
	if code != 0 || !strings.Contains(out, "1990") || !strings.Contains(errs, "rebuilding the index from another corpus") {
		t.Errorf("ask --rebuild: exit %d, out %q, err %q", code, out, errs)
	}
	if rec, _, _ := datadir.ReadRecord(data); !datadir.SameCorpus(rec.Corpus, other) {
		t.Errorf("after --rebuild the data dir records %q, want %q", rec.Corpus, other)
	}
}

// askHTTP asks the server and returns the raw response body.
func askHTTP(t *testing.T, base, q string) string {
	t.Helper()
	resp, err := http.Post(base+"/v1/ask", "application/json", strings.NewReader(`{"question":"`+q+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// TestIngestWaitsForTheDataDirLock checks that an ingest does not touch a
// data dir while another process holds it, and goes ahead once it is free.
func TestIngestWaitsForTheDataDirLock(t *testing.T) {
	data := t.TempDir()
	unlock, err := datadir.Lock(context.Background(), data, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	t.Setenv("CITEBOT_LOG_LEVEL", "info")
	t.Setenv("CITEBOT_LOG_FORMAT", "text")
	go func() {
		code := run(context.Background(), []string{"ingest", "--data-dir", data}, io.Discard, pw)
		pw.Close()
		done <- code
	}()
	waiting := make(chan struct{})
	go func() {
		buf := make([]byte, 4096)
		var seen strings.Builder
		closed := false
		for {
			n, err := pr.Read(buf)
			seen.Write(buf[:n])
			if !closed && strings.Contains(seen.String(), "waiting for it") {
				close(waiting)
				closed = true
			}
			if err != nil {
				return
			}
		}
	}()
	select {
	case <-waiting:
	case code := <-done:
		t.Fatalf("ingest finished (exit %d) while another process held the data dir", code)
	case <-time.After(30 * time.Second):
		t.Fatal("ingest neither waited for the lock nor finished")
	}
	unlock()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("ingest after the lock was released: exit %d", code)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("ingest did not go ahead once the lock was released")
	}
}

// TestAskKeepsAnotherCorpusBeside checks that `citebot ask --corpus DIR`
// answers from DIR when the default data dir holds the index of another
// corpus (here the embedded articles, as after the README's first
// command), from an index of its own beside it, and leaves the default
// index as it was; and that serve and ingest, and ask with a data dir
// chosen on purpose, still refuse to replace it (TestDataDirKeepsItsCorpus).
func TestAskKeepsAnotherCorpusBeside(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_DATA_HOME", filepath.Join(home, "data"))
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, "config"))
	base := filepath.Join(home, "data", "citebot")
	ask := func(args ...string) (int, string, string) {
		t.Helper()
		return runIn(t, "", "info", append([]string{"ask"}, args...)...)
	}
	if code, out, errs := ask("When did Estonia ratify the Ottawa Convention?"); code != 0 || !strings.Contains(out, "2004") {
		t.Fatalf("ask on the embedded articles: exit %d, out %q, err %q", code, out, errs)
	}
	articles := bridgeCorpus(t)
	// An index of a folder not asked about for long is removed on the way.
	stale := datadir.CorpusCache(base, filepath.Join(home, "gone"))
	if err := os.MkdirAll(stale, 0o700); err != nil {
		t.Fatal(err)
	}
	long := time.Now().Add(-2 * datadir.CorporaUnused)
	if err := os.Chtimes(stale, long, long); err != nil {
		t.Fatal(err)
	}
	for range 2 { // the second time, the separate index is reused
		code, out, errs := ask("--corpus", articles, "When did the Old Bridge open?")
		if code != 0 || !strings.Contains(out, "1889") {
			t.Fatalf("ask --corpus: exit %d, out %q, err %q; want the folder's answer", code, out, errs)
		}
		if !strings.Contains(errs, "using a separate index") {
			t.Errorf("no log line says a separate index is used:\n%s", errs)
		}
	}
	if rec, ok, err := datadir.ReadRecord(base); !ok || err != nil || rec.Corpus != "" {
		t.Errorf("default data dir record %+v %v %v, want still the embedded articles", rec, ok, err)
	}
	if _, err := os.Stat(stale); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("stale corpus index %s: %v, want it removed", stale, err)
	}
	cache := datadir.CorpusCache(base, datadir.AbsCorpus(articles))
	if rec, ok, err := datadir.ReadRecord(cache); !ok || err != nil || !datadir.SameCorpus(rec.Corpus, articles) {
		t.Errorf("separate data dir %s record %+v %v %v, want %s", cache, rec, ok, err, articles)
	}
	if code, out, errs := ask("When did Estonia ratify the Ottawa Convention?"); code != 0 || !strings.Contains(out, "2004") {
		t.Errorf("ask on the embedded articles afterwards: exit %d, out %q, err %q", code, out, errs)
	}
	// ingest is the deployment's command: it still refuses.
	if code, _, errs := runIn(t, "", "info", "ingest", "--corpus", articles); code == 0 || !strings.Contains(errs, "--rebuild") {
		t.Errorf("ingest of another corpus into the default data dir: exit %d, err %q; want a refusal", code, errs)
	}
}
