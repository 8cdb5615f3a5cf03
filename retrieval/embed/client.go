package embed

import (
	"net/http"

	openai "github.com/sashabaranov/go-openai"
)

// NewClient returns a go-openai client for the OpenAI-compatible server at
// baseURL ("" means OpenAI's own), for NewOpenAI and for the generator's
// chat model, so that the packages above need not import go-openai. The
// client has no overall timeout: every request carries its own deadline,
// and a streamed answer may take longer than any fixed bound on the whole
// response would allow.
func NewClient(baseURL, apiKey string) *openai.Client {
	cfg := openai.DefaultConfig(apiKey)
	if baseURL != "" {
		cfg.BaseURL = baseURL
	}
	cfg.HTTPClient = &http.Client{}
	return openai.NewClientWithConfig(cfg)
}
