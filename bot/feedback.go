package bot

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/citebot/citebot"
)

// FeedbackFile is the name of the feedback log under the data dir.
const FeedbackFile = "feedback.jsonl"

// Verdict is a user's judgement of an answer.
type Verdict string

// The two verdicts the 👍/👎 buttons send.
const (
	VerdictUp   Verdict = "up"
	VerdictDown Verdict = "down"
)

// Feedback is one line of feedback.jsonl. Slack and Telegram write the same
// shape so the log can be analysed without caring where it came from.
type Feedback struct {
	Time      time.Time          `json:"time"`
	Adapter   string             `json:"adapter"`
	User      string             `json:"user"`
	Verdict   Verdict            `json:"verdict"`
	Question  string             `json:"question"`
	Answer    string             `json:"answer"`
	Citations []citebot.Citation `json:"citations"`
}

// FeedbackLog appends Feedback records as JSON lines. It is safe for
// concurrent use.
type FeedbackLog struct {
	mu   sync.Mutex
	path string
}

// NewFeedbackLog returns a log that appends to dir/feedback.jsonl. The
// file is created on the first Record, so a read-only deployment that never
// gets feedback never touches the disk.
func NewFeedbackLog(dir string) *FeedbackLog {
	return &FeedbackLog{path: filepath.Join(dir, FeedbackFile)}
}

// Path is the file the log appends to.
func (l *FeedbackLog) Path() string { return l.path }

// Record appends f as one line. A zero Time is set to now.
func (l *FeedbackLog) Record(f Feedback) error {
	if f.Verdict != VerdictUp && f.Verdict != VerdictDown {
		return fmt.Errorf("record feedback: unknown verdict %q", f.Verdict)
	}
	if f.Time.IsZero() {
		f.Time = time.Now().UTC()
	}
	line, err := json.Marshal(f)
	if err != nil {
		return fmt.Errorf("record feedback: %w", err)
	}
	line = append(line, '\n')

	l.mu.Lock()
	defer l.mu.Unlock()
	if err := os.MkdirAll(filepath.Dir(l.path), 0o700); err != nil {
		return fmt.Errorf("record feedback: %w", err)
	}
	// Opening a FIFO for writing would block until a reader came.
	if fi, err := os.Lstat(l.path); err == nil && !fi.Mode().IsRegular() {
		return fmt.Errorf("record feedback: %s is not a regular file", l.path)
	}
	// O_APPEND keeps each line whole even if another process appends too.
	// The log holds what users asked and who they are: only citebot's
	// user may read it.
	fh, err := os.OpenFile(l.path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("record feedback: %w", err)
	}
	if fi, err := fh.Stat(); err == nil && fi.Mode().Perm()&0o077 != 0 {
		// A log created by an older version was readable by everyone.
		if err := fh.Chmod(0o600); err != nil {
			fh.Close()
			return fmt.Errorf("record feedback: %w", err)
		}
	}
	if _, err := fh.Write(line); err != nil {
		fh.Close()
		return fmt.Errorf("record feedback: %w", err)
	}
	return fh.Close()
}
