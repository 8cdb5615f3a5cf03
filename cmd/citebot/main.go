// Command citebot answers questions about a corpus of articles, citing the
// source file and a verbatim quote for every answer. It runs offline by
// default on an embedded corpus.
//
//	citebot ask "when did Estonia ratify Ottawa?"
//	citebot serve --addr 127.0.0.1:8080
//	citebot ingest --corpus ./articles
//	citebot eval --questions questions.jsonl
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	// The first SIGTERM or SIGINT cancels ctx, so the server drains; a
	// second one while draining forces the exit. One channel, registered
	// for the whole run, so that no signal falls between the two.
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-sigs
		cancel()
		<-sigs
		fmt.Fprintln(os.Stderr, "citebot: second signal, exiting now")
		os.Exit(130)
	}()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}
