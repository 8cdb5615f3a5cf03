package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"reflect"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/citebot/citebot/internal/redact"
)

// Redacted returns a copy of c that is safe to show: every set Secret
// becomes RedactedValue (unset ones stay ""), passwords in URLs are masked,
// and any secret's text that appears inside another value, such as a bot
// token in a webhook URL, is replaced by RedactedValue.
func (c Config) Redacted() Config {
	out := c
	redactValue(reflect.ValueOf(&out).Elem(), c.Scrubber())
	return out
}

// Scrubber returns a redact.Scrubber for every secret in c, for anything
// that may echo one: logs, error messages.
func (c Config) Scrubber() *redact.Scrubber { return redact.New(c.secretTexts()...) }

// secretTexts returns every secret's text in c: the Secret fields and the
// passwords in URL-valued settings.
func (c Config) secretTexts() []string {
	var texts []string
	var walk func(v reflect.Value)
	walk = func(v reflect.Value) {
		switch {
		case v.Type() == reflect.TypeFor[Secret]():
			if s := v.String(); s != "" {
				texts = append(texts, s)
			}
		case v.Kind() == reflect.String:
			texts = append(texts, urlPasswords(v.String())...)
		case v.Kind() == reflect.Struct:
			for i := range v.NumField() {
				if v.Type().Field(i).IsExported() {
					walk(v.Field(i))
				}
			}
		}
	}
	walk(reflect.ValueOf(c))
	return texts
}

// redactValue rewrites v in place. Slices are copied first: the copy of a
// Config shares their arrays with the original.
func redactValue(v reflect.Value, secrets *redact.Scrubber) {
	switch {
	case v.Type() == reflect.TypeFor[Secret]():
		if v.String() != "" {
			v.SetString(RedactedValue)
		}
	case v.Kind() == reflect.String:
		v.SetString(scrub(v.String(), secrets))
	case v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.String:
		cp := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		for i := range v.Len() {
			cp.Index(i).SetString(scrub(v.Index(i).String(), secrets))
		}
		if !v.IsNil() {
			v.Set(cp)
		}
	case v.Kind() == reflect.Slice:
		if !v.IsNil() {
			v.Set(reflect.AppendSlice(reflect.MakeSlice(v.Type(), 0, v.Len()), v))
		}
	case v.Kind() == reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				redactValue(v.Field(i), secrets)
			}
		}
	}
}

// scrub masks a URL password in the value s and replaces every secret text
// in it.
func scrub(s string, secrets *redact.Scrubber) string {
	return secrets.String(redactURL(s))
}

// redactURL masks the password of a URL such as redis://:pw@host.
func redactURL(s string) string {
	if !strings.Contains(s, "@") || !strings.Contains(s, "://") {
		return s
	}
	u, err := url.Parse(s)
	if err == nil {
		if u.User == nil {
			return s
		}
		if _, ok := u.User.Password(); !ok {
			return s
		}
		u.User = url.UserPassword(u.User.Username(), "REDACTED")
		return strings.Replace(u.String(), "REDACTED", RedactedValue, 1)
	}
	// Unparsable: hide everything between the scheme and the last @.
	start := strings.Index(s, "://") + 3
	at := strings.LastIndex(s, "@")
	if at < start {
		return s
	}
	return s[:start] + RedactedValue + s[at:]
}

// urlPasswords returns the password of a URL in s, decoded and as written.
func urlPasswords(s string) []string {
	if !strings.Contains(s, "@") || !strings.Contains(s, "://") {
		return nil
	}
	var out []string
	if u, err := url.Parse(s); err == nil && u.User != nil {
		if p, ok := u.User.Password(); ok {
			out = append(out, p)
		}
	}
	userinfo := s[strings.Index(s, "://")+3:]
	if at := strings.LastIndex(userinfo, "@"); at >= 0 {
		userinfo = userinfo[:at]
		if _, p, ok := strings.Cut(userinfo, ":"); ok {
			out = append(out, p)
		}
	}
	return out
}

// tree renders the settings of the given sections of c, which must already
// be redacted, as a YAML mapping. With comments, each value says where it
// came from.
func (c Config) tree(keys []string, flow, comments bool) *yaml.Node {
	style := yaml.Style(0)
	if flow {
		style = yaml.FlowStyle
	}
	root := &yaml.Node{Kind: yaml.MappingNode, Style: style}
	for _, sec := range sections {
		if !slices.Contains(keys, sec.Key) {
			continue
		}
		m := root
		if sec.Key != "" {
			m = &yaml.Node{Kind: yaml.MappingNode, Style: style}
			root.Content = append(root.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: sec.Key}, m)
		}
		for _, s := range settings {
			if s.section() != sec.Key {
				continue
			}
			v := valueNode(&c, s)
			if flow {
				v.Style |= yaml.FlowStyle
			}
			if comments {
				v.LineComment = s.Env + ", " + c.source(s.Key)
			}
			m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: s.name()}, v)
		}
	}
	return root
}

func valueNode(c *Config, s *setting) *yaml.Node {
	tag := "!!str"
	switch s.val.(type) {
	case boolVal:
		tag = "!!bool"
	case intVal, int64Val, chatIDsVal:
		tag = "!!int"
	}
	if lv, ok := s.val.(listValue); ok {
		seq := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
		for _, item := range lv.items(c) {
			seq.Content = append(seq.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: item})
		}
		return seq
	}
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: s.val.get(c)}
}

func (c Config) source(key string) string {
	if s, ok := c.sources[key]; ok {
		return s
	}
	return originDefault
}

func allSections() []string {
	keys := make([]string, len(sections))
	for i, s := range sections {
		keys[i] = s.Key
	}
	return keys
}

// WriteTo writes c as the YAML file `citebot config` prints, with secrets
// redacted and a comment on each value naming its environment variable and
// where the value came from. The output is a valid config file, except that
// set secrets and URL passwords read "[redacted]", which Load refuses with a
// message saying to put the real value back.
func (c Config) WriteTo(w io.Writer) (int64, error) {
	r := c.Redacted()
	var buf bytes.Buffer
	file := r.ConfigFile
	if file == "" {
		file = "none"
	}
	fmt.Fprintf(&buf, "# citebot settings in effect. Secrets that are set show as %s.\n", RedactedValue)
	fmt.Fprintf(&buf, "# Config file: %s. LLM mode: %s.\n", file, r.LLMMode())
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(r.tree(allSections(), false, true)); err != nil {
		return 0, fmt.Errorf("encode config: %w", err)
	}
	if err := enc.Close(); err != nil {
		return 0, fmt.Errorf("encode config: %w", err)
	}
	return buf.WriteTo(w)
}

// flowString renders sections of c, redacted, on one line.
func (c Config) flowString(keys ...string) string {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	if err := enc.Encode(c.Redacted().tree(keys, true, false)); err != nil {
		return "config: " + err.Error()
	}
	_ = enc.Close()
	return strings.TrimSpace(buf.String())
}

// String returns c, redacted, as one line of flow-style YAML.
func (c Config) String() string { return c.flowString(allSections()...) }

// GoString makes %#v print the redacted form too.
func (c Config) GoString() string { return "config.Config" + c.String() }

// Format makes every fmt verb print the redacted form; without it, verbs
// such as %x or %d would walk the fields and print secrets in URLs.
func (c Config) Format(f fmt.State, verb rune) { format(f, verb, c.String(), c.GoString) }

// LogValue implements slog.LogValuer with the redacted settings, grouped by
// section.
func (c Config) LogValue() slog.Value { return c.logValue(allSections()...) }

func (c Config) logValue(keys ...string) slog.Value {
	r := c.Redacted()
	var top []slog.Attr
	for _, sec := range sections {
		if !slices.Contains(keys, sec.Key) {
			continue
		}
		var attrs []slog.Attr
		for _, s := range settings {
			if s.section() == sec.Key {
				attrs = append(attrs, slog.String(s.name(), s.val.get(&r)))
			}
		}
		if sec.Key == "" {
			top = append(top, attrs...)
		} else {
			top = append(top, slog.Attr{Key: sec.Key, Value: slog.GroupValue(attrs...)})
		}
	}
	if len(keys) == 1 && keys[0] != "" && len(top) == 1 {
		return top[0].Value // a section logs as its own group
	}
	return slog.GroupValue(top...)
}

// MarshalJSON encodes the redacted settings as nested objects keyed like
// the config file.
func (c Config) MarshalJSON() ([]byte, error) { return c.marshalJSON(allSections()...) }

func (c Config) marshalJSON(keys ...string) ([]byte, error) {
	r := c.Redacted()
	root := map[string]any{}
	for _, s := range settings {
		sec := s.section()
		if !slices.Contains(keys, sec) {
			continue
		}
		var v any = s.val.get(&r)
		switch val := s.val.(type) {
		case boolVal:
			v = *val(&r)
		case intVal, int64Val:
			v = json.Number(s.val.get(&r))
		case listValue:
			v = append([]string{}, val.items(&r)...)
		}
		if sec == "" {
			root[s.Key] = v
			continue
		}
		m, _ := root[sec].(map[string]any)
		if m == nil {
			m = map[string]any{}
			root[sec] = m
		}
		m[s.name()] = v
	}
	if len(keys) == 1 && keys[0] != "" {
		return json.Marshal(root[keys[0]]) // a section encodes as its own object
	}
	return json.Marshal(root)
}

func format(f fmt.State, verb rune, s string, gostring func() string) {
	switch {
	case verb == 'q':
		fmt.Fprintf(f, "%q", s)
	case verb == 'v' && f.Flag('#'):
		io.WriteString(f, gostring())
	default:
		io.WriteString(f, s)
	}
}

// The sections that hold secrets or URLs print redacted too, so that
// logging one alone is as safe as logging the whole Config: a Secret field
// is safe by its type, but a URL may carry a password or a bot token.

// String returns s, redacted, as one line of flow-style YAML.
func (s Server) String() string { return Config{Server: s}.flowString("server") }

// Format prints the redacted form for every verb.
func (s Server) Format(f fmt.State, verb rune) { format(f, verb, s.String(), s.String) }

// LogValue implements slog.LogValuer with the redacted settings.
func (s Server) LogValue() slog.Value { return Config{Server: s}.logValue("server") }

// MarshalJSON encodes the redacted settings.
func (s Server) MarshalJSON() ([]byte, error) { return Config{Server: s}.marshalJSON("server") }

// String returns s, redacted, as one line of flow-style YAML.
func (s LLM) String() string { return Config{LLM: s}.flowString("llm") }

// Format prints the redacted form for every verb.
func (s LLM) Format(f fmt.State, verb rune) { format(f, verb, s.String(), s.String) }

// LogValue implements slog.LogValuer with the redacted settings.
func (s LLM) LogValue() slog.Value { return Config{LLM: s}.logValue("llm") }

// MarshalJSON encodes the redacted settings.
func (s LLM) MarshalJSON() ([]byte, error) { return Config{LLM: s}.marshalJSON("llm") }

// String returns s, redacted, as one line of flow-style YAML.
func (s Index) String() string { return Config{Index: s}.flowString("index") }

// Format prints the redacted form for every verb.
func (s Index) Format(f fmt.State, verb rune) { format(f, verb, s.String(), s.String) }

// LogValue implements slog.LogValuer with the redacted settings.
func (s Index) LogValue() slog.Value { return Config{Index: s}.logValue("index") }

// MarshalJSON encodes the redacted settings.
func (s Index) MarshalJSON() ([]byte, error) { return Config{Index: s}.marshalJSON("index") }

// String returns s, redacted, as one line of flow-style YAML.
func (s Redis) String() string { return Config{Redis: s}.flowString("redis") }

// Format prints the redacted form for every verb.
func (s Redis) Format(f fmt.State, verb rune) { format(f, verb, s.String(), s.String) }

// LogValue implements slog.LogValuer with the redacted settings.
func (s Redis) LogValue() slog.Value { return Config{Redis: s}.logValue("redis") }

// MarshalJSON encodes the redacted settings.
func (s Redis) MarshalJSON() ([]byte, error) { return Config{Redis: s}.marshalJSON("redis") }

// String returns s, redacted, as one line of flow-style YAML.
func (s Slack) String() string { return Config{Slack: s}.flowString("slack") }

// Format prints the redacted form for every verb.
func (s Slack) Format(f fmt.State, verb rune) { format(f, verb, s.String(), s.String) }

// LogValue implements slog.LogValuer with the redacted settings.
func (s Slack) LogValue() slog.Value { return Config{Slack: s}.logValue("slack") }

// MarshalJSON encodes the redacted settings.
func (s Slack) MarshalJSON() ([]byte, error) { return Config{Slack: s}.marshalJSON("slack") }

// String returns s, redacted, as one line of flow-style YAML.
func (s Telegram) String() string { return Config{Telegram: s}.flowString("telegram") }

// Format prints the redacted form for every verb.
func (s Telegram) Format(f fmt.State, verb rune) { format(f, verb, s.String(), s.String) }

// LogValue implements slog.LogValuer with the redacted settings.
func (s Telegram) LogValue() slog.Value { return Config{Telegram: s}.logValue("telegram") }

// MarshalJSON encodes the redacted settings.
func (s Telegram) MarshalJSON() ([]byte, error) { return Config{Telegram: s}.marshalJSON("telegram") }
