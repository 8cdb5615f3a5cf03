package bot_test

import (
	"testing"

	"github.com/citebot/citebot/bot"
)

func TestIsReady(t *testing.T) {
	if !bot.IsReady(nil) {
		t.Error("nil channel: got not ready, want ready")
	}
	ch := make(chan struct{})
	if bot.IsReady(ch) {
		t.Error("open channel: got ready")
	}
	close(ch)
	if !bot.IsReady(ch) {
		t.Error("closed channel: got not ready")
	}
}
