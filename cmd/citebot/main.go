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
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	// A second signal while draining forces the exit.
	go func() {
		<-ctx.Done()
		stop()
		force := make(chan os.Signal, 1)
		signal.Notify(force, os.Interrupt, syscall.SIGTERM)
		<-force
		fmt.Fprintln(os.Stderr, "citebot: second signal, exiting now")
		os.Exit(130)
	}()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}
