package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/citebot/citebot/config"
)

const usage = `citebot answers questions about a corpus of articles, with cited sources.

Usage:
  citebot ask [--json] [--corpus DIR] "question"   answer one question
  citebot serve [--addr HOST:PORT] [--corpus DIR]  serve the HTTP API and chat adapters
  citebot ingest [--corpus DIR]                    build or update the stored index
  citebot migrate --to weaviate                    copy the embedded index to Weaviate
  citebot eval --questions FILE [--json]           score a question set
  citebot config                                   print the effective configuration
  citebot healthcheck [--addr HOST:PORT]           exit 0 if the server is healthy

Run "citebot COMMAND -h" for a command's flags. Every setting can also come
from the environment or a YAML file (--config); see docs/settings.md.
`

// exit codes
const (
	exitOK    = 0
	exitError = 1
	exitUsage = 2
)

// errUsage marks errors caused by how the command was called.
var errUsage = errors.New("usage")

// run dispatches a subcommand and returns the process exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stderr, usage)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	cmds := map[string]func(context.Context, []string, io.Writer, io.Writer) error{
		"ask":         cmdAsk,
		"serve":       cmdServe,
		"ingest":      cmdIngest,
		"migrate":     cmdMigrate,
		"eval":        cmdEval,
		"config":      cmdConfig,
		"healthcheck": cmdHealthcheck,
	}
	cmd, ok := cmds[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "citebot: unknown command %q\n\n%s", args[0], usage)
		return exitUsage
	}
	err := cmd(ctx, args[1:], stdout, stderr)
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.Is(err, errUsage):
		fmt.Fprintf(stderr, "citebot %s: %v\n", args[0], err)
		return exitUsage
	default:
		fmt.Fprintf(stderr, "citebot %s: %v\n", args[0], err)
		return exitError
	}
}

// command is a parsed subcommand: its config and positional arguments.
type command struct {
	cfg  config.Config
	args []string
	log  *slog.Logger
}

// parse registers the common flags plus extra ones, parses args (flags may
// come before or after positional arguments) and loads the Config.
func parse(name string, args []string, stderr io.Writer, extra func(*flag.FlagSet)) (command, error) {
	fs := flag.NewFlagSet("citebot "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	config.RegisterFlags(fs)
	if extra != nil {
		extra(fs)
	}
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return command{}, err
			}
			return command{}, fmt.Errorf("%w: %v", errUsage, err)
		}
		args = fs.Args()
		if len(args) == 0 {
			break
		}
		if args[0] == "--" {
			pos = append(pos, args[1:]...)
			break
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
	cfg, err := config.Load(fs, nil)
	if err != nil {
		return command{}, fmt.Errorf("configuration:\n%w", indentErr(err))
	}
	log := cfg.NewLogger(stderr)
	for _, w := range cfg.Warnings() {
		log.Warn(w)
	}
	return command{cfg: cfg, args: pos, log: log}, nil
}

func indentErr(err error) error {
	lines := strings.Split(err.Error(), "\n")
	for i, l := range lines {
		lines[i] = "  " + l
	}
	return errors.New(strings.Join(lines, "\n"))
}
