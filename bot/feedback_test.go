package bot_test

import (
	"bufio"
	"encoding/json"
	"os"
	"sync"
	"testing"

	"github.com/citebot/citebot"
	"github.com/citebot/citebot/bot"
)

func TestFeedbackLogRecord(t *testing.T) {
	dir := t.TempDir()
	log := bot.NewFeedbackLog(dir + "/sub")
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := log.Record(bot.Feedback{Adapter: "test", User: "u", Verdict: bot.VerdictUp,
				Question: "q", Answer: "a", Citations: []citebot.Citation{{Source: "s.txt", Quote: "x"}}})
			if err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	fh, err := os.Open(log.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	n := 0
	sc := bufio.NewScanner(fh)
	for sc.Scan() {
		var f bot.Feedback
		if err := json.Unmarshal(sc.Bytes(), &f); err != nil {
			t.Fatalf("line %d: %v", n, err)
		}
		if f.Time.IsZero() || f.Verdict != bot.VerdictUp || len(f.Citations) != 1 {
			t.Errorf("line %d: got %+v", n, f)
		}
		n++
	}
	if got, want := n, 20; got != want {
		t.Errorf("got %d lines, want %d", got, want)
	}
}

// TestFeedbackLogIsPrivate checks that the feedback log, which holds users'
// questions and IDs, is readable by citebot's user only, including a log an
// older version created for everyone.
func TestFeedbackLogIsPrivate(t *testing.T) {
	for _, existing := range []bool{false, true} {
		dir := t.TempDir()
		log := bot.NewFeedbackLog(dir)
		if existing {
			if err := os.WriteFile(log.Path(), nil, 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(log.Path(), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		if err := log.Record(bot.Feedback{Adapter: "test", User: "U1", Verdict: bot.VerdictDown, Question: "q"}); err != nil {
			t.Fatal(err)
		}
		fi, err := os.Stat(log.Path())
		if err != nil {
			t.Fatal(err)
		}
		if perm := fi.Mode().Perm(); perm != 0o600 {
			t.Errorf("existing=%v: feedback log mode %v, want -rw-------", existing, perm)
		}
	}
}

func TestFeedbackLogRejectsUnknownVerdict(t *testing.T) {
	log := bot.NewFeedbackLog(t.TempDir())
	if err := log.Record(bot.Feedback{Verdict: "meh"}); err == nil {
		t.Fatal("got nil error, want one for an unknown verdict")
	}
	if _, err := os.Stat(log.Path()); !os.IsNotExist(err) {
		t.Errorf("file written for a rejected record: %v", err)
	}
}
