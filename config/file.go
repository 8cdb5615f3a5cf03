package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"gopkg.in/yaml.v3"
)

// maxFileBytes bounds the config file; a real one is a few KB.
const maxFileBytes = 1 << 20

// loadFile applies the YAML file at path. The file is a mapping of the
// sections in docs/settings.md (server:, slack:, …) and top-level settings
// (data_dir:). Decoding is strict: an unknown or repeated key is an error,
// so a typo cannot silently leave a default in place.
func (l *loader) loadFile(path, from string) {
	data, err := readFile(path)
	if err != nil {
		l.errs = append(l.errs, fileError("cannot read config file %q (%s): %v; check the path and permissions, or unset --config and CITEBOT_CONFIG", path, from, err))
		return
	}
	l.applyYAML(path, data)
}

func readFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if fi.IsDir() {
		return nil, errors.New("it is a folder")
	}
	data, err := io.ReadAll(io.LimitReader(f, maxFileBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxFileBytes {
		return nil, fmt.Errorf("it is larger than %d bytes", maxFileBytes)
	}
	return data, nil
}

// fileError is a problem with the config file as a whole.
func fileError(format string, args ...any) *SettingError {
	return &SettingError{Env: configFileEnv, Flag: configFileFlag, Problem: fmt.Sprintf(format, args...)}
}

// applyYAML applies the settings in data, a YAML document read from name,
// and records every problem found.
func (l *loader) applyYAML(name string, data []byte) {
	l.errs = append(l.errs, l.yamlErrors(name, data)...)
}

func (l *loader) yamlErrors(name string, data []byte) []error {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil // an empty file sets nothing
		}
		return []error{fileError("%s is not valid YAML: %v; fix the syntax (indent with spaces, `key: value`)", name, yamlMessage(err))}
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return []error{fileError("%s holds more than one YAML document (a second ---); keep one", name)}
	}
	if len(doc.Content) == 0 {
		return nil
	}
	root := doc.Content[0]
	if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
		return nil
	}
	w := &walker{l: l, name: name}
	if root.Kind != yaml.MappingNode {
		return []error{fileError("%s line %d: the file must be a mapping of settings, such as `server:` followed by indented `addr: :8080`", name, root.Line)}
	}
	w.mapping(root, "")
	return nil
}

// yamlMessage drops the library's "yaml: " prefix.
func yamlMessage(err error) string {
	return strings.TrimPrefix(err.Error(), "yaml: ")
}

// walker applies a YAML mapping's settings to its loader, recording errors
// there.
type walker struct {
	l    *loader
	name string
}

func (w *walker) at(n *yaml.Node) string { return fmt.Sprintf("%s line %d", w.name, n.Line) }

func (w *walker) fail(n *yaml.Node, format string, args ...any) {
	w.l.errs = append(w.l.errs, fileError("%s: %s", w.at(n), fmt.Sprintf(format, args...)))
}

// mapping walks a mapping node whose keys live under prefix ("" or
// "section.").
func (w *walker) mapping(m *yaml.Node, prefix string) {
	seen := map[string]int{}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			w.fail(k, "a key must be a plain name")
			continue
		}
		key := prefix + k.Value
		if line, dup := seen[k.Value]; dup {
			w.fail(k, "key %q appears again (first on line %d); keep one", key, line)
			continue
		}
		seen[k.Value] = k.Line
		if v.Kind == yaml.AliasNode || k.Kind == yaml.AliasNode || k.Value == "<<" {
			w.fail(k, "%q uses a YAML alias or merge key, which the config file does not support; write the value out", key)
			continue
		}
		if prefix == "" && isSection(k.Value) {
			switch {
			case v.Kind == yaml.MappingNode:
				w.mapping(v, key+".")
			case v.Kind == yaml.ScalarNode && v.Tag == "!!null":
				// "slack:" with nothing under it sets nothing.
			default:
				w.fail(v, "%q is a section; indent its settings under it, such as `%s:` then `  %s: …`", key, key, firstKey(key))
			}
			continue
		}
		s := lookup(key)
		if s == nil {
			w.fail(k, "unknown key %q%s; see docs/settings.md for the keys", key, suggest(key))
			continue
		}
		w.value(s, v)
	}
}

func (w *walker) value(s *setting, v *yaml.Node) {
	o := origin{kind: originFile, detail: w.at(v)}
	switch v.Kind {
	case yaml.ScalarNode:
		if v.Tag == "!!null" {
			return // "key:" with no value leaves the setting alone
		}
		w.l.apply(s, v.Value, o)
	case yaml.SequenceNode:
		if !s.list() {
			w.fail(v, "%q takes one value, not a list", s.Key)
			return
		}
		items := make([]string, 0, len(v.Content))
		for _, item := range v.Content {
			if item.Kind != yaml.ScalarNode {
				w.fail(item, "%q must be a list of plain values", s.Key)
				return
			}
			items = append(items, item.Value)
		}
		w.l.apply(s, strings.Join(items, s.listSeparator()), o)
	default:
		w.fail(v, "%q takes a value, not a mapping", s.Key)
	}
}

func isSection(name string) bool {
	for _, s := range sections {
		if s.Key != "" && s.Key == name {
			return true
		}
	}
	return false
}

func firstKey(section string) string {
	for _, s := range settings {
		if s.section() == section {
			return s.name()
		}
	}
	return "key"
}

// suggest proposes the known key closest to a mistyped one.
func suggest(key string) string {
	best, bestDist := "", 4
	for _, s := range settings {
		if d := editDistance(key, s.Key); d < bestDist {
			best, bestDist = s.Key, d
		}
		// A setting written at the top level instead of in its section.
		if s.name() == key && s.section() != "" {
			return fmt.Sprintf(" (did you mean %q, under %s:?)", s.Key, s.section())
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

// editDistance is the Levenshtein distance between short strings.
func editDistance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return 64
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
