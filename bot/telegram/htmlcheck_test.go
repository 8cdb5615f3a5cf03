package telegram

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
)

// Telegram's HTML rules, checked here with an independent parser
// (golang.org/x/net/html) so that the tests do not trust lexHTML to judge
// its own output.

var tgTagAttrs = map[string][]string{
	"b": nil, "strong": nil, "i": nil, "em": nil, "u": nil, "ins": nil,
	"s": nil, "strike": nil, "del": nil, "tg-spoiler": nil,
	"span": {"class"}, "a": {"href"}, "code": {"class"}, "pre": nil,
	"blockquote": {"expandable"}, "tg-emoji": {"emoji-id"},
}

var tgEntity = regexp.MustCompile(`^&(lt|gt|amp|quot|#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6});`)

// checkTelegramHTML reports why Telegram would refuse s in HTML parse mode.
func checkTelegramHTML(s string) error {
	if !utf8.ValidString(s) {
		return errors.New("invalid UTF-8")
	}
	z := html.NewTokenizer(strings.NewReader(s))
	var stack []string
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			if len(stack) > 0 {
				return fmt.Errorf("<%s> not closed", stack[len(stack)-1])
			}
			return nil
		case html.TextToken:
			raw := string(z.Raw())
			if strings.ContainsAny(raw, "<>") {
				return fmt.Errorf("bare < or > in %q", raw)
			}
			for i := strings.IndexByte(raw, '&'); i >= 0; i = strings.IndexByte(raw, '&') {
				m := tgEntity.FindString(raw[i:])
				if m == "" {
					return fmt.Errorf("bare & in %q", raw)
				}
				raw = raw[i+len(m):]
			}
		case html.StartTagToken:
			tok := z.Token()
			allowed, ok := tgTagAttrs[tok.Data]
			if !ok {
				return fmt.Errorf("tag <%s> not supported by Telegram", tok.Data)
			}
			for _, at := range tok.Attr {
				if !contains(allowed, at.Key) {
					return fmt.Errorf("attribute %s not allowed on <%s>", at.Key, tok.Data)
				}
			}
			stack = append(stack, tok.Data)
		case html.EndTagToken:
			tok := z.Token()
			if len(stack) == 0 || stack[len(stack)-1] != tok.Data {
				return fmt.Errorf("unexpected </%s>", tok.Data)
			}
			stack = stack[:len(stack)-1]
		default:
			return fmt.Errorf("unexpected %v in Telegram HTML", tt)
		}
	}
}

// telegramText is what Telegram shows for valid HTML: the text with tags
// removed and entities decoded.
func telegramText(s string) string {
	z := html.NewTokenizer(strings.NewReader(s))
	var b strings.Builder
	for {
		switch z.Next() {
		case html.ErrorToken:
			return b.String()
		case html.TextToken:
			b.Write(z.Text())
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
