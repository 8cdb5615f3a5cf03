package telegram

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// escapeHTML makes s safe as text in a Telegram HTML-mode message.
//
// Telegram's parser accepts only &lt; &gt; &amp; &quot; and numeric
// entities, and rejects the whole message for a stray '<' or '&' or for
// invalid UTF-8. Corpus text and user input are data, never markup, so every
// special character is escaped, invalid bytes become U+FFFD and control
// characters other than newline and tab are dropped (Telegram either rejects
// or silently eats them).
func escapeHTML(s string) string {
	var b strings.Builder
	b.Grow(len(s) + len(s)/8)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == '&':
			b.WriteString("&amp;")
		case r == '<':
			b.WriteString("&lt;")
		case r == '>':
			b.WriteString("&gt;")
		case r == '"':
			b.WriteString("&quot;")
		case r == '\n' || r == '\t':
			b.WriteRune(r)
		case unicode.IsControl(r) || r == 0xFEFF:
			// Dropped: see above.
		default:
			// r == utf8.RuneError for invalid bytes writes U+FFFD.
			b.WriteRune(r)
		}
	}
	return b.String()
}

// sanitizeText is what escapeHTML's output reads as once Telegram has
// parsed it: s with invalid bytes replaced and control characters dropped.
func sanitizeText(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r != '\n' && r != '\t' && (unicode.IsControl(r) || r == 0xFEFF) {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// utf16Len is the length of s in UTF-16 code units, the unit Telegram uses
// for message limits and entity offsets.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n++
		if r >= 0x10000 {
			n++
		}
	}
	return n
}

// atomKind tells what an atom of Telegram HTML is.
type atomKind uint8

const (
	atomChar  atomKind = iota // one character: a rune or an entity
	atomOpen                  // an opening tag
	atomClose                 // a closing tag
)

// atom is the smallest piece of Telegram HTML that a split may not cut.
type atom struct {
	kind atomKind
	raw  string // source text
	name string // tag name for tags
	r    rune   // decoded character for atomChar
	n    int    // utf16Len(raw)
}

// telegramTags are the tags Telegram's HTML parse mode understands. Any
// other tag makes Telegram reject the message.
var telegramTags = map[string]bool{
	"b": true, "strong": true, "i": true, "em": true, "u": true, "ins": true,
	"s": true, "strike": true, "del": true, "tg-spoiler": true, "span": true,
	"a": true, "code": true, "pre": true, "blockquote": true, "tg-emoji": true,
}

// errHTML wraps every reason lexHTML rejects its input.
var errHTML = errors.New("invalid telegram html")

// lexHTML cuts s into atoms and checks that it is HTML Telegram accepts:
// only Telegram's tags with the attributes it knows, properly nested and
// closed, only the entities it knows, valid UTF-8 and no bare '<', '>' or
// '&'. It is strict on purpose: it guards our own output, so anything
// unusual is a bug to report rather than to guess around.
func lexHTML(s string) ([]atom, error) {
	var atoms []atom
	var stack []string
	for i := 0; i < len(s); {
		switch c := s[i]; c {
		case '<':
			end := strings.IndexByte(s[i:], '>')
			if end < 0 {
				return nil, fmt.Errorf("%w: unterminated tag at byte %d", errHTML, i)
			}
			raw := s[i : i+end+1]
			a, err := lexTag(raw)
			if err != nil {
				return nil, fmt.Errorf("%w: byte %d: %v", errHTML, i, err)
			}
			switch a.kind {
			case atomOpen:
				if err := checkNesting(stack, a.name); err != nil {
					return nil, fmt.Errorf("%w: byte %d: %v", errHTML, i, err)
				}
				stack = append(stack, a.name)
			case atomClose:
				if len(stack) == 0 || stack[len(stack)-1] != a.name {
					return nil, fmt.Errorf("%w: byte %d: unexpected </%s>", errHTML, i, a.name)
				}
				stack = stack[:len(stack)-1]
			}
			atoms = append(atoms, a)
			i += len(raw)
		case '>':
			return nil, fmt.Errorf("%w: bare '>' at byte %d", errHTML, i)
		case '&':
			end := strings.IndexByte(s[i:], ';')
			if end < 0 || end > 10 {
				return nil, fmt.Errorf("%w: bare '&' at byte %d", errHTML, i)
			}
			raw := s[i : i+end+1]
			r, ok := decodeEntity(raw)
			if !ok {
				return nil, fmt.Errorf("%w: unknown entity %q at byte %d", errHTML, raw, i)
			}
			atoms = append(atoms, atom{kind: atomChar, raw: raw, r: r, n: len(raw)})
			i += len(raw)
		default:
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				return nil, fmt.Errorf("%w: invalid UTF-8 at byte %d", errHTML, i)
			}
			raw := s[i : i+size]
			atoms = append(atoms, atom{kind: atomChar, raw: raw, r: r, n: utf16Len(raw)})
			i += size
		}
	}
	if len(stack) > 0 {
		return nil, fmt.Errorf("%w: <%s> not closed", errHTML, stack[len(stack)-1])
	}
	return atoms, nil
}

// checkNesting applies the nesting rules Telegram enforces: code and pre
// hold plain text (except <code> directly inside <pre>), and block quotes do
// not nest.
func checkNesting(stack []string, name string) error {
	if len(stack) == 0 {
		return nil
	}
	top := stack[len(stack)-1]
	if top == "code" || (top == "pre" && name != "code") {
		return fmt.Errorf("<%s> inside <%s>", name, top)
	}
	if name == "blockquote" {
		for _, t := range stack {
			if t == "blockquote" {
				return errors.New("nested <blockquote>")
			}
		}
	}
	return nil
}

// lexTag parses one tag, e.g. `<b>`, `</b>` or `<a href="…">`.
func lexTag(raw string) (atom, error) {
	inner := raw[1 : len(raw)-1]
	if strings.ContainsAny(inner, "<") {
		return atom{}, errors.New("'<' inside tag")
	}
	if rest, ok := strings.CutPrefix(inner, "/"); ok {
		if !telegramTags[rest] {
			return atom{}, fmt.Errorf("unknown tag </%s>", rest)
		}
		return atom{kind: atomClose, raw: raw, name: rest, n: utf16Len(raw)}, nil
	}
	name, attrs, _ := strings.Cut(inner, " ")
	if !telegramTags[name] {
		return atom{}, fmt.Errorf("unknown tag <%s>", name)
	}
	if err := checkAttrs(name, attrs); err != nil {
		return atom{}, err
	}
	return atom{kind: atomOpen, raw: raw, name: name, n: utf16Len(raw)}, nil
}

// checkAttrs accepts exactly the attributes Telegram documents for each tag.
func checkAttrs(name, attrs string) error {
	attrValue := func(key string) (string, error) {
		v, ok := strings.CutPrefix(attrs, key+`="`)
		if !ok || !strings.HasSuffix(v, `"`) || len(v) < 2 {
			return "", fmt.Errorf("<%s> needs %s=\"…\"", name, key)
		}
		v = v[:len(v)-1]
		if strings.ContainsAny(v, `"<>`) {
			return "", fmt.Errorf("<%s %s> value not escaped", name, key)
		}
		if _, err := lexHTML(v); err != nil {
			return "", err
		}
		return v, nil
	}
	switch name {
	case "a":
		_, err := attrValue("href")
		return err
	case "span":
		v, err := attrValue("class")
		if err == nil && v != "tg-spoiler" {
			err = errors.New(`<span> needs class="tg-spoiler"`)
		}
		return err
	case "tg-emoji":
		v, err := attrValue("emoji-id")
		if err == nil {
			if _, perr := strconv.ParseUint(v, 10, 64); perr != nil {
				err = errors.New("<tg-emoji> needs a numeric emoji-id")
			}
		}
		return err
	case "code":
		if attrs == "" {
			return nil
		}
		v, err := attrValue("class")
		if err == nil && !strings.HasPrefix(v, "language-") {
			err = errors.New(`<code> class must be "language-…"`)
		}
		return err
	case "blockquote":
		if attrs == "" || attrs == "expandable" {
			return nil
		}
		return errors.New("<blockquote> takes only expandable")
	}
	if attrs != "" {
		return fmt.Errorf("<%s> takes no attributes", name)
	}
	return nil
}

// decodeEntity decodes the entities Telegram accepts: the four named ones
// and numeric ones for valid, non-zero code points.
func decodeEntity(raw string) (rune, bool) {
	switch raw {
	case "&lt;":
		return '<', true
	case "&gt;":
		return '>', true
	case "&amp;":
		return '&', true
	case "&quot;":
		return '"', true
	}
	num, ok := strings.CutPrefix(raw[:len(raw)-1], "&#")
	if !ok || num == "" {
		return 0, false
	}
	base := 10
	if h, ok := strings.CutPrefix(num, "x"); ok {
		num, base = h, 16
	} else if h, ok := strings.CutPrefix(num, "X"); ok {
		num, base = h, 16
	}
	if num == "" || num[0] == '+' || num[0] == '-' {
		return 0, false
	}
	v, err := strconv.ParseUint(num, base, 32)
	if err != nil || v == 0 || !utf8.ValidRune(rune(v)) {
		return 0, false
	}
	return rune(v), true
}

// htmlText is the text a valid Telegram HTML string shows, with tags
// removed and entities decoded. It is what a message reads as when sent
// without a parse mode.
func htmlText(s string) (string, error) {
	atoms, err := lexHTML(s)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for _, a := range atoms {
		if a.kind == atomChar {
			b.WriteRune(a.r)
		}
	}
	return b.String(), nil
}
