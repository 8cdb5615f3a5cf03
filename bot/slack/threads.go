package slack

import (
	"strings"
)

// Follow-ups in channel threads: once the bot has answered in a thread,
// later messages there are questions to it, without a mention. The bot
// remembers such threads in memory (threadMemorySize of them, each for
// threadMemoryTTL), so after a restart, or on another replica, a follow-up
// needs a mention again; a mention also renews the memory.

func threadKey(channel, threadTS string) string { return channel + "/" + threadTS }

// followThread remembers that the bot answers in this channel thread.
func (a *Adapter) followThread(channel, threadTS string) {
	a.threads.Put(threadKey(channel, threadTS), struct{}{})
}

// followsThread reports whether the bot answered in this channel thread.
func (a *Adapter) followsThread(channel, threadTS string) bool {
	_, ok := a.threads.Get(threadKey(channel, threadTS))
	return ok
}

// addressedElsewhere reports whether a thread message is meant for someone
// else: it mentions users, and the bot is not among them. Such a message
// is conversation between people, not a question to the bot.
func addressedElsewhere(text, botUser string) bool {
	mentions := false
	for _, m := range slackTokenRE.FindAllStringSubmatch(text, -1) {
		id, ok := strings.CutPrefix(m[1], "@")
		if !ok {
			continue
		}
		id, _, _ = strings.Cut(id, "|")
		if id == botUser {
			return false
		}
		mentions = true
	}
	return mentions
}

// mentionsUser reports whether text mentions user.
func mentionsUser(text, user string) bool {
	return user != "" && (strings.Contains(text, "<@"+user+">") || strings.Contains(text, "<@"+user+"|"))
}
