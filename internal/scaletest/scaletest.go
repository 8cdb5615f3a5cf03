// Package scaletest starts real Weaviate and Redis servers on loopback for
// citebot's integration tests: single Weaviate nodes, three-node clusters
// on 127.0.0.1–3, and Redis. Nothing is mocked.
//
// The servers come from their binaries: weaviate-server (built with `go
// install github.com/weaviate/weaviate/cmd/weaviate-server@v1.35.2`, see
// scripts/weaviate.sh) and redis-server (Debian's redis-server). They are
// looked up in $CITEBOT_WEAVIATE_SERVER / $CITEBOT_REDIS_SERVER, then PATH,
// then $(go env GOPATH)/bin. When one is missing a test is skipped with a
// message saying how to install it, except in CI (CI=true), where .ci/run
// installs both and a missing binary fails the test.
package scaletest

import (
	"bytes"
	"context"
	"fmt"
	"go/build"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// WeaviateVersion is the server version the tests are written against.
const WeaviateVersion = "v1.35.2"

// find locates a server binary or skips (fails in CI) the test.
func find(t testing.TB, name, env, install string) string {
	t.Helper()
	if p := os.Getenv(env); p != "" {
		if _, err := os.Stat(p); err == nil {
			return p
		}
		t.Fatalf("%s=%s: no such file", env, p)
	}
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	gopath := os.Getenv("GOPATH")
	if gopath == "" {
		gopath = build.Default.GOPATH
	}
	for _, dir := range filepath.SplitList(gopath) {
		p := filepath.Join(dir, "bin", name)
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	msg := fmt.Sprintf("%s not found (set %s, put it on PATH or in $(go env GOPATH)/bin); install it with: %s", name, env, install)
	if os.Getenv("CI") != "" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// WeaviateBinary returns the path of weaviate-server.
func WeaviateBinary(t testing.TB) string {
	return find(t, "weaviate-server", "CITEBOT_WEAVIATE_SERVER",
		"go install github.com/weaviate/weaviate/cmd/weaviate-server@"+WeaviateVersion+" (or scripts/weaviate.sh build)")
}

// RedisBinary returns the path of redis-server.
func RedisBinary(t testing.TB) string {
	return find(t, "redis-server", "CITEBOT_REDIS_SERVER", "apt-get install redis-server")
}

// freePort returns a TCP port free on every host given.
func freePort(t testing.TB, hosts ...string) int {
	t.Helper()
	for range 50 {
		l, err := net.Listen("tcp", hosts[0]+":0")
		if err != nil {
			t.Fatal(err)
		}
		port := l.Addr().(*net.TCPAddr).Port
		ok := true
		var others []net.Listener
		for _, h := range hosts[1:] {
			o, err := net.Listen("tcp", net.JoinHostPort(h, strconv.Itoa(port)))
			if err != nil {
				ok = false
				break
			}
			others = append(others, o)
		}
		// The gossip port is UDP as well.
		for _, h := range hosts {
			u, err := net.ListenPacket("udp", net.JoinHostPort(h, strconv.Itoa(port)))
			if err != nil {
				ok = false
				break
			}
			u.Close()
		}
		l.Close()
		for _, o := range others {
			o.Close()
		}
		if ok {
			return port
		}
	}
	t.Fatal("no free port")
	return 0
}

// process is a server process with its log.
type process struct {
	mu   sync.Mutex
	cmd  *exec.Cmd
	done chan struct{}
	log  *os.File
}

func (p *process) start(t testing.TB, bin string, args, env []string, logPath string) {
	t.Helper()
	f, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = f, f
	if err := cmd.Start(); err != nil {
		f.Close()
		t.Fatalf("start %s: %v", bin, err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	p.mu.Lock()
	p.cmd, p.done, p.log = cmd, done, f
	p.mu.Unlock()
}

// kill stops the process at once (SIGKILL), as a crash would.
func (p *process) kill() {
	p.mu.Lock()
	cmd, done, f := p.cmd, p.done, p.log
	p.cmd = nil
	p.mu.Unlock()
	if cmd == nil {
		return
	}
	cmd.Process.Kill()
	<-done
	f.Close()
}

func (p *process) exited() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cmd == nil {
		return true
	}
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// tail returns the end of a log file, for failure messages.
func tail(path string, n int) string {
	b, _ := os.ReadFile(path)
	b = bytes.TrimSpace(b)
	lines := strings.Split(string(b), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// waitHTTP polls url until it answers 200, the process exits or the
// deadline passes. Polling is unavoidable here: a server says it is ready
// only over HTTP.
func waitHTTP(ctx context.Context, url string, exited func() bool) error {
	c := &http.Client{Timeout: 2 * time.Second}
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if resp, err := c.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		if exited() {
			return fmt.Errorf("the server exited")
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s not ready: %w", url, ctx.Err())
		case <-tick.C:
		}
	}
}

// waitTCP polls addr until it accepts a connection.
func waitTCP(addr string, within time.Duration, exited func() bool) error {
	deadline := time.Now().Add(within)
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			c.Close()
			return nil
		}
		if exited() {
			return fmt.Errorf("the server exited")
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s not listening after %v", addr, within)
		}
		<-tick.C
	}
}

// Memory is a process's resident memory, from /proc/PID/status.
type Memory struct {
	RSS, Peak int64 // bytes: VmRSS now and VmHWM, the high-water mark
}

func (p *process) memory() (Memory, error) {
	p.mu.Lock()
	cmd := p.cmd
	p.mu.Unlock()
	if cmd == nil {
		return Memory{}, fmt.Errorf("not running")
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", cmd.Process.Pid))
	if err != nil {
		return Memory{}, err
	}
	var m Memory
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		kb, _ := strconv.ParseInt(f[1], 10, 64)
		switch f[0] {
		case "VmRSS:":
			m.RSS = kb << 10
		case "VmHWM:":
			m.Peak = kb << 10
		}
	}
	return m, nil
}
