package retrieval_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"testing/fstest"

	"github.com/citebot/citebot"
	"github.com/citebot/citebot/corpus"
	"github.com/citebot/citebot/internal/scaletest"
	"github.com/citebot/citebot/retrieval"
	"github.com/citebot/citebot/retrieval/embed"
	"github.com/citebot/citebot/retrieval/index"
	"github.com/citebot/citebot/retrieval/index/weaviate"
)

func newWeaviateIndex(t testing.TB, url, class string) *weaviate.Index {
	t.Helper()
	w, err := weaviate.New(url, weaviate.Options{Class: class})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// TestWeaviate runs the Weaviate backend against a real weaviate-server on
// loopback, one server for all subtests, each in its own class.
func TestWeaviate(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a Weaviate server")
	}
	wv := scaletest.StartWeaviate(t)
	ctx := context.Background()

	t.Run("answers like the embedded index", func(t *testing.T) {
		docs, _, err := corpus.Load(ctx, corpus.Default(), corpus.LoadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		emb, _ := defaultEngine(t)
		eng, err := retrieval.NewEngine(ctx, docs, retrieval.Options{Index: newWeaviateIndex(t, wv.URL, "Default")})
		if err != nil {
			t.Fatalf("%v\n%s", err, wv.Log())
		}
		defer eng.Close()
		for _, q := range devQuestions {
			want, err := emb.Answer(ctx, citebot.Question{Text: q})
			if err != nil {
				t.Fatal(err)
			}
			got, err := eng.Answer(ctx, citebot.Question{Text: q})
			if err != nil {
				t.Fatal(err)
			}
			if got.Answered != want.Answered {
				t.Errorf("%q: answered %v, embedded index %v", q, got.Answered, want.Answered)
				continue
			}
			if q == devQuestions[0] && (!strings.Contains(got.Text, "2004") || got.Citations[0].Source != "000_2bc005b4439df7f9.txt") {
				t.Errorf("%q: got %q citing %+v, want 2004 from 000_2bc005b4439df7f9.txt", q, got.Text, got.Citations)
			}
			if len(got.Citations) > 0 && len(want.Citations) > 0 && got.Citations[0].Source != want.Citations[0].Source {
				t.Errorf("%q: first citation %s, embedded index %s", q, got.Citations[0].Source, want.Citations[0].Source)
			}
		}
		t.Run("quality", func(t *testing.T) { weaviateQuality(t, eng, docs) })
	})

	t.Run("incremental ingest", func(t *testing.T) {
		fsys := fstest.MapFS{
			"a.txt": {Data: []byte("Harbours\n\nThe harbour of Klaipėda froze in 1929. Ice breakers opened it in March.\n")},
			"b.txt": {Data: []byte("Lighthouses\n\nThe lighthouse at Nida was rebuilt in 1953 after the war.\n")},
			"c.txt": {Data: []byte("Ferries\n\nA ferry has linked Smiltynė and Klaipėda since 1946.\n")},
		}
		idx := newWeaviateIndex(t, wv.URL, "Incremental")
		build := func() (*retrieval.Engine, *countingEmbedder) {
			t.Helper()
			emb := &countingEmbedder{}
			eng, err := retrieval.NewEngine(ctx, loadMap(t, fsys), retrieval.Options{Index: idx, Embedder: emb})
			if err != nil {
				t.Fatalf("%v\n%s", err, wv.Log())
			}
			t.Cleanup(func() { eng.Close() })
			return eng, emb
		}
		_, emb := build()
		if n := emb.n.Load(); n != 3 {
			t.Fatalf("first ingest embedded %d chunks, want 3", n)
		}
		eng, emb := build()
		if s := eng.Stats(); emb.n.Load() != 0 || s.Reused != 3 || s.Changed != 0 {
			t.Errorf("unchanged corpus: embedded %d, stats %+v; want nothing embedded, 3 reused", emb.n.Load(), s)
		}

		fsys["b.txt"] = &fstest.MapFile{Data: []byte("Lighthouses\n\nThe lighthouse at Nida was rebuilt in 1956, not 1953.\n")}
		delete(fsys, "c.txt")
		fsys["d.txt"] = &fstest.MapFile{Data: []byte("Dunes\n\nThe Curonian Spit dunes rise to 54 metres near Parnidis.\n")}
		eng, emb = build()
		s := eng.Stats()
		if emb.n.Load() != 2 || s.Changed != 2 || s.Removed != 1 || s.Reused != 1 {
			t.Errorf("after editing b, removing c, adding d: embedded %d, stats %+v; want 2 embedded, 2 changed, 1 removed, 1 reused", emb.n.Load(), s)
		}
		stored, err := idx.Stored(ctx, "")
		if err != nil {
			t.Fatal(err)
		}
		ids := make([]string, 0, len(stored))
		for id := range stored {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		if got, want := strings.Join(ids, " "), "a.txt#0 b.txt#0 d.txt#0"; got != want {
			t.Errorf("stored chunks %q, want %q", got, want)
		}
		ans, err := eng.Answer(ctx, citebot.Question{Text: "When was the lighthouse at Nida rebuilt?"})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(ans.Text, "1956") {
			t.Errorf("answer %q, want the edited year 1956", ans.Text)
		}
		hits, err := idx.Search(ctx, index.Query{Text: "ferry Smiltynė"}, 5)
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range hits {
			if h.Chunk.Source == "c.txt" {
				t.Errorf("removed file c.txt still found: %+v", h.Chunk)
			}
		}

		// A chunk whose text is unchanged but whose ID moved reuses the
		// stored vector instead of embedding again.
		fsys["e.txt"] = fsys["a.txt"]
		delete(fsys, "a.txt")
		_, emb = build()
		if n := emb.n.Load(); n != 0 {
			t.Errorf("renamed file: embedded %d chunks, want 0 (vector reused by content)", n)
		}
	})

	t.Run("schema mismatch", func(t *testing.T) {
		// A class of the same name made by something else.
		body := `{"class":"Foreign","vectorizer":"none","properties":[{"name":"chunkId","dataType":["int"]}]}`
		resp, err := http.Post(wv.URL+"/v1/schema", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("create foreign class: %s %s", resp.Status, b)
		}
		docs := loadMap(t, fstest.MapFS{"a.txt": {Data: []byte("A title\n\nSome text that is long enough.\n")}})
		_, err = retrieval.NewEngine(ctx, docs, retrieval.Options{Index: newWeaviateIndex(t, wv.URL, "Foreign")})
		if !errors.Is(err, weaviate.ErrSchema) {
			t.Fatalf("got %v, want ErrWeaviateSchema", err)
		}
		for _, want := range []string{wv.URL, "Foreign", "curl -X DELETE " + wv.URL + "/v1/schema/Foreign"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error %q does not name %q", err, want)
			}
		}

		// Vectors of another embedder are refused too, not mixed.
		idx := newWeaviateIndex(t, wv.URL, "OtherEmbedder")
		if _, err := retrieval.NewEngine(ctx, docs, retrieval.Options{Index: idx}); err != nil {
			t.Fatal(err)
		}
		_, err = retrieval.NewEngine(ctx, docs, retrieval.Options{Index: newWeaviateIndex(t, wv.URL, "OtherEmbedder"),
			Embedder: embed.Local{Dim: 128}})
		if !errors.Is(err, weaviate.ErrSchema) || !strings.Contains(err.Error(), "local-hash-v3/128") {
			t.Errorf("got %v, want ErrWeaviateSchema naming the new embedder", err)
		}
	})

	t.Run("resumes after weaviate goes away mid-ingest", func(t *testing.T) {
		// A proxy that passes a fixed number of batch writes and then
		// refuses everything, as a server that went away would.
		target, _ := url.Parse(wv.URL)
		var batches, allow atomic.Int64
		allow.Store(2)
		proxy := httputil.NewSingleHostReverseProxy(target)
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/v1/batch/objects" && batches.Add(1) > allow.Load() {
				hj, ok := w.(http.Hijacker)
				if !ok {
					t.Error("cannot hijack")
					return
				}
				c, _, _ := hj.Hijack()
				c.Close() // connection dropped
				return
			}
			proxy.ServeHTTP(w, r)
		}))
		defer srv.Close()

		docs := bigCorpus(60)
		opts := weaviate.Options{Class: "Resume", BatchSize: 20, Concurrency: 1, Retries: 1}
		flaky, err := weaviate.New(srv.URL, opts)
		if err != nil {
			t.Fatal(err)
		}
		_, err = retrieval.NewEngine(ctx, docs, retrieval.Options{Index: flaky})
		if !errors.Is(err, weaviate.ErrUnavailable) || !strings.Contains(err.Error(), srv.URL) {
			t.Fatalf("got %v, want ErrWeaviateUnavailable naming %s", err, srv.URL)
		}
		partial, err := newWeaviateIndex(t, wv.URL, "Resume").Stored(ctx, "")
		if err != nil {
			t.Fatal(err)
		}
		if len(partial) != 40 {
			t.Fatalf("after the outage %d chunks stored, want the 40 of the two batches that got through", len(partial))
		}

		allow.Store(1 << 30) // back again
		emb := &countingEmbedder{}
		eng, err := retrieval.NewEngine(ctx, docs, retrieval.Options{Index: flaky, Embedder: emb})
		if err != nil {
			t.Fatal(err)
		}
		defer eng.Close()
		s := eng.Stats()
		if s.Chunks != 60 || s.Reused != 40 || emb.n.Load() != 20 {
			t.Errorf("resumed ingest: %+v, embedded %d; want 60 chunks, 40 reused, 20 embedded", s, emb.n.Load())
		}
		all, err := flaky.Stored(ctx, "")
		if err != nil || len(all) != 60 {
			t.Errorf("after resuming: %d chunks stored (%v), want 60", len(all), err)
		}
	})
}

// bigCorpus is n one-chunk documents with distinct facts.
func bigCorpus(n int) []corpus.Document {
	fsys := fstest.MapFS{}
	for i := range n {
		fsys[fmt.Sprintf("doc%03d.txt", i)] = &fstest.MapFile{Data: fmt.Appendf(nil,
			"Report %d\n\nStation %d recorded %d millimetres of rain in week %d.\n", i, i, 10+i, i%52)}
	}
	docs, _, _ := corpus.Load(context.Background(), fsys, corpus.LoadOptions{})
	return docs
}

// weaviateQuality runs TestQuality's question sets, with its bars, on an
// engine over Weaviate.
func weaviateQuality(t *testing.T, eng *retrieval.Engine, docs []corpus.Document) {
	texts := map[string]string{}
	for _, d := range docs {
		texts[d.Source] = d.Text
	}
	for _, set := range qualitySets {
		if set.corpus != "" {
			continue // the engine holds the embedded articles
		}
		t.Run(set.name, func(t *testing.T) {
			checkQuality(t, eng, texts, readQualitySet(t, set), set.bar)
		})
	}
}

func TestWeaviateUnreachable(t *testing.T) {
	// Nothing listens on port 1.
	idx, err := weaviate.New("http://127.0.0.1:1", weaviate.Options{})
	if err != nil {
		t.Fatal(err)
	}
	docs := loadMap(t, fstest.MapFS{"a.txt": {Data: []byte("A title\n\nSome text that is long enough.\n")}})
	_, err = retrieval.NewEngine(context.Background(), docs, retrieval.Options{Index: idx})
	if !errors.Is(err, weaviate.ErrUnavailable) || !strings.Contains(err.Error(), "http://127.0.0.1:1") {
		t.Errorf("got %v, want ErrWeaviateUnavailable naming the URL", err)
	}
	if err := idx.Ready(context.Background()); err == nil || !strings.Contains(err.Error(), "http://127.0.0.1:1") {
		t.Errorf("Ready: got %v, want an error naming the URL", err)
	}
}

func TestNewWeaviateIndexRejectsBadOptions(t *testing.T) {
	tests := []struct {
		name, url string
		opts      weaviate.Options
		want      string
	}{
		{"no scheme", "127.0.0.1:8081", weaviate.Options{}, "must look like"},
		{"ftp", "ftp://127.0.0.1", weaviate.Options{}, "must look like"},
		{"lower-case class", "http://127.0.0.1:8081", weaviate.Options{Class: "chunks"}, "capital letter"},
		{"class with dash", "http://127.0.0.1:8081", weaviate.Options{Class: "My-Chunks"}, "capital letter"},
		{"consistency", "http://127.0.0.1:8081", weaviate.Options{ConsistencyLevel: "MOST"}, "ONE, QUORUM or ALL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := weaviate.New(tt.url, tt.opts)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an error containing %q", err, tt.want)
			}
		})
	}
}
