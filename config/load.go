package config

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"

	"github.com/citebot/citebot/internal/redact"
)

// RegisterFlags registers on fs --config and the settings that have a flag
// (see docs/settings.md); names, when given, limit them to the flags so
// named (without dashes), so that a subcommand offers only the settings it
// uses. Secrets have no flags, because command lines are visible to other
// users of the machine. Parse fs, then pass it to Load.
//
// The flags have no default of their own: Load uses a flag only when it was
// given on the command line, so that it can fall back to the environment,
// the file and then the built-in default.
func RegisterFlags(fs *flag.FlagSet, names ...string) {
	fs.Var(new(flagValue), configFileFlag, "read settings from the YAML `file` (env "+configFileEnv+")")
	for _, s := range settings {
		if s.Flag == "" || len(names) > 0 && !slices.Contains(names, s.Flag) {
			continue
		}
		_, isBool := s.val.(boolVal)
		fs.Var(&flagValue{isBool: isBool}, s.Flag, flagUsage(s))
	}
}

func flagUsage(s *setting) string {
	def := s.Default
	if s.DefaultDoc != "" {
		def = strings.ReplaceAll(s.DefaultDoc, "`", "")
	}
	if def == "" {
		def = "none"
	}
	// A backquoted word becomes the flag's argument name in -help.
	kind := ""
	if _, isBool := s.val.(boolVal); !isBool {
		kind = "`" + s.val.kind() + "`, "
	}
	return fmt.Sprintf("%s (%senv %s, default %s)", s.Doc, kind, s.Env, def)
}

// flagValue records a flag's text; Load parses it, so that flag errors read
// like every other setting error.
type flagValue struct {
	s      string
	isBool bool
}

func (f *flagValue) String() string {
	if f == nil {
		return ""
	}
	return f.s
}
func (f *flagValue) Set(s string) error { f.s = s; return nil }
func (f *flagValue) IsBoolFlag() bool   { return f.isBool }

// Load builds the Config. Each setting takes the first value it finds in:
//
//  1. a flag explicitly given in fs (fs.Visit), if fs is not nil;
//  2. the environment, through getenv (nil means os.Getenv); an empty
//     variable counts as unset;
//  3. the YAML file named by --config or CITEBOT_CONFIG, if any;
//  4. the built-in default.
//
// Values are trimmed of surrounding space, and a leading ~/ in paths is
// expanded. Relative paths are relative to the working directory.
//
// Load then validates the result. It reports every problem at once, joined
// with errors.Join; each is a *SettingError naming the setting's
// environment variable, flag and file key and saying how to fix it. On
// error the returned Config is the zero value.
func Load(fs *flag.FlagSet, getenv func(string) string) (Config, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	l := &loader{getenv: getenv, cfg: Config{sources: map[string]string{}}, failed: map[string]bool{}}
	for _, s := range settings {
		l.cfg.sources[s.Key] = originDefault
		if s.Default != "" {
			l.apply(s, s.Default, origin{kind: originDefault})
		}
	}

	flags := map[string]string{}
	if fs != nil {
		fs.Visit(func(f *flag.Flag) { flags[f.Name] = f.Value.String() })
	}

	path, pathOrigin := strings.TrimSpace(getenv(configFileEnv)), "from the environment"
	if v, ok := flags[configFileFlag]; ok {
		path, pathOrigin = strings.TrimSpace(v), "from flag --"+configFileFlag
	}
	if path != "" {
		path = expandHome(path, getenv)
		l.cfg.ConfigFile = path
		l.loadFile(path, pathOrigin)
	}

	for _, s := range settings {
		if v := getenv(s.Env); strings.TrimSpace(v) != "" {
			l.apply(s, v, origin{kind: originEnv, detail: s.Env})
		}
	}
	for _, s := range settings {
		if v, ok := flags[s.Flag]; ok && s.Flag != "" {
			l.apply(s, v, origin{kind: originFlag, detail: s.Flag})
		}
	}

	c := &l.cfg
	c.Corpus.Dir = expandHome(c.Corpus.Dir, getenv)
	c.DataDir = expandHome(c.DataDir, getenv)
	if c.DataDir == "" {
		c.DataDir = defaultDataDir(getenv)
		c.sources["data_dir"] = originDefault
	}

	l.errs = append(l.errs, validate(*c, l.failed)...)
	if len(l.errs) > 0 {
		secrets := redact.New(l.secrets...)
		for _, err := range l.errs {
			if se, ok := err.(*SettingError); ok {
				se.Problem = secrets.String(se.Problem)
			}
		}
		return Config{}, errors.Join(l.errs...)
	}
	// Show and pass on the chunking in effect rather than 0 for "default".
	eff := c.Corpus.ChunkOptions().Effective()
	c.Corpus.ChunkSize, c.Corpus.ChunkOverlap = eff.Size, eff.Overlap
	return l.cfg, nil
}

type loader struct {
	getenv func(string) string
	cfg    Config
	errs   []error
	// failed holds the keys whose value was refused, so that validate does
	// not pile a misleading "not set" on top of the real error.
	failed map[string]bool
	// secrets holds every secret text seen, valid or not, to scrub from
	// error messages: a bad webhook URL may embed the bot token.
	secrets []string
}

const (
	originDefault = "default"
	originEnv     = "env"
	originFlag    = "flag"
	originFile    = "file"
)

// origin is where a value came from.
type origin struct {
	kind   string
	detail string // env name, flag name, or file:line
}

// phrase is the origin in an error message: `"x" (from the environment)`.
func (o origin) phrase() string {
	switch o.kind {
	case originEnv:
		return "from the environment"
	case originFlag:
		return "from flag --" + o.detail
	case originFile:
		return "from " + o.detail
	}
	return "the default"
}

// label is the origin in `citebot config` output.
func (o origin) label() string {
	switch o.kind {
	case originEnv:
		return "set by env " + o.detail
	case originFlag:
		return "set by flag --" + o.detail
	case originFile:
		return "set in " + o.detail
	}
	return originDefault
}

// apply parses raw into s's field, recording where it came from, or records
// an error that quotes the value (never a secret's).
func (l *loader) apply(s *setting, raw string, o origin) {
	v := strings.TrimSpace(raw)
	if s.hidden() {
		l.secrets = append(l.secrets, v)
	}
	l.secrets = append(l.secrets, urlPasswords(v)...)
	err := s.val.set(&l.cfg, v)
	if v == "" && s.Default != "" {
		// Only an explicit flag or file value can be empty; an empty
		// variable counts as unset and never gets here.
		err = fmt.Errorf("is empty; give it a value, or leave it out to use the default %q", s.Default)
	}
	if err != nil {
		l.errs = append(l.errs, s.errorf("%s (%s) %v", quoteValue(s, v), o.phrase(), err))
		l.failed[s.Key] = true
		return
	}
	if o.kind == originDefault {
		l.cfg.sources[s.Key] = originDefault
	} else {
		l.cfg.sources[s.Key] = o.label()
	}
}

// quoteValue shows a bad value in an error: quoted and shortened, with URL
// passwords hidden, and never for a secret.
func quoteValue(s *setting, v string) string {
	if s.hidden() {
		return "the value"
	}
	return fmt.Sprintf("%q", truncate(redactURL(v), 80))
}

// defaultDataDir follows the XDG base directory spec, which ignores a
// relative XDG_DATA_HOME.
func defaultDataDir(getenv func(string) string) string {
	if runtime.GOOS == "windows" {
		if d := getenv("LocalAppData"); d != "" {
			return filepath.Join(d, "citebot")
		}
	}
	if d := getenv("XDG_DATA_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "citebot")
	}
	if h := getenv("HOME"); h != "" {
		return filepath.Join(h, ".local", "share", "citebot")
	}
	return "citebot-data"
}

// expandHome expands a leading ~ or ~/, which the shell does not expand
// inside YAML files or quoted values.
func expandHome(p string, getenv func(string) string) string {
	if p != "~" && !strings.HasPrefix(p, "~/") {
		return p
	}
	h := getenv("HOME")
	if h == "" {
		return p
	}
	return filepath.Join(h, p[1:])
}
