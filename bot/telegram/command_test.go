package telegram

import (
	"testing"

	"github.com/go-telegram/bot/models"
)

func TestUTF16Range(t *testing.T) {
	s := "🇪🇪 @bot é👍x"
	tests := []struct {
		off, n     int
		want       string
		wantBroken bool
	}{
		{0, 4, "🇪🇪", false},
		{5, 4, "@bot", false},
		{10, 1, "é", false},
		{11, 2, "👍", false},
		{13, 1, "x", false},
		{14, 0, "", false},
		{12, 1, "", true},  // inside a surrogate pair
		{13, 5, "", true},  // past the end
		{-1, 2, "", true},  // negative
		{1, 1, "", true},   // inside the flag's first pair
		{0, -1, "", true},  // negative length
		{15, 0, "", true},  // offset past the end
		{2, 2, "🇪", false}, // the flag's second regional indicator
	}
	for _, tt := range tests {
		start, end, ok := utf16Range(s, tt.off, tt.n)
		if ok == tt.wantBroken {
			t.Errorf("utf16Range(%d, %d) ok = %v, want %v", tt.off, tt.n, ok, !tt.wantBroken)
			continue
		}
		if ok && s[start:end] != tt.want {
			t.Errorf("utf16Range(%d, %d) = %q, want %q", tt.off, tt.n, s[start:end], tt.want)
		}
	}
}

func TestParseCommand(t *testing.T) {
	tests := []struct {
		text   string
		noEnts bool // as if the client sent no entities
		want   command
		wantOK bool
	}{
		{text: "/ask when?", want: command{name: "ask", args: "when?"}, wantOK: true},
		{text: "/ask@citebot_test_bot  when did it happen? ", want: command{name: "ask", target: "citebot_test_bot", args: "when did it happen?"}, wantOK: true},
		{text: "/ASK@CiteBot_Test_Bot x", want: command{name: "ask", target: "CiteBot_Test_Bot", args: "x"}, wantOK: true},
		{text: "/help", want: command{name: "help"}, wantOK: true},
		{text: "/start@citebot_test_bot", want: command{name: "start", target: "citebot_test_bot"}, wantOK: true},
		{text: "/ask 🇪🇪 Eesti?", want: command{name: "ask", args: "🇪🇪 Eesti?"}, wantOK: true},
		{text: "/ask\nmultiline\nquestion", want: command{name: "ask", args: "multiline\nquestion"}, wantOK: true},
		{text: "/ask@bot when", noEnts: true, want: command{name: "ask", target: "bot", args: "when"}, wantOK: true},
		{text: "when /ask is used mid-text", wantOK: false},
		{text: "plain question", wantOK: false},
		{text: "/", noEnts: true, wantOK: false},
		{text: "/ask@", noEnts: true, wantOK: false},
		{text: "/a-b x", noEnts: true, wantOK: false},
		{text: "//ask", noEnts: true, wantOK: false},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			var ents []models.MessageEntity
			if !tt.noEnts {
				ents = tgEntities(tt.text)
			}
			got, ok := parseCommand(tt.text, ents)
			if ok != tt.wantOK || got != tt.want {
				t.Errorf("parseCommand(%q) = %+v, %v; want %+v, %v", tt.text, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestParseCommandEntityAfterNonASCII(t *testing.T) {
	// A mention entity before the command text proves the offsets are
	// read as UTF-16: the command entity is at 0 and 4 units long even
	// though "/ask" is followed by multi-byte text.
	text := "/ask Šakalienė 👍 said what?"
	ents := []models.MessageEntity{{Type: models.MessageEntityTypeBotCommand, Offset: 0, Length: 4}}
	got, ok := parseCommand(text, ents)
	if !ok || got.name != "ask" || got.args != "Šakalienė 👍 said what?" {
		t.Fatalf("parseCommand = %+v, %v", got, ok)
	}
	// A bot_command entity that is not at the start is not a command.
	if _, ok := parseCommand("hi /ask x", []models.MessageEntity{{Type: models.MessageEntityTypeBotCommand, Offset: 3, Length: 4}}); ok {
		t.Fatal("a command in mid-text was taken as one")
	}
}

func TestStripMentions(t *testing.T) {
	me := &models.User{ID: testBotID, Username: testUsername}
	tests := []struct {
		text          string
		ents          []models.MessageEntity
		want          string
		wantMentioned bool
	}{
		{text: "@citebot_test_bot when did Estonia ratify Ottawa?", want: "when did Estonia ratify Ottawa?", wantMentioned: true},
		{text: "🇪🇪👍 @citebot_test_bot, when did Estonia ratify Ottawa?", want: "🇪🇪👍, when did Estonia ratify Ottawa?", wantMentioned: true},
		{text: "Hey @CITEBOT_TEST_BOT what happened in 2004?", want: "Hey what happened in 2004?", wantMentioned: true},
		{text: "ask @someone_else about it", want: "ask @someone_else about it", wantMentioned: false},
		{text: "Šakalienė asked @citebot_test_bot: why?", want: "Šakalienė asked: why?", wantMentioned: true},
		{
			text:          "Bot, why?",
			ents:          []models.MessageEntity{{Type: models.MessageEntityTypeTextMention, Offset: 0, Length: 3, User: me}},
			want:          "why?",
			wantMentioned: true,
		},
		{
			text: "broken entity",
			ents: []models.MessageEntity{{Type: models.MessageEntityTypeMention, Offset: 40, Length: 5}},
			want: "broken entity",
		},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			ents := tt.ents
			if ents == nil {
				ents = tgEntities(tt.text)
			}
			got, mentioned := stripMentions(tt.text, ents, me.Username, me.ID)
			if got != tt.want || mentioned != tt.wantMentioned {
				t.Errorf("stripMentions(%q) = %q, %v; want %q, %v", tt.text, got, mentioned, tt.want, tt.wantMentioned)
			}
		})
	}
}
