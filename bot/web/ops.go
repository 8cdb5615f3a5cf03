package web

import (
	"net/http"
	"net/http/pprof"
)

// mountOps mounts the routes beyond the question API: the chat page, the
// sources, the example question, /metrics and, when enabled, pprof; and
// puts the middleware in front of the mux.
func (s *Server) mountOps() {
	s.mountPage()
	s.mux.HandleFunc("GET /v1/sources/{name...}", s.handleSource)
	s.mux.HandleFunc("GET /v1/example", s.handleExample)
	if s.opts.Metrics != nil {
		s.mux.Handle("GET /metrics", s.opts.Metrics)
	}
	if s.opts.Pprof {
		s.mux.HandleFunc("/debug/pprof/", pprof.Index)
		s.mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
		s.mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
		s.mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
		s.mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	}
	s.handler = newGuard(s.opts, s.log).wrap(s.mux)
}

var _ http.Handler = (*Server)(nil)
