// Package bot holds what the chat adapters share: asking a citebot.Answerer
// with a deadline, and the feedback log their 👍/👎 buttons write to. Each adapter lives in
// its own sub-package (bot/slack, bot/telegram, bot/web).
package bot
