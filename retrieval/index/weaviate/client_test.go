package weaviate

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/citebot/citebot/retrieval/index"
)

// fakeGraphQL answers GraphQL queries with reply and records them.
func fakeGraphQL(t *testing.T, status int, reply string) (*Index, func() []string) {
	t.Helper()
	var mu sync.Mutex
	var queries []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/v1/graphql" || r.Header.Get("Authorization") != "Bearer k" {
			http.Error(w, "unexpected request", http.StatusBadRequest)
			return
		}
		var q struct{ Query string }
		if err := json.NewDecoder(r.Body).Decode(&q); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		mu.Lock()
		queries = append(queries, q.Query)
		mu.Unlock()
		w.WriteHeader(status)
		w.Write([]byte(reply))
	}))
	t.Cleanup(srv.Close)
	idx, err := New(srv.URL, Options{Class: "C", APIKey: "k", Retries: -1})
	if err != nil {
		t.Fatal(err)
	}
	return idx, func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), queries...)
	}
}

func TestVectorsQuotesChunkIDs(t *testing.T) {
	idx, queries := fakeGraphQL(t, http.StatusOK,
		`{"data":{"Get":{"C":[{"chunkId":"a\"b.txt#0","_additional":{"vector":[0.6,0.8]}}]}}}`)
	got, err := idx.Vectors(context.Background(), []string{`a"b.txt#0`, `c\d.txt#1`})
	if err != nil {
		t.Fatal(err)
	}
	if v := got[`a"b.txt#0`]; len(v) != 2 || v[0] != 0.6 {
		t.Errorf("got vectors %v, want a\"b.txt#0's", got)
	}
	q := queries()
	want := `where: {operator: ContainsAny, path: ["chunkId"], valueText: ["a\"b.txt#0", "c\\d.txt#1"]}, limit: 2`
	if len(q) != 1 || !strings.Contains(q[0], want) || !strings.HasPrefix(q[0], "{Get {C (") {
		t.Errorf("got queries %q, want one holding %s", q, want)
	}
}

func TestSearchSendsHybridQuery(t *testing.T) {
	idx, queries := fakeGraphQL(t, http.StatusOK,
		`{"data":{"Get":{"C":[{"chunkId":"a.txt#0","source":"a.txt","text":"Estonia in 2004.","sentStarts":[0],"sentEnds":[16],"_additional":{"score":"0.5"}}]}}}`)
	hits, err := idx.Search(context.Background(), index.Query{Text: "When did Estonia ratify?", Vector: []float32{3, 4}}, 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) != 1 || hits[0].Chunk.ID != "a.txt#0" || hits[0].Score != 0.5 || len(hits[0].Chunk.Sentences) != 1 {
		t.Errorf("got hits %+v", hits)
	}
	q := queries()[0]
	for _, want := range []string{`query: "estonia ratifi ~eston ~ratif"`, `vector: [0.6,0.8]`, `alpha: 0.44`,
		`properties: ["lex", "lexTitle^0.3", "lexPrefix^0.5"]`, `fusionType: rankedFusion`, `limit: 30`, `_additional {score}`} {
		if !strings.Contains(q, want) {
			t.Errorf("query %s lacks %s", q, want)
		}
	}
}

func TestErrorsAreClassified(t *testing.T) {
	tests := []struct {
		name          string
		status        int
		reply         string
		wantTransient bool
		wantText      string
	}{
		{"server down", http.StatusServiceUnavailable, "overloaded", true, "status 503: overloaded"},
		{"bad request", http.StatusUnprocessableEntity, "no such property", false, "status 422"},
		// Just after another replica creates the class.
		{"schema not built yet", http.StatusUnprocessableEntity,
			`{"error":[{"message":"no graphql provider present, this is most likely because no schema is present. Import a schema first!"}]}`, true, "status 422"},
		{"graphql error", http.StatusOK, `{"errors":[{"message":"Cannot query field \"C\""}]}`, false, "run `citebot ingest` first"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			idx, _ := fakeGraphQL(t, tt.status, tt.reply)
			_, err := idx.get(context.Background(), "limit: 1", "chunkId")
			if err == nil || !strings.Contains(err.Error(), tt.wantText) {
				t.Fatalf("got %v, want an error containing %q", err, tt.wantText)
			}
			if transient(err) != tt.wantTransient {
				t.Errorf("transient(%v) = %v, want %v", err, !tt.wantTransient, tt.wantTransient)
			}
		})
	}
	var te *transportError
	if _, err := (&client{base: "http://127.0.0.1:1/v1", http: http.DefaultClient}).ready(context.Background()); !errors.As(err, &te) || !transient(err) {
		t.Errorf("an unreachable server: got %v, want a transient transport error", err)
	}
}
