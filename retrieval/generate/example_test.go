package generate_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"

	openai "github.com/sashabaranov/go-openai"

	"github.com/citebot/citebot"
	"github.com/citebot/citebot/corpus"
	"github.com/citebot/citebot/retrieval"
	"github.com/citebot/citebot/retrieval/generate"
)

// ExampleGenerator_Answer answers with a language model over an
// OpenAI-compatible API; here a stand-in server plays the model.
func ExampleGenerator_Answer() {
	model := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"choices":[{"message":{"role":"assistant","content":"Estonia ratified the Ottawa Convention in 2004 [1]."},"finish_reason":"stop"}]}`)
	}))
	defer model.Close()

	ctx := context.Background()
	docs, _, _ := corpus.Load(ctx, corpus.Default(), corpus.LoadOptions{})
	eng, _ := retrieval.NewEngine(ctx, docs, retrieval.Options{Logger: slog.New(slog.DiscardHandler)})
	defer eng.Close()

	cfg := openai.DefaultConfig("") // a local server needs no key
	cfg.BaseURL = model.URL + "/v1"
	gen := generate.New(eng, openai.NewClientWithConfig(cfg), "llama3.1:8b", generate.Options{})

	ans, err := gen.Answer(ctx, citebot.Question{Text: "when did Estonia ratify Ottawa?"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(ans.Mode, ans.Text)
	fmt.Println(ans.Citations[0].Source)
	fmt.Println(ans.Citations[0].Quote)
	// Output:
	// generative Estonia ratified the Ottawa Convention in 2004 [1].
	// 000_2bc005b4439df7f9.txt
	// Lithuania and Belarus ratified the convention in 2003, Estonia in 2004, Latvia and Ukraine in 2005 and Poland in 2012.
}
