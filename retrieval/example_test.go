package retrieval_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/citebot/citebot"
	"github.com/citebot/citebot/corpus"
	"github.com/citebot/citebot/retrieval"
)

func ExampleEngine_Answer() {
	ctx := context.Background()
	docs, _, err := corpus.Load(ctx, corpus.Default(), corpus.LoadOptions{})
	if err != nil {
		panic(err)
	}
	eng, err := retrieval.NewEngine(ctx, docs, retrieval.Options{})
	if err != nil {
		panic(err)
	}
	defer eng.Close()

	ans, err := eng.Answer(ctx, citebot.Question{Text: "when did Estonia ratify Ottawa?"})
	if err != nil {
		panic(err)
	}
	fmt.Println(strings.SplitN(ans.Text, ".", 2)[0])
	fmt.Println(ans.Citations[0].Source)
	fmt.Println(strings.Contains(ans.Citations[0].Quote, "Estonia in 2004"))
	// Output:
	// 2004
	// 000_2bc005b4439df7f9.txt
	// true
}

func ExampleEngine_Answer_notCovered() {
	ctx := context.Background()
	docs, _, _ := corpus.Load(ctx, corpus.Default(), corpus.LoadOptions{})
	eng, _ := retrieval.NewEngine(ctx, docs, retrieval.Options{})
	defer eng.Close()

	ans, _ := eng.Answer(ctx, citebot.Question{Text: "What is the capital of Australia?"})
	fmt.Println(ans.Answered, ans.Text)
	// Output: false I couldn't find that in the corpus.
}
