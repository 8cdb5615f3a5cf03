package weaviate

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// client makes the few REST and GraphQL calls the index needs over
// net/http. The official Go client would do the same, but it brings the
// server module's model packages, gRPC, go-openapi and BSON into every
// citebot binary, embedded or not, for a handful of JSON requests.
type client struct {
	base    string // scheme://host[/path]/v1
	http    *http.Client
	headers map[string]string
}

// apiError is a reply with a status the call did not expect.
type apiError struct {
	status int
	msg    string
}

func (e *apiError) Error() string { return fmt.Sprintf("status %d: %s", e.status, e.msg) }

// transportError is a request that got no reply at all.
type transportError struct{ err error }

func (e *transportError) Error() string { return e.err.Error() }
func (e *transportError) Unwrap() error { return e.err }

// do sends body (nil for none) as JSON to path, under /v1, and decodes a
// reply whose status is one of ok into out (nil to ignore it). It returns
// the reply's status.
func (c *client) do(ctx context.Context, method, path string, body, out any, ok ...int) (int, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, fmt.Errorf("encode request: %w", err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return 0, err
	}
	for k, v := range c.headers {
		req.Header.Set(k, v)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, &transportError{err: err}
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, &transportError{err: err}
	}
	if !slices.Contains(ok, resp.StatusCode) {
		return resp.StatusCode, &apiError{status: resp.StatusCode, msg: strings.TrimSpace(string(raw))}
	}
	if out != nil && resp.StatusCode == http.StatusOK {
		if err := json.Unmarshal(raw, out); err != nil {
			return resp.StatusCode, fmt.Errorf("decode response: %w", err)
		}
	}
	return resp.StatusCode, nil
}

// ready reports whether the server says it is ready.
func (c *client) ready(ctx context.Context) (bool, error) {
	status, err := c.do(ctx, http.MethodGet, "/.well-known/ready", nil, nil, http.StatusOK, http.StatusServiceUnavailable)
	return status == http.StatusOK, err
}

// classDef is a Weaviate class as the schema endpoints read and write it.
type classDef struct {
	Class               string               `json:"class"`
	Description         string               `json:"description,omitempty"`
	Vectorizer          string               `json:"vectorizer,omitempty"`
	Properties          []propertyDef        `json:"properties"`
	InvertedIndexConfig *invertedIndexConfig `json:"invertedIndexConfig,omitempty"`
	VectorIndexConfig   map[string]any       `json:"vectorIndexConfig,omitempty"`
	ReplicationConfig   *replicationConfig   `json:"replicationConfig,omitempty"`
}

type propertyDef struct {
	Name              string   `json:"name"`
	DataType          []string `json:"dataType"`
	Tokenization      string   `json:"tokenization,omitempty"`
	IndexFilterable   *bool    `json:"indexFilterable,omitempty"`
	IndexSearchable   *bool    `json:"indexSearchable,omitempty"`
	IndexRangeFilters *bool    `json:"indexRangeFilters,omitempty"`
}

type invertedIndexConfig struct {
	Stopwords struct {
		Preset string `json:"preset"`
	} `json:"stopwords"`
}

type replicationConfig struct {
	Factor       int  `json:"factor,omitempty"`
	AsyncEnabled bool `json:"asyncEnabled"`
}

// getClass returns the class, or nil if the server has none by that name.
func (c *client) getClass(ctx context.Context, name string) (*classDef, error) {
	var out classDef
	status, err := c.do(ctx, http.MethodGet, "/schema/"+url.PathEscape(name), nil, &out, http.StatusOK, http.StatusNotFound)
	if err != nil || status == http.StatusNotFound {
		return nil, err
	}
	return &out, nil
}

func (c *client) createClass(ctx context.Context, def *classDef) error {
	_, err := c.do(ctx, http.MethodPost, "/schema", def, nil, http.StatusOK)
	return err
}

// nodes counts the nodes of the cluster.
func (c *client) nodes(ctx context.Context) (int, error) {
	var out struct {
		Nodes []json.RawMessage `json:"nodes"`
	}
	_, err := c.do(ctx, http.MethodGet, "/nodes", nil, &out, http.StatusOK)
	return len(out.Nodes), err
}

// object is a Weaviate object as the batch endpoint takes it.
type object struct {
	Class      string         `json:"class"`
	ID         string         `json:"id"`
	Properties map[string]any `json:"properties"`
	Vector     []float32      `json:"vector"`
}

// batchResult is the outcome of one object of a batch write.
type batchResult struct {
	Result *struct {
		Errors *struct {
			Error []struct {
				Message string `json:"message"`
			} `json:"error"`
		} `json:"errors"`
	} `json:"result"`
}

func (c *client) writeObjects(ctx context.Context, objs []object, consistency string) ([]batchResult, error) {
	body := struct {
		Fields  []string `json:"fields"`
		Objects []object `json:"objects"`
	}{Fields: []string{"ALL"}, Objects: objs}
	var out []batchResult
	_, err := c.do(ctx, http.MethodPost, "/batch/objects?consistency_level="+url.QueryEscape(consistency), body, &out, http.StatusOK)
	return out, err
}

// deleteResults counts what a batch delete matched and failed to delete.
type deleteResults struct {
	Failed  int `json:"failed"`
	Matches int `json:"matches"`
}

// deleteChunks deletes the objects of class whose chunkId is one of ids.
func (c *client) deleteChunks(ctx context.Context, class string, ids []string, consistency string) (deleteResults, error) {
	type where struct {
		Operator       string   `json:"operator"`
		Path           []string `json:"path"`
		ValueTextArray []string `json:"valueTextArray"`
	}
	type match struct {
		Class string `json:"class"`
		Where where  `json:"where"`
	}
	body := struct {
		Match  match  `json:"match"`
		Output string `json:"output"`
	}{Match: match{Class: class, Where: where{Operator: "ContainsAny", Path: []string{"chunkId"}, ValueTextArray: ids}}, Output: "minimal"}
	var out struct {
		Results deleteResults `json:"results"`
	}
	_, err := c.do(ctx, http.MethodDelete, "/batch/objects?consistency_level="+url.QueryEscape(consistency), body, &out, http.StatusOK)
	return out.Results, err
}

// graphQLError is an error a GraphQL query answered with.
type graphQLError struct{ msg string }

func (e *graphQLError) Error() string { return e.msg }

// get runs the GraphQL query {Get {class (args) {fields}}} and decodes the
// class's objects into out, a pointer to a slice.
func (c *client) get(ctx context.Context, class, args, fields string, out any) error {
	q := struct {
		Query string `json:"query"`
	}{Query: fmt.Sprintf("{Get {%s (%s) {%s}}}", class, args, fields)}
	var resp struct {
		Data struct {
			Get map[string]json.RawMessage `json:"Get"`
		} `json:"data"`
		Errors []struct {
			Message string `json:"message"`
		} `json:"errors"`
	}
	if _, err := c.do(ctx, http.MethodPost, "/graphql", q, &resp, http.StatusOK); err != nil {
		return err
	}
	if len(resp.Errors) > 0 {
		msgs := make([]string, len(resp.Errors))
		for i, e := range resp.Errors {
			msgs[i] = e.Message
		}
		return &graphQLError{msg: strings.Join(msgs, "; ")}
	}
	raw, ok := resp.Data.Get[class]
	if !ok || string(raw) == "null" {
		return nil
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return fmt.Errorf("decode response: %w", err)
	}
	return nil
}

// gqlString is s as a GraphQL string literal; JSON's escapes are
// GraphQL's.
func gqlString(s string) string {
	b, _ := json.Marshal(s) // a string always marshals
	return string(b)
}

// gqlStrings is ss as a GraphQL list of strings.
func gqlStrings(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = gqlString(s)
	}
	return "[" + strings.Join(q, ", ") + "]"
}
