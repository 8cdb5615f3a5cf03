package telegram

import (
	"encoding/json"
	"slices"
	"strconv"
	"testing"

	"github.com/go-telegram/bot/models"
)

// botReactions are some of the emoji Telegram lets bots react with; any
// other is refused with REACTION_INVALID.
var botReactions = []string{"👍", "👎", "❤", "🔥", "👀", "🤔", "👌", "✍"}

// setMessageReaction plays the Bot API method for the fake: a list of at
// most one emoji reaction from the allowed set, or an empty list to remove
// the bot's reaction.
func (f *fakeAPI) setMessageReaction(p map[string]string) *apiFailure {
	if _, err := strconv.ParseInt(p["chat_id"], 10, 64); err != nil {
		return &apiFailure{Code: 400, Description: "Bad Request: chat not found"}
	}
	if id, err := strconv.Atoi(p["message_id"]); err != nil || id <= 0 {
		return &apiFailure{Code: 400, Description: "Bad Request: message to react not found"}
	}
	var list []struct {
		Type  string `json:"type"`
		Emoji string `json:"emoji"`
	}
	if raw, ok := p["reaction"]; ok {
		if err := json.Unmarshal([]byte(raw), &list); err != nil {
			f.t.Errorf("setMessageReaction: reaction %q: %v", raw, err)
			return &apiFailure{Code: 400, Description: "Bad Request: can't parse reaction types"}
		}
	}
	if len(list) > 1 {
		f.t.Errorf("setMessageReaction: %d reactions, bots may set one", len(list))
		return &apiFailure{Code: 400, Description: "Bad Request: REACTIONS_TOO_MANY"}
	}
	for _, r := range list {
		if r.Type != "emoji" || !slices.Contains(botReactions, r.Emoji) {
			f.t.Errorf("setMessageReaction: %+v is not a reaction bots may set", r)
			return &apiFailure{Code: 400, Description: "Bad Request: REACTION_INVALID"}
		}
	}
	return nil
}

// reactionOf is the emoji a setMessageReaction call sets, "" when it
// removes the reaction.
func reactionOf(t *testing.T, c apiCall) string {
	t.Helper()
	var list []models.ReactionType
	if err := json.Unmarshal([]byte(c.Params["reaction"]), &list); err != nil {
		t.Fatalf("reaction %q: %v", c.Params["reaction"], err)
	}
	if len(list) == 0 {
		return ""
	}
	return list[0].ReactionTypeEmoji.Emoji
}

// callIndex is the position of the first call that matches, -1 if none.
func callIndex(calls []apiCall, match func(apiCall) bool) int {
	return slices.IndexFunc(calls, match)
}

func TestReactionWhileAnswering(t *testing.T) {
	for _, chat := range []models.Chat{privateChat(801), groupChat(-100801)} {
		t.Run(string(chat.Type), func(t *testing.T) {
			h := start(t, realEngine(t), Options{}, nil)
			q := h.ask(textMessage(chat, 801, "@"+testUsername+" "+estoniaQuestion))
			reply := h.waitReply(t, q.ID)

			reacts := h.f.waitCalls(t, "setMessageReaction", 2)
			for _, c := range reacts {
				if chatOf(c) != chat.ID || c.Params["message_id"] != strconv.Itoa(q.ID) {
					t.Errorf("reaction on chat %d message %s, want the question %d in chat %d", chatOf(c), c.Params["message_id"], q.ID, chat.ID)
				}
			}
			if got := reactionOf(t, reacts[0]); got != workingReaction {
				t.Errorf("first reaction %q, want %q", got, workingReaction)
			}
			if got := reactionOf(t, reacts[1]); got != "" {
				t.Errorf("second reaction %q, want it removed", got)
			}
			calls := h.f.allCalls()
			answered := callIndex(calls, func(c apiCall) bool { return c.ID == reply.ID && c.Method == "sendMessage" })
			removed := callIndex(calls, func(c apiCall) bool { return c.Method == "setMessageReaction" && c.Params["reaction"] == "[]" })
			if removed < answered {
				t.Errorf("reaction removed at call %d, before the answer at call %d", removed, answered)
			}
			if n := len(h.f.callsOf("setMessageReaction")); n != 2 {
				t.Errorf("%d setMessageReaction calls, want 2", n)
			}
		})
	}
}

func TestReactionNeverBlocksTheAnswer(t *testing.T) {
	t.Run("slow", func(t *testing.T) {
		h := start(t, realEngine(t), Options{}, nil)
		release := h.f.hold("setMessageReaction")
		defer release()
		q := h.ask(textMessage(privateChat(811), 811, estoniaQuestion))
		h.waitReply(t, q.ID)
		// Had the answer waited for the reaction, the call would have
		// timed out first.
		if calls := h.f.callsOf("setMessageReaction"); len(calls) != 0 {
			t.Fatalf("reaction calls %v before the answer, want the first still held", calls)
		}
		release()
		reacts := h.f.waitCalls(t, "setMessageReaction", 2)
		if reactionOf(t, reacts[0]) != workingReaction || reactionOf(t, reacts[1]) != "" {
			t.Errorf("reactions %v, want 👀 then removed", reacts)
		}
	})
	t.Run("refused", func(t *testing.T) {
		// One worker: once the last question is answered, the handling of
		// the earlier ones, reactions included, is over.
		h := start(t, realEngine(t), Options{MaxConcurrent: 1}, nil)
		group := groupChat(-100812)
		// The group's admins allow only some reactions.
		h.f.fail("setMessageReaction", apiFailure{Code: 400, Description: "Bad Request: REACTION_INVALID"})
		q1 := h.ask(textMessage(group, 812, "@"+testUsername+" "+estoniaQuestion))
		c := h.waitReply(t, q1.ID)
		checkAnswerMessage(t, c, q1.ID)
		q2 := h.ask(textMessage(group, 812, "@"+testUsername+" "+estoniaQuestion))
		h.waitReply(t, q2.ID)
		last := h.ask(textMessage(privateChat(813), 813, estoniaQuestion))
		h.waitReply(t, last.ID)

		var inGroup []apiCall
		for _, c := range h.f.callsOf("setMessageReaction") {
			if chatOf(c) == group.ID {
				inGroup = append(inGroup, c)
			}
		}
		if len(inGroup) != 1 {
			t.Errorf("%d reaction calls in the group, want the one refused: no removal, no second try", len(inGroup))
		}
	})
}
