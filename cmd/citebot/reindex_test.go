package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/citebot/citebot"
	"github.com/citebot/citebot/internal/logbuf"
	"github.com/citebot/citebot/internal/scaletest"
)

// watchedApp serves the corpus folder dir with a short quiet period, and
// returns once the index answers and the folder is watched.
func watchedApp(t *testing.T, dir, data string, logs io.Writer, extra ...string) *servedApp {
	t.Helper()
	env := map[string]string{"CITEBOT_ADDR": "127.0.0.1:0", "CITEBOT_DATA_DIR": data, "CITEBOT_CORPUS": dir,
		"CITEBOT_LOG_LEVEL": "info"}
	for i := 0; i+1 < len(extra); i += 2 {
		env[extra[i]] = extra[i+1]
	}
	cfg := loadEnv(t, env)
	srv := startApp(t, cfg, logs, func(a *app) { a.watchQuiet = 20 * time.Millisecond })
	select {
	case <-srv.watchReady:
	case <-time.After(30 * time.Second):
		t.Fatal("the corpus folder was never watched")
	}
	return srv
}

// answerOf asks the server over HTTP and decodes the answer, failing the
// test on any error status.
func answerOf(t *testing.T, base, q string) citebot.Answer {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"question": q})
	resp, err := http.Post(base+"/v1/ask", "application/json", strings.NewReader(string(body)))
	if err != nil {
		t.Error(err)
		return citebot.Answer{}
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Errorf("ask %q: status %d, body %s", q, resp.StatusCode, b)
		return citebot.Answer{}
	}
	var a citebot.Answer
	if err := json.Unmarshal(b, &a); err != nil {
		t.Errorf("ask %q: %v in %s", q, err, b)
	}
	return a
}

func cites(a citebot.Answer, source string) bool {
	for _, c := range a.Citations {
		if c.Source == source {
			return true
		}
	}
	return false
}

// eventually asks q until ok holds for the answer, failing the test if
// it does not within within.
func eventually(t *testing.T, base, q string, within time.Duration, ok func(citebot.Answer) bool) citebot.Answer {
	t.Helper()
	deadline := time.Now().Add(within)
	tick := time.NewTicker(25 * time.Millisecond)
	defer tick.Stop()
	for {
		a := answerOf(t, base, q)
		if ok(a) {
			return a
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %s, %q is answered %q citing %v", within, q, a.Text, a.Citations)
		}
		<-tick.C
	}
}

func writeFile(t *testing.T, p, text string) {
	t.Helper()
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

const ferryQ = "How often does the Blue Ferry cross the bay?"

// TestServeWatchesCorpus checks that serve's answers follow the corpus
// folder: a new file is answered within 5 s, an edit replaces the old
// text, a deletion stops its citations, each update is stored so that a
// restart embeds nothing, and the metrics count it.
func TestServeWatchesCorpus(t *testing.T) {
	dir, data := bridgeCorpus(t), t.TempDir()
	logs := &logbuf.Buffer{}
	srv := watchedApp(t, dir, data, logs)

	// Asked before the file exists, so that a cached answer would show.
	if a := answerOf(t, srv.URL, ferryQ); cites(a, "ferry.txt") {
		t.Fatalf("answered before the file was written: %+v", a)
	}
	ferry := filepath.Join(dir, "ferry.txt")
	readyz := func() {
		t.Helper()
		if code := status(t, srv.URL+"/readyz"); code != http.StatusOK {
			t.Errorf("/readyz: got %d, want 200", code)
		}
	}

	t.Run("a new file is answered within 5 s", func(t *testing.T) {
		writeFile(t, ferry, "The Blue Ferry crosses the bay every 40 minutes, from dawn to midnight.\n")
		a := eventually(t, srv.URL, ferryQ, 5*time.Second, func(a citebot.Answer) bool { return cites(a, "ferry.txt") })
		if !strings.Contains(a.Text, "40 minutes") {
			t.Errorf("got %q, want the 40 minutes", a.Text)
		}
		readyz()
	})
	t.Run("an edited file's new text replaces the old", func(t *testing.T) {
		writeFile(t, ferry, "The Blue Ferry crosses the bay every 25 minutes, from dawn to midnight.\n")
		eventually(t, srv.URL, ferryQ, 5*time.Second, func(a citebot.Answer) bool { return strings.Contains(a.Text, "25 minutes") })
		for _, c := range answerOf(t, srv.URL, ferryQ).Citations {
			if strings.Contains(c.Quote, "40 minutes") {
				t.Errorf("the old text is still quoted: %q", c.Quote)
			}
		}
		readyz()
	})
	t.Run("a file in a new subfolder is answered", func(t *testing.T) {
		sub := filepath.Join(dir, "harbour")
		if err := os.Mkdir(sub, 0o755); err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(sub, "crane.md"), "# Crane\n\nThe Red Crane in the harbour lifts 80 tonnes.\n")
		eventually(t, srv.URL, "How much does the Red Crane lift?", 5*time.Second, func(a citebot.Answer) bool { return cites(a, "harbour/crane.md") })
	})
	t.Run("a deleted file stops being cited", func(t *testing.T) {
		if err := os.Remove(ferry); err != nil {
			t.Fatal(err)
		}
		eventually(t, srv.URL, ferryQ, 5*time.Second, func(a citebot.Answer) bool { return !cites(a, "ferry.txt") })
		readyz()
	})
	t.Run("the metrics count the updates", func(t *testing.T) {
		resp, err := http.Get(srv.URL + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		for _, want := range []string{"citebot_reindex_files_total 4", "citebot_reindex_failures_total 0", "citebot_reindex_swap_seconds_count 4", "citebot_index_files 2"} {
			if !strings.Contains(string(b), want+"\n") {
				t.Errorf("/metrics has no line %q", want)
			}
		}
	})

	srv.Cancel()
	if err := srv.Wait(t); err != nil {
		t.Fatalf("Run: %v", err)
	}
	t.Run("a restart embeds nothing again", func(t *testing.T) {
		cfg := loadEnv(t, map[string]string{"CITEBOT_DATA_DIR": data})
		eng, docs, _, err := buildEngine(context.Background(), cfg, slog.New(slog.DiscardHandler), readStore, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer eng.Close()
		if s := eng.Stats(); s.Embedded != 0 || s.Changed != 0 || s.Removed != 0 || s.Rebuilt != "" {
			t.Errorf("got %+v, want everything reused", s)
		}
		if len(docs) != 2 {
			t.Errorf("got %d documents, want the bridge and the crane", len(docs))
		}
	})
}

// TestServeWatchesCorpusOnWeaviate checks live re-indexing with the
// Weaviate backend: the class is brought up to date by content hash, so a
// new file is answered and a deleted one stops being cited.
func TestServeWatchesCorpusOnWeaviate(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a Weaviate server")
	}
	wv := scaletest.StartWeaviate(t)
	dir, data := bridgeCorpus(t), t.TempDir()
	srv := watchedApp(t, dir, data, io.Discard, "CITEBOT_INDEX", "weaviate", "WEAVIATE_URL", wv.URL)
	ferry := filepath.Join(dir, "ferry.txt")
	writeFile(t, ferry, "The Blue Ferry crosses the bay every 40 minutes, from dawn to midnight.\n")
	eventually(t, srv.URL, ferryQ, 5*time.Second, func(a citebot.Answer) bool { return cites(a, "ferry.txt") })
	writeFile(t, ferry, "The Blue Ferry crosses the bay every 25 minutes, from dawn to midnight.\n")
	eventually(t, srv.URL, ferryQ, 5*time.Second, func(a citebot.Answer) bool { return strings.Contains(a.Text, "25 minutes") })
	if err := os.Remove(ferry); err != nil {
		t.Fatal(err)
	}
	eventually(t, srv.URL, ferryQ, 5*time.Second, func(a citebot.Answer) bool { return !cites(a, "ferry.txt") })
	if a := answerOf(t, srv.URL, "When did the Old Bridge open?"); !cites(a, "bridge.txt") {
		t.Errorf("the unchanged file is no longer cited: %+v", a)
	}
	srv.Cancel()
	if err := srv.Wait(t); err != nil {
		t.Fatalf("Run: %v", err)
	}
}

// TestServePicksUpIngest checks that an index `citebot ingest` stores in
// the data dir beside a serving process is loaded by it.
func TestServePicksUpIngest(t *testing.T) {
	dir, data := bridgeCorpus(t), t.TempDir()
	var long strings.Builder
	for i := range 12 {
		fmt.Fprintf(&long, "The harbour master's log for day %d records calm water and a light westerly breeze.\n", i+1)
	}
	writeFile(t, filepath.Join(dir, "log.txt"), long.String())
	logs := &logbuf.Buffer{}
	srv := watchedApp(t, dir, data, logs)
	// A smaller chunk size makes ingest store an index of other chunks,
	// as a corpus changed where the watcher cannot see (a network share)
	// would.
	if code, _, errs := runIn(t, data, "info", "ingest", "--corpus", dir, "--chunk-size", "300"); code != 0 {
		t.Fatalf("ingest: exit %d: %s", code, errs)
	}
	deadline := time.After(10 * time.Second)
	tick := time.NewTicker(25 * time.Millisecond)
	defer tick.Stop()
	for !strings.Contains(logs.String(), "updated by another process; loaded it") {
		select {
		case <-deadline:
			t.Fatalf("the ingest was not picked up; logs:\n%s", logs)
		case <-tick.C:
		}
	}
	if a := answerOf(t, srv.URL, "When did the Old Bridge open?"); !strings.Contains(a.Text, "1889") {
		t.Errorf("after the ingest: got %q, want 1889", a.Text)
	}
}

// TestServeSwapsUnderLoad asks questions without pause while the corpus
// changes under the server: every question gets an answer, and /readyz
// stays 200. Run it with -race.
func TestServeSwapsUnderLoad(t *testing.T) {
	dir, data := bridgeCorpus(t), t.TempDir()
	srv := watchedApp(t, dir, data, io.Discard)
	stop := make(chan struct{})
	var askers sync.WaitGroup
	for i := range 4 {
		askers.Go(func() {
			qs := []string{ferryQ, "When did the Old Bridge open?"}
			for n := 0; ; n++ {
				select {
				case <-stop:
					return
				default:
				}
				if a := answerOf(t, srv.URL, qs[(i+n)%2]); a.Text == "" {
					t.Errorf("an empty answer")
				}
				resp, err := http.Get(srv.URL + "/readyz")
				if err != nil {
					t.Error(err)
					return
				}
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					t.Errorf("/readyz: got %d, want 200", resp.StatusCode)
				}
			}
		})
	}
	for _, minutes := range []string{"11", "12", "13", "14", "15"} {
		writeFile(t, filepath.Join(dir, "ferry.txt"), "The Blue Ferry crosses the bay every "+minutes+" minutes.\n")
		eventually(t, srv.URL, ferryQ, 5*time.Second, func(a citebot.Answer) bool { return strings.Contains(a.Text, minutes+" minutes") })
	}
	close(stop)
	askers.Wait()
}

// TestServeWatchOff checks that CITEBOT_WATCH=false leaves the folder
// alone.
func TestServeWatchOff(t *testing.T) {
	dir := bridgeCorpus(t)
	logs := &logbuf.Buffer{}
	cfg := loadEnv(t, map[string]string{"CITEBOT_ADDR": "127.0.0.1:0", "CITEBOT_DATA_DIR": t.TempDir(), "CITEBOT_CORPUS": dir,
		"CITEBOT_LOG_LEVEL": "info", "CITEBOT_WATCH": "false"})
	srv := startApp(t, cfg, logs)
	<-srv.ready
	srv.Cancel()
	if err := srv.Wait(t); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logs.String(), "not watching the corpus folder (CITEBOT_WATCH=false)") {
		t.Errorf("logs say nothing of watching being off:\n%s", logs)
	}
	select {
	case <-srv.watchReady:
		t.Error("the folder was watched")
	default:
	}
}
