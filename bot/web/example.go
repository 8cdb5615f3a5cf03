package web

import "net/http"

// exampleBody is the response of GET /v1/example.
type exampleBody struct {
	// Question is a question the loaded corpus answers, for the page's
	// input hint.
	Question string `json:"question"`
}

// handleExample serves the example question the chat page shows in its
// input. It sits behind the API token like the sources, because it is
// made from the corpus's wording.
func (s *Server) handleExample(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, exampleBody{Question: s.opts.ExampleQuestion.Example()})
}
