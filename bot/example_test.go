package bot_test

import (
	"testing"

	"github.com/citebot/citebot/bot"
)

func TestExampleFunc(t *testing.T) {
	tests := []struct {
		name string
		f    bot.ExampleFunc
		want string
	}{
		{"nil", nil, bot.GenericExample},
		{"none yet", func() string { return "" }, bot.GenericExample},
		{"blank", func() string { return "  " }, bot.GenericExample},
		{"from the corpus", func() string { return " What is the Kestrel Street Bridge? " }, "What is the Kestrel Street Bridge?"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.f.Example(); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
