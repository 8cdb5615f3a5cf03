package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// server is `citebot serve` running as a child process, with its JSON log
// lines readable as they come.
type server struct {
	cmd  *exec.Cmd
	addr string
	logs chan map[string]any
	done chan error
}

func startServer(t *testing.T, env ...string) *server {
	t.Helper()
	bin := dockerBuild(t)
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0")
	cmd.Env = append(os.Environ(), append([]string{
		"CITEBOT_DATA_DIR=" + t.TempDir(),
		"CITEBOT_LOG_FORMAT=json",
		"CITEBOT_LOG_LEVEL=info",
		"CITEBOT_SHUTDOWN_TIMEOUT=2m",
		"CITEBOT_READ_TIMEOUT=2m",
	}, env...)...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &server{cmd: cmd, logs: make(chan map[string]any, 256), done: make(chan error, 1)}
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			var m map[string]any
			if json.Unmarshal(sc.Bytes(), &m) != nil {
				m = map[string]any{"msg": sc.Text()}
			}
			s.logs <- m
		}
		close(s.logs)
		s.done <- cmd.Wait()
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
	})
	s.waitLog(t, "citebot listening", func(m map[string]any) { s.addr, _ = m["addr"].(string) })
	s.waitLog(t, "index ready", nil)
	return s
}

// waitLog waits for a log line whose message starts with msg.
func (s *server) waitLog(t *testing.T, msg string, fn func(map[string]any)) {
	t.Helper()
	deadline := time.After(60 * time.Second)
	for {
		select {
		case m, ok := <-s.logs:
			if !ok {
				t.Fatalf("server exited before logging %q", msg)
			}
			if text, _ := m["msg"].(string); strings.HasPrefix(text, msg) {
				if fn != nil {
					fn(m)
				}
				return
			}
		case <-deadline:
			t.Fatalf("no %q in the server's log", msg)
		}
	}
}

// exitCode waits for the process to end.
func (s *server) exitCode(t *testing.T) int {
	t.Helper()
	go func() {
		for range s.logs { // keep draining so the process is not blocked writing
		}
	}()
	select {
	case err := <-s.done:
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode()
		}
		if err != nil {
			t.Fatal(err)
		}
		return 0
	case <-time.After(60 * time.Second):
		t.Fatal("server did not exit")
		return -1
	}
}

// holdRequest starts POST /v1/ask and stops halfway through the body; it
// returns once the handler is reading the body (the server has answered
// Expect: 100-continue), so the request is truly in flight.
func holdRequest(t *testing.T, addr, body string) (net.Conn, *bufio.Reader, string) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	fmt.Fprintf(conn, "POST /v1/ask HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: %d\r\n\r\n", addr, len(body))
	r := bufio.NewReader(conn)
	line, err := r.ReadString('\n')
	if err != nil || !strings.Contains(line, "100 Continue") {
		t.Fatalf("want 100 Continue, got %q %v", line, err)
	}
	if _, err := r.ReadString('\n'); err != nil { // blank line after 100
		t.Fatal(err)
	}
	half := len(body) / 2
	if _, err := io.WriteString(conn, body[:half]); err != nil {
		t.Fatal(err)
	}
	return conn, r, body[half:]
}

// TestSIGTERMDrains: SIGTERM stops new work, lets the question in flight
// finish with its answer, and exits 0.
func TestSIGTERMDrains(t *testing.T) {
	s := startServer(t)
	conn, r, rest := holdRequest(t, s.addr, `{"question":"when did Estonia ratify Ottawa?"}`)

	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	s.waitLog(t, "shutting down", nil)
	// The listener closes: new connections are refused while the old one
	// is still being served.
	deadline := time.Now().Add(30 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", s.addr, time.Second)
		if err != nil {
			break
		}
		c.Close()
		if time.Now().After(deadline) {
			t.Fatal("still accepting connections while draining")
		}
		time.Sleep(20 * time.Millisecond)
	}

	if _, err := io.WriteString(conn, rest); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(r, nil)
	if err != nil {
		t.Fatalf("in-flight request lost: %v", err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(b), "2004") {
		t.Errorf("in-flight answer: %d %s, want 200 with 2004", resp.StatusCode, b)
	}
	if code := s.exitCode(t); code != 0 {
		t.Errorf("exit code %d after a clean drain, want 0", code)
	}
}

// TestSecondSignalForcesExit: a second signal while a request holds the
// drain open exits at once with 130.
func TestSecondSignalForcesExit(t *testing.T) {
	s := startServer(t)
	holdRequest(t, s.addr, `{"question":"when did Estonia ratify Ottawa?"}`)
	if err := s.cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	s.waitLog(t, "shutting down", nil)
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	s.waitLog(t, "citebot: second signal", nil)
	if code := s.exitCode(t); code != 130 {
		t.Errorf("exit code %d, want 130", code)
	}
}
