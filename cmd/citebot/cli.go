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

// spec describes a subcommand for its help text and says which of the
// shared settings flags it offers.
type spec struct {
	name string
	// args is the synopsis after "citebot NAME".
	args string
	// summary is the one line `citebot help` and `citebot NAME -h` show.
	summary string
	// flags are the settings flags (config.RegisterFlags names) the
	// command reads; nil means all of them.
	flags []string
}

// logFlags are the settings flags every command that logs offers.
var logFlags = []string{"log-level", "log-format"}

// specs lists the commands in the order help shows them.
var specs = []spec{
	{name: "ask", args: `[flags] "question"`, summary: "answer one question from the corpus and print the answer with its sources",
		flags: append([]string{"corpus", "data-dir", "rebuild", "chunk-size", "chunk-overlap", "index", "chat-model", "embed-model"}, logFlags...)},
	{name: "serve", args: "[flags]", summary: "serve the HTTP API, the web page (http://127.0.0.1:8080/ by default) and the chat adapters"},
	{name: "ingest", args: "[flags]", summary: "build or update the stored index in the data dir",
		flags: append([]string{"corpus", "data-dir", "rebuild", "chunk-size", "chunk-overlap", "index", "embed-model"}, logFlags...)},
	{name: "migrate", args: "--to weaviate [flags]", summary: "copy the embedded index in the data dir to Weaviate, without re-embedding",
		flags: append([]string{"data-dir"}, logFlags...)},
	{name: "eval", args: "--questions FILE [flags]", summary: "score the answers to a question set",
		flags: append([]string{"corpus", "chunk-size", "chunk-overlap", "index", "chat-model", "embed-model"}, logFlags...)},
	{name: "config", args: "[flags]", summary: "print the settings in effect, secrets redacted"},
	{name: "healthcheck", args: "[flags]", summary: "exit 0 if the running server's /healthz answers",
		flags: append([]string{"addr"}, logFlags...)},
	{name: "version", args: "", summary: "print the version, commit and Go version"},
	{name: "help", args: "[command]", summary: "show this help, or a command's"},
}

func lookupSpec(name string) (spec, bool) {
	for _, s := range specs {
		if s.name == name {
			return s, true
		}
	}
	return spec{}, false
}

// writeUsage writes the top-level help: the commands, one line each.
func writeUsage(w io.Writer) {
	var b strings.Builder
	b.WriteString("citebot answers questions about a corpus of articles, with cited sources.\n\n")
	b.WriteString("Usage:\n  citebot COMMAND [flags] [arguments]\n\nCommands:\n")
	for _, s := range specs {
		fmt.Fprintf(&b, "  %-12s %s\n", s.name, s.summary)
	}
	b.WriteString("\nRun \"citebot COMMAND -h\" for a command's arguments and flags. Every setting\n")
	b.WriteString("can also come from the environment or a YAML file (--config); see docs/settings.md.\n")
	io.WriteString(w, b.String())
}

// exit codes
const (
	exitOK    = 0
	exitError = 1
	exitUsage = 2
)

// errUsage marks errors caused by how the command was called.
var errUsage = errors.New("usage")

// run dispatches a subcommand and returns the process exit code. stderr
// is asked whether it is a terminal (see isTerminal), which sets how the
// command logs.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		writeUsage(stderr)
		return exitUsage
	}
	switch args[0] {
	case "-h", "-help", "--help":
		writeUsage(stderr)
		return exitOK
	case "-version", "--version":
		args = append([]string{"version"}, args[1:]...)
	case "help":
		if len(args) == 1 || args[1] == "help" {
			writeUsage(stderr)
			return exitOK
		}
		// citebot help ask is citebot ask -h.
		args = []string{args[1], "-h"}
	}
	cmds := map[string]func(context.Context, []string, io.Writer, io.Writer) error{
		"ask":         cmdAsk,
		"serve":       cmdServe,
		"ingest":      cmdIngest,
		"migrate":     cmdMigrate,
		"eval":        cmdEval,
		"config":      cmdConfig,
		"healthcheck": cmdHealthcheck,
		"version":     cmdVersion,
	}
	cmd, ok := cmds[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "citebot: unknown command %q\n\n", args[0])
		writeUsage(stderr)
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

// newFlagSet returns the flag set of the command name, with its settings
// flags registered and a help text that describes the command and lists
// only its own flags.
func newFlagSet(name string, stderr io.Writer) *flag.FlagSet {
	sp, _ := lookupSpec(name)
	fs := flag.NewFlagSet("citebot "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	if name != "version" {
		config.RegisterFlags(fs, sp.flags...)
	}
	fs.Usage = func() {
		fmt.Fprintf(stderr, "citebot %s: %s.\n\nUsage:\n  %s", name, sp.summary, strings.TrimSpace("citebot "+name+" "+sp.args))
		n := 0
		fs.VisitAll(func(*flag.Flag) { n++ })
		if n == 0 {
			fmt.Fprintln(stderr)
			return
		}
		fmt.Fprint(stderr, "\n\nFlags:\n")
		fs.PrintDefaults()
		fmt.Fprint(stderr, "\nEvery setting can also come from the environment or a YAML file; see docs/settings.md.\n")
	}
	return fs
}

// parse registers the command's settings flags plus extra ones, parses
// args (flags may come before or after positional arguments), loads the
// Config and makes the command's logger.
func parse(name string, args []string, stderr io.Writer, extra func(*flag.FlagSet)) (command, error) {
	fs := newFlagSet(name, stderr)
	if extra != nil {
		extra(fs)
	}
	pos, err := parseArgs(fs, args)
	if err != nil {
		return command{}, err
	}
	cfg, err := config.Load(fs, nil)
	if err != nil {
		return command{}, fmt.Errorf("configuration:\n%w", indentErr(err))
	}
	// The logger settles "auto"; cfg keeps it, so `citebot config` shows
	// the setting as given.
	logCfg := cfg
	logCfg.Log = logDefaults(cfg.Log, name, isTerminal(stderr))
	log := logCfg.NewLogger(stderr)
	if !unwarned[name] {
		for _, w := range cfg.Warnings() {
			log.Warn(w)
		}
	}
	return command{cfg: cfg, args: pos, log: log}, nil
}

// unwarned are the commands that do not repeat the configuration's
// warnings: a container runs healthcheck every 30 seconds, and its
// warnings are the server's to give, once, at start.
var unwarned = map[string]bool{"healthcheck": true}

// parseArgs parses args with fs, letting flags follow positional
// arguments, and returns the positional ones.
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, fmt.Errorf("%w: %v", errUsage, err)
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

func indentErr(err error) error {
	lines := strings.Split(err.Error(), "\n")
	for i, l := range lines {
		lines[i] = "  " + l
	}
	return errors.New(strings.Join(lines, "\n"))
}
