package retrieval_test

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/citebot/citebot"
	"github.com/citebot/citebot/corpus"
	"github.com/citebot/citebot/internal/scaletest"
	"github.com/citebot/citebot/retrieval"
	"github.com/citebot/citebot/retrieval/index/weaviate"
)

// TestWeaviateClusterSurvivesNodeLoss ingests into a three-node cluster
// with replication factor 3, kills a node, and shows citebot still
// answering and still ingesting; then the node comes back and catches up.
func TestWeaviateClusterSurvivesNodeLoss(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a three-node Weaviate cluster")
	}
	nodes := scaletest.StartWeaviateCluster(t, 3)
	ctx := context.Background()
	docs, _, err := corpus.Load(ctx, corpus.Default(), corpus.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	open := func(url string) *weaviate.Index {
		idx, err := weaviate.New(url, weaviate.Options{Class: "Replicated", Replicas: 3})
		if err != nil {
			t.Fatal(err)
		}
		return idx
	}
	estonia := func(t *testing.T, eng *retrieval.Engine) {
		t.Helper()
		ans, err := eng.Answer(ctx, citebot.Question{Text: "when did Estonia ratify Ottawa?"})
		if err != nil {
			t.Fatalf("%v\nnode1 log:\n%s", err, nodes[0].Log())
		}
		if !strings.Contains(ans.Text, "2004") || len(ans.Citations) == 0 || ans.Citations[0].Source != "000_2bc005b4439df7f9.txt" {
			t.Fatalf("got %q citing %+v, want 2004 from 000_2bc005b4439df7f9.txt", ans.Text, ans.Citations)
		}
	}

	eng, err := retrieval.NewEngine(ctx, docs, retrieval.Options{Index: open(nodes[0].URL)})
	if err != nil {
		t.Fatalf("ingest into the cluster: %v\n%s", err, nodes[0].Log())
	}
	defer eng.Close()
	estonia(t, eng)

	// Writes at QUORUM reach the third replica in the background. The
	// node about to be killed must hold every chunk first, or it comes
	// back missing more than the one chunk written while it was down
	// (on a loaded machine it once missed eleven).
	node2 := open(nodes[1].URL)
	holdsAll := func(ctx context.Context) (bool, error) {
		stored, err := node2.Stored(ctx, eng.Stats().Embedder)
		return len(stored) == eng.Stats().Chunks, err
	}
	rctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for waited := time.Now(); ; {
		ok, err := holdsAll(rctx)
		if ok {
			t.Logf("node 2 held every chunk after %v", time.Since(waited).Round(time.Millisecond))
			break
		}
		select {
		case <-rctx.Done():
			t.Fatalf("node 2 never held all %d chunks (last error: %v)", eng.Stats().Chunks, err)
		case <-tick.C:
		}
	}

	nodes[1].Kill()
	t.Run("answers with a node down", func(t *testing.T) { estonia(t, eng) })

	// Writes at QUORUM still succeed with two of three replicas.
	extra := fstest.MapFS{"zz_bridge.txt": {Data: []byte("The Oresund crossing\n\nThe Oresund bridge between Copenhagen and Malmo opened on 1 July 2000.\n")}}
	more, _, err := corpus.Load(ctx, extra, corpus.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	all := append(append([]corpus.Document(nil), docs...), more...)
	bridge := func(t *testing.T, eng *retrieval.Engine) bool {
		t.Helper()
		ans, err := eng.Answer(ctx, citebot.Question{Text: "When did the Oresund bridge open?"})
		if err != nil {
			t.Fatal(err)
		}
		return strings.Contains(ans.Text, "2000") && ans.Citations[0].Source == "zz_bridge.txt"
	}
	t.Run("ingests with a node down", func(t *testing.T) {
		// Killing the Raft leader leaves the schema read-only until the
		// other two elect a new one, in seconds.
		lctx, cancel := context.WithTimeout(ctx, time.Minute)
		defer cancel()
		start := time.Now()
		if err := nodes[0].WaitLeader(lctx, nodes[1].Name); err != nil {
			t.Fatal(err)
		}
		t.Logf("new leader after %v", time.Since(start).Round(time.Millisecond))
		eng2, err := retrieval.NewEngine(ctx, all, retrieval.Options{Index: open(nodes[0].URL)})
		if err != nil {
			t.Fatalf("%v\n%s", err, nodes[0].Log())
		}
		defer eng2.Close()
		if s := eng2.Stats(); s.Embedded != 1 || s.Reused != s.Chunks-1 {
			t.Errorf("stats %+v, want only the new chunk written", s)
		}
		if !bridge(t, eng2) {
			t.Error("the chunk written with a node down is not found")
		}
		estonia(t, eng2)
	})

	nodes[1].Restart(t)
	t.Run("restarted node serves and catches up", func(t *testing.T) {
		hctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
		defer cancel()
		if err := nodes[0].WaitHealthy(hctx, 3); err != nil {
			t.Fatal(err)
		}
		eng3, err := retrieval.NewEngine(ctx, all, retrieval.Options{Index: open(nodes[1].URL)})
		if err != nil {
			t.Fatalf("%v\n%s", err, nodes[1].Log())
		}
		defer eng3.Close()
		// The restarted node lists its own replicas, which may still miss
		// the chunk written while it was down; then the sync writes that
		// one chunk again, through it, and nothing else.
		if s := eng3.Stats(); s.Embedded > 1 || s.Reused < s.Chunks-1 {
			t.Errorf("stats through the restarted node %+v, want at most the missed chunk written", s)
		}
		estonia(t, eng3)
		// Async replication brings the missed write to node 2; searches
		// through it may read its own replica, so poll until they do.
		tick := time.NewTicker(500 * time.Millisecond)
		defer tick.Stop()
		for !bridge(t, eng3) {
			select {
			case <-hctx.Done():
				t.Fatalf("the restarted node never served the chunk written while it was down\n%s", nodes[1].Log())
			case <-tick.C:
			}
		}
	})
}
