package config

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// WriteSettingsMarkdown writes the table of every setting that
// docs/settings.md holds, generated from the same table Load uses so that
// the two cannot drift apart (a test checks the file is current).
func WriteSettingsMarkdown(w io.Writer) error {
	bw := bufio.NewWriter(w)
	p := func(format string, args ...any) { fmt.Fprintf(bw, format, args...) }
	p("# citebot settings\n\n")
	p("<!-- Generated from config/settings.go by `go test ./config -run TestSettingsMarkdown -update`; do not edit. -->\n\n")
	p("Every setting can be given, from highest precedence to lowest, as a command-line flag (where one exists),\n")
	p("an environment variable, or a key in the YAML file named by `--config FILE` or `%s`;\n", configFileEnv)
	p("otherwise its default applies. An empty environment variable counts as unset.\n")
	p("`citebot config` prints the settings in effect, with secrets shown as `%s`.\n\n", RedactedValue)
	p("Values are checked at start: a bad one stops citebot with a message that names the setting and says how\n")
	p("to fix it. Secrets have no flags, because command lines are visible to other users of the machine;\n")
	p("set them in the environment (or the file, if you protect it).\n\n")
	p("Types: a *duration* is a Go duration such as `5s`, `1m30s` or `2h`; a *rate* is events/period such as\n")
	p("`10/m`, `1/s` or `30/90s`, or `off`; a *list* is comma-separated in the environment and a YAML list\n")
	p("(`[a, b]`) or comma-separated string in the file; a *bool* is `true` or `false`.\n\n")
	p("The LLM mode follows from the models: no model is **offline** (local embedder, extractive answers),\n")
	p("`CITEBOT_EMBED_MODEL` alone is **embeddings-only**, `CITEBOT_CHAT_MODEL` alone is **generation-only**,\n")
	p("and both are **full**. `citebot ask` and `citebot serve` log the active mode.\n\n")

	for _, sec := range sections {
		p("## %s\n\n", sec.Title)
		p("| Environment | Flag | File key | Type | Default | Description |\n")
		p("|---|---|---|---|---|---|\n")
		if sec.Key == "" {
			p("| `%s` | `--%s` | — | path | none | YAML file to read settings from. Unknown keys in it are errors. |\n", configFileEnv, configFileFlag)
		}
		for _, s := range settings {
			if s.section() != sec.Key {
				continue
			}
			flag := "—"
			if s.Flag != "" {
				flag = "`--" + s.Flag + "`"
			}
			def := "`" + s.Default + "`"
			switch {
			case s.DefaultDoc != "":
				def = s.DefaultDoc
			case s.Default == "":
				def = "unset"
			}
			p("| `%s` | %s | `%s` | %s | %s | %s |\n", s.Env, flag, s.Key, s.val.kind(), def, mdEscape(s.Doc))
		}
		p("\n")
	}

	p("## Example file\n\n```yaml\n")
	p("data_dir: /var/lib/citebot\nserver:\n  addr: \":8080\"\n  rate_per_client: 60/m\ncorpus:\n  dir: /srv/articles\n")
	p("log:\n  format: json\nllm:\n  base_url: http://localhost:11434/v1\n  chat_model: llama3.1:8b\n")
	p("slack:\n  command: /ask\n  allowlist: [C0123ABCD]\ntelegram:\n  allowed_chats: [12345678, -1001234567890]\n```\n")
	return bw.Flush()
}

// mdEscape keeps a table cell in its cell.
func mdEscape(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
