package scaletest

import (
	"context"
	"fmt"
	"net"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// Redis is a redis-server process on 127.0.0.1 without persistence.
type Redis struct {
	// URL is redis://127.0.0.1:PORT/0.
	URL string

	bin, logPath string
	args         []string
	port         int
	proc         process
}

// StartRedis starts a Redis and stops it when the test ends.
func StartRedis(t testing.TB) *Redis {
	t.Helper()
	bin := RedisBinary(t)
	port := freePort(t, "127.0.0.1")
	dir := t.TempDir()
	r := &Redis{
		URL: fmt.Sprintf("redis://127.0.0.1:%d/0", port), bin: bin, port: port,
		logPath: filepath.Join(dir, "redis.log"),
		args: []string{"--bind", "127.0.0.1", "--port", strconv.Itoa(port), "--save", "", "--appendonly", "no",
			"--dir", dir, "--protected-mode", "yes"},
	}
	t.Cleanup(r.proc.kill)
	r.Restart(t)
	return r
}

// Kill stops Redis at once.
func (r *Redis) Kill() { r.proc.kill() }

// Restart starts a killed Redis again (empty: it keeps nothing on disk)
// and waits until it accepts connections.
func (r *Redis) Restart(t testing.TB) {
	t.Helper()
	r.proc.start(t, r.bin, r.args, nil, r.logPath)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		c, err := net.DialTimeout("tcp", "127.0.0.1:"+strconv.Itoa(r.port), time.Second)
		if err == nil {
			c.Write([]byte("PING\r\n"))
			buf := make([]byte, 7)
			c.SetReadDeadline(time.Now().Add(time.Second))
			n, _ := c.Read(buf)
			c.Close()
			if string(buf[:n]) == "+PONG\r\n" {
				return
			}
		}
		if r.proc.exited() {
			t.Fatalf("redis-server exited:\n%s", tail(r.logPath, 20))
		}
		select {
		case <-ctx.Done():
			t.Fatalf("redis-server not ready:\n%s", tail(r.logPath, 20))
		case <-tick.C:
		}
	}
}
