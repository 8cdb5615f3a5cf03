package web_test

import (
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/citebot/citebot/bot/web"
)

func TestPage(t *testing.T) {
	s := web.New(web.Options{Logger: discard()})
	tests := []struct {
		path, ctype, contains string
	}{
		{"/", "text/html", `<script src="/static/app.js"`},
		{"/static/app.js", "javascript", "/v1/ask"},
		{"/static/app.css", "text/css", "mark"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			rec := call(s, "GET", tt.path, "", "192.0.2.1:1", nil)
			if rec.Code != 200 {
				t.Fatalf("got %d", rec.Code)
			}
			if ct := rec.Header().Get("Content-Type"); !strings.Contains(ct, tt.ctype) {
				t.Errorf("Content-Type %q, want %s", ct, tt.ctype)
			}
			if !strings.Contains(rec.Body.String(), tt.contains) {
				t.Errorf("body lacks %q", tt.contains)
			}
			csp := rec.Header().Get("Content-Security-Policy")
			if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") {
				t.Errorf("CSP %q, want self-only scripts", csp)
			}
		})
	}
	if rec := call(s, "GET", "/no-such-page", "", "192.0.2.1:1", nil); rec.Code != http.StatusNotFound {
		t.Errorf("unknown path: got %d, want 404", rec.Code)
	}
	// The folder of the page's files is not listed.
	for _, p := range []string{"/static/", "/static", "/static/./", "/static/no-such-file.js"} {
		// The mux may first redirect to the clean path.
		if rec := call(s, "GET", p, "", "192.0.2.1:1", nil); rec.Code != http.StatusNotFound && rec.Code/100 != 3 ||
			strings.Contains(rec.Body.String(), "app.js") {
			t.Errorf("GET %s: got %d %q, want 404 (or a redirect) and no listing", p, rec.Code, rec.Body)
		}
	}
	if rec := call(s, "POST", "/", "", "192.0.2.1:1", nil); rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST /: got %d, want 405", rec.Code)
	}
}

// TestPageHasNoExternalResources keeps the page self-contained: no CDN,
// no inline script or style, and server text only inserted as text.
func TestPageHasNoExternalResources(t *testing.T) {
	external := regexp.MustCompile(`(?i)(https?:)?//[a-z0-9.-]+\.[a-z]{2,}`)
	err := filepath.WalkDir("static", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		src := string(b)
		if m := external.FindString(src); m != "" {
			t.Errorf("%s refers to %q: the page must not load anything from elsewhere", path, m)
		}
		if strings.HasSuffix(path, ".html") && regexp.MustCompile(`<script>|<script [^>]*>[^<]`).MatchString(src) {
			t.Errorf("%s has an inline script, which the CSP blocks", path)
		}
		// style-src 'self' blocks <style> and style="" too.
		if regexp.MustCompile(`(?i)<style|\sstyle\s*=|setAttribute\(\s*["']style`).MatchString(src) {
			t.Errorf("%s has an inline style, which the CSP blocks", path)
		}
		if strings.HasSuffix(path, ".js") && (strings.Contains(src, "innerHTML") || strings.Contains(src, "insertAdjacentHTML")) {
			t.Errorf("%s inserts HTML; server text must go in as text nodes", path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
