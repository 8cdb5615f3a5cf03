package telegram

import (
	"strings"
	"unicode"

	"github.com/go-telegram/bot/models"
)

// utf16Range converts an entity's offset and length, counted in UTF-16 code
// units as Telegram counts them, into byte offsets of s. ok is false when
// the range is out of bounds or splits a character, which a well-formed
// update never does; such entities are ignored rather than trusted.
func utf16Range(s string, offset, length int) (start, end int, ok bool) {
	if offset < 0 || length < 0 {
		return 0, 0, false
	}
	start, end = -1, -1
	units := 0
	for i, r := range s {
		if units == offset {
			start = i
		}
		if units == offset+length {
			end = i
			break
		}
		units++
		if r >= 0x10000 {
			units++
		}
	}
	if start < 0 && units == offset {
		start = len(s)
	}
	if end < 0 && units == offset+length {
		end = len(s)
	}
	if start < 0 || end < 0 || end < start {
		return 0, 0, false
	}
	return start, end, true
}

// command is a bot command at the start of a message.
type command struct {
	name   string // lower case, without the slash: "ask"
	target string // the bot named after '@', if any: "citebot"
	args   string // the rest of the message, trimmed
}

// parseCommand reads the command a message starts with. Telegram marks it
// with a bot_command entity at offset 0; the library's own matcher compares
// the whole word, so it misses "/ask@citebot", and it counts entity offsets
// in bytes rather than UTF-16 units. Without entities (some clients and
// relays drop them) a leading "/word" is taken as a command too.
func parseCommand(text string, entities []models.MessageEntity) (command, bool) {
	end := -1
	for _, e := range entities {
		if e.Type == models.MessageEntityTypeBotCommand && e.Offset == 0 {
			if _, stop, ok := utf16Range(text, e.Offset, e.Length); ok {
				end = stop
			}
			break
		}
	}
	if end < 0 {
		if len(entities) > 0 || !strings.HasPrefix(text, "/") {
			return command{}, false
		}
		end = strings.IndexFunc(text, unicode.IsSpace)
		if end < 0 {
			end = len(text)
		}
	}
	word := text[:end]
	name, target, at := strings.Cut(strings.TrimPrefix(word, "/"), "@")
	if !validCommandName(name) || (at && !validUsername(target)) {
		return command{}, false
	}
	return command{
		name:   strings.ToLower(name),
		target: target,
		args:   strings.TrimSpace(text[end:]),
	}, true
}

// validCommandName follows BotFather's rule: 1–32 letters, digits or
// underscores.
func validCommandName(s string) bool {
	return len(s) <= 32 && isWord(s)
}

// validUsername accepts what Telegram allows in a username.
func validUsername(s string) bool {
	return len(s) <= 64 && isWord(s)
}

// isWord reports whether s is non-empty and only ASCII letters, digits and
// underscores.
func isWord(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return true
}

// stripMentions removes the mentions of the bot from text and reports
// whether there were any. A mention is a "mention" entity naming
// @username (case-insensitively, as Telegram treats usernames) or a
// "text_mention" of the bot's user ID.
func stripMentions(text string, entities []models.MessageEntity, username string, botID int64) (string, bool) {
	type span struct{ start, end int }
	var cuts []span
	for _, e := range entities {
		start, end, ok := utf16Range(text, e.Offset, e.Length)
		if !ok {
			continue
		}
		switch {
		case e.Type == models.MessageEntityTypeMention && username != "" &&
			strings.EqualFold(text[start:end], "@"+username):
		case e.Type == models.MessageEntityTypeTextMention && e.User != nil && e.User.ID == botID:
		default:
			continue
		}
		cuts = append(cuts, span{start, end})
	}
	if len(cuts) == 0 {
		return text, false
	}
	var b strings.Builder
	last := 0
	for _, c := range cuts {
		if c.start < last { // overlapping entities: keep the first
			continue
		}
		b.WriteString(text[last:c.start])
		b.WriteByte(' ')
		last = c.end
	}
	b.WriteString(text[last:])
	return tidyQuestion(b.String()), true
}

// tidyQuestion collapses whitespace and tidies the punctuation a removed
// mention leaves behind ("@citebot, when…" → "when…", "asked @citebot:" →
// "asked:").
func tidyQuestion(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	for _, p := range []string{",", ":", ";"} {
		s = strings.ReplaceAll(s, " "+p, p)
	}
	s = strings.TrimLeft(s, ",:;- ")
	s = strings.TrimRight(s, ",:; ")
	return s
}
