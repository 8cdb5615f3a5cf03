package web

import (
	"embed"
	"io/fs"
	"net/http"
	"strings"
)

// static holds the chat page. It is embedded so that the binary serves it
// with no CDN or files beside it.
//
//go:embed static
var static embed.FS

// pageCSP allows only the page's own script, style and API calls.
const pageCSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// mountPage serves the chat page at GET / and its files under /static/.
func (s *Server) mountPage() {
	sub, err := fs.Sub(static, "static")
	if err != nil {
		// static is embedded at build time; a missing dir is a build bug
		// that the tests catch, so serve nothing rather than panic.
		s.log.Error("chat page not embedded", "err", err)
		return
	}
	files := http.FileServerFS(sub)
	s.mux.Handle("GET /{$}", pageHeaders(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.ServeFileFS(w, r, sub, "index.html")
	})))
	s.mux.Handle("GET /static/", pageHeaders(http.StripPrefix("/static/", filesOnly(sub, files))))
}

// filesOnly serves files from fsys through next and answers 404 for a
// folder, which http.FileServer would list.
func filesOnly(fsys fs.FS, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimSuffix(r.URL.Path, "/")
		if name == "" {
			name = "."
		}
		if fi, err := fs.Stat(fsys, name); err != nil || fi.IsDir() {
			http.NotFound(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func pageHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", pageCSP)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		// The files change with the binary; revalidate rather than cache
		// a stale script across an upgrade.
		h.Set("Cache-Control", "no-cache")
		next.ServeHTTP(w, r)
	})
}
