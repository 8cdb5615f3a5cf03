package scaletest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Weaviate is one weaviate-server process on loopback.
type Weaviate struct {
	// Name is the node's cluster hostname (node1, node2 …).
	Name string
	// URL is its REST endpoint, such as http://127.0.0.1:41234.
	URL string

	bin, dir, logPath string
	args, env         []string
	proc              process
}

// StartWeaviate starts a single-node Weaviate on 127.0.0.1 with its data
// in a temporary directory, and stops it when the test ends. env adds
// settings (NAME=value) to its environment.
func StartWeaviate(t testing.TB, env ...string) *Weaviate {
	t.Helper()
	nodes := startCluster(t, 1, env...)
	return nodes[0]
}

// StartWeaviateCluster starts an n-node cluster, node i on 127.0.0.i, and
// waits until every node sees all n nodes healthy. The notes on running
// one on a single machine: each node advertises and binds its own
// loopback address (the machine's IPv6 address breaks the Raft listener
// otherwise), gossip and Raft ports are shared, and the gRPC and data
// ports, which bind every interface, differ per node.
func StartWeaviateCluster(t testing.TB, n int) []*Weaviate {
	t.Helper()
	return startCluster(t, n)
}

// startCluster starts n nodes. Ports are picked free and released before
// the servers bind them, so another test process can take one first; a
// start that fails to bind is retried on new ports.
func startCluster(t testing.TB, n int, extra ...string) []*Weaviate {
	t.Helper()
	used := map[int]bool{}
	var err error
	for attempt := 1; attempt <= 3; attempt++ {
		var nodes []*Weaviate
		nodes, err = tryStartCluster(t, n, used, extra...)
		if err == nil {
			return nodes
		}
		for _, w := range nodes {
			if w != nil {
				w.proc.kill()
			}
		}
		if !strings.Contains(err.Error(), "address already in use") {
			break
		}
		t.Logf("weaviate start, attempt %d: a port was taken meanwhile; retrying on new ports", attempt)
	}
	t.Fatal(err)
	return nil
}

func tryStartCluster(t testing.TB, n int, used map[int]bool, extra ...string) ([]*Weaviate, error) {
	bin := WeaviateBinary(t)
	// Ports picked one after another are all released until the servers
	// bind them; never hand out the same one twice.
	pick := func(hosts ...string) int {
		for {
			if p := freePort(t, hosts...); !used[p] {
				used[p] = true
				return p
			}
		}
	}
	hosts := make([]string, n)
	names := make([]string, n)
	for i := range n {
		hosts[i] = fmt.Sprintf("127.0.0.%d", i+1)
		names[i] = fmt.Sprintf("node%d", i+1)
	}
	gossip := pick(hosts...)
	raft := pick(hosts...)
	raftRPC := pick(hosts...)
	base := t.TempDir()
	nodes := make([]*Weaviate, n)
	for i := range n {
		httpPort := pick(hosts[i])
		grpcPort := pick("0.0.0.0")
		// The data port (node-to-node object traffic) also binds every
		// interface, so it differs per node too; peers learn it from the
		// node's gossip metadata. With one shared data port every node's
		// replica traffic silently reaches node 1.
		data := pick("0.0.0.0")
		dir := filepath.Join(base, names[i])
		env := []string{
			"PERSISTENCE_DATA_PATH=" + dir,
			"AUTHENTICATION_ANONYMOUS_ACCESS_ENABLED=true",
			"DEFAULT_VECTORIZER_MODULE=none",
			"ENABLE_MODULES=",
			"DISABLE_TELEMETRY=true",
			"GO_PROFILING_DISABLE=true",
			"QUERY_DEFAULTS_LIMIT=25",
			"CLUSTER_HOSTNAME=" + names[i],
			"CLUSTER_ADVERTISE_ADDR=" + hosts[i],
			"CLUSTER_BIND_ADDR=" + hosts[i],
			"CLUSTER_GOSSIP_BIND_PORT=" + strconv.Itoa(gossip),
			"CLUSTER_DATA_BIND_PORT=" + strconv.Itoa(data),
			"RAFT_PORT=" + strconv.Itoa(raft),
			"RAFT_INTERNAL_RPC_PORT=" + strconv.Itoa(raftRPC),
			"RAFT_JOIN=" + strings.Join(names, ","),
			"RAFT_BOOTSTRAP_EXPECT=" + strconv.Itoa(n),
			"GRPC_PORT=" + strconv.Itoa(grpcPort),
			"LOG_LEVEL=warning",
		}
		env = append(env, extra...)
		if n > 1 {
			env = append(env, fmt.Sprintf("CLUSTER_JOIN=%s:%d", hosts[0], gossip))
		}
		w := &Weaviate{
			Name: names[i], URL: fmt.Sprintf("http://%s:%d", hosts[i], httpPort),
			bin: bin, dir: dir, logPath: filepath.Join(base, names[i]+".log"),
			args: []string{"--host", hosts[i], "--port", strconv.Itoa(httpPort), "--scheme", "http"},
			env:  env,
		}
		nodes[i] = w
		t.Cleanup(w.proc.kill)
		w.proc.start(t, w.bin, w.args, w.env, w.logPath)
		if n > 1 && i == 0 {
			// The first node first: the others join its gossip, so wait
			// until it listens.
			if err := waitTCP(fmt.Sprintf("%s:%d", hosts[0], gossip), time.Minute, w.proc.exited); err != nil {
				return nodes, fmt.Errorf("weaviate %s: %v\n%s", w.Name, err, tail(w.logPath, 30))
			}
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	for _, w := range nodes {
		if err := w.waitReady(ctx); err != nil {
			return nodes, fmt.Errorf("weaviate %s: %v\n%s", w.Name, err, tail(w.logPath, 30))
		}
	}
	if n > 1 {
		if err := nodes[0].WaitHealthy(ctx, n); err != nil {
			return nodes, fmt.Errorf("weaviate cluster: %v\n%s", err, tail(nodes[0].logPath, 30))
		}
	}
	return nodes, nil
}

func (w *Weaviate) waitReady(ctx context.Context) error {
	return waitHTTP(ctx, w.URL+"/v1/.well-known/ready", w.proc.exited)
}

// Kill stops the node at once, as a crash would; its data stays.
func (w *Weaviate) Kill() { w.proc.kill() }

// Restart starts a killed node again on its data and waits until it is
// ready.
func (w *Weaviate) Restart(t testing.TB) {
	t.Helper()
	w.proc.start(t, w.bin, w.args, w.env, w.logPath)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	if err := w.waitReady(ctx); err != nil {
		t.Fatalf("weaviate %s restart: %v\n%s", w.Name, err, tail(w.logPath, 30))
	}
}

// Log returns the end of the node's log.
func (w *Weaviate) Log() string { return tail(w.logPath, 40) }

// WaitHealthy polls /v1/nodes on w until n nodes report HEALTHY.
func (w *Weaviate) WaitHealthy(ctx context.Context, n int) error {
	c := &http.Client{Timeout: 2 * time.Second}
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	last := ""
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, w.URL+"/v1/nodes", nil)
		if resp, err := c.Do(req); err == nil {
			var body struct {
				Nodes []struct {
					Name   string `json:"name"`
					Status string `json:"status"`
				} `json:"nodes"`
			}
			err := json.NewDecoder(resp.Body).Decode(&body)
			resp.Body.Close()
			healthy := 0
			for _, nd := range body.Nodes {
				if nd.Status == "HEALTHY" {
					healthy++
				}
			}
			if err == nil && healthy >= n {
				return nil
			}
			last = fmt.Sprintf("%d of %d nodes healthy: %+v", healthy, n, body.Nodes)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("cluster not healthy (%s): %w", last, ctx.Err())
		case <-tick.C:
		}
	}
}

// Nodes returns w's /v1/nodes?output=verbose answer, for diagnostics.
func (w *Weaviate) Nodes() string {
	resp, err := http.Get(w.URL + "/v1/nodes?output=verbose")
	if err != nil {
		return err.Error()
	}
	defer resp.Body.Close()
	var b strings.Builder
	_, _ = io.Copy(&b, resp.Body)
	return b.String()
}

// WaitLeader polls w until its Raft layer follows a leader other than
// the node named not (a node just killed). Schema reads and writes wait
// for a leader, so a test that kills one waits here before changing data.
func (w *Weaviate) WaitLeader(ctx context.Context, not string) error {
	c := &http.Client{Timeout: 3 * time.Second}
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	last := ""
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, w.URL+"/v1/cluster/statistics", nil)
		if resp, err := c.Do(req); err == nil {
			var body struct {
				Statistics []struct {
					Name     string `json:"name"`
					LeaderID any    `json:"leaderId"`
				} `json:"statistics"`
			}
			err := json.NewDecoder(resp.Body).Decode(&body)
			resp.Body.Close()
			for _, s := range body.Statistics {
				if s.Name != w.Name {
					continue
				}
				leader := fmt.Sprint(s.LeaderID)
				if err == nil && s.LeaderID != nil && leader != "" && leader != not {
					return nil
				}
				last = leader
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("no leader other than %s (last seen %q): %w", not, last, ctx.Err())
		case <-tick.C:
		}
	}
}

// Memory reports the node's resident memory.
func (w *Weaviate) Memory() (Memory, error) { return w.proc.memory() }
