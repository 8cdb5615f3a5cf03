package telegram

import (
	"fmt"
	"strconv"
	"testing"

	"github.com/go-telegram/bot/models"
)

func TestGroupRepliesCountOnlyToTheBot(t *testing.T) {
	eng := &recorder{Answerer: realEngine(t)}
	// One worker: once the last question is answered, the earlier ones are
	// known to have been passed over.
	h := start(t, eng, Options{MaxConcurrent: 1}, nil)
	group := groupChat(-100821)
	group.IsForum = true

	// A question in a forum topic the bot opened, and the bot's answer.
	topicStart := &models.Message{ID: newMsgID(), From: &h.f.me, Chat: group,
		ForumTopicCreated: &models.ForumTopicCreated{Name: "Treaties"}}
	inTopic := func(m *models.Message) *models.Message {
		m.IsTopicMessage, m.MessageThreadID = true, topicStart.ID
		if m.ReplyToMessage == nil {
			m.ReplyToMessage = topicStart // as Telegram sends every message in a topic
		}
		return m
	}
	q := h.ask(inTopic(textMessage(group, 31, "@"+testUsername+" "+estoniaQuestion)))
	answer := h.waitReply(t, q.ID)
	if got := answer.Params["message_thread_id"]; got != strconv.Itoa(topicStart.ID) {
		t.Errorf("answer in thread %q, want the topic %d", got, topicStart.ID)
	}

	someone := textMessage(group, 32, "Estonia joined in 2004, I think")
	otherBot := textMessage(group, 33, "Weather: sunny")
	otherBot.From.IsBot = true
	passed := map[string]*models.Message{}
	for name, to := range map[string]*models.Message{
		"a person's message":        someone,
		"another bot's message":     otherBot,
		"the topic's first message": nil, // no reply at all
	} {
		m := textMessage(group, 34, "and Lithuania?")
		m.ReplyToMessage = to
		passed[name] = h.ask(inTopic(m))
	}
	followUp := textMessage(group, 35, "and when did Lithuania?")
	followUp.ReplyToMessage = h.f.sentMessage(answer)
	h.ask(inTopic(followUp))
	c := h.waitReply(t, followUp.ID)
	checkAnswerMessage(t, c, followUp.ID)

	for name, m := range passed {
		if n := len(h.attemptsTo(m.ID)); n != 0 {
			t.Errorf("a reply to %s got %d answers, want none", name, n)
		}
	}
	qs := eng.questions()
	if len(qs) != 2 {
		t.Fatalf("engine asked %d questions, want the mention and the reply to the bot: %+v", len(qs), qs)
	}
	want := fmt.Sprintf("telegram:%d:%d", group.ID, q.ID)
	if qs[0].ConversationID != want || qs[1].ConversationID != want {
		t.Errorf("conversations %q and %q, want both %q: the reply continues the answer's", qs[0].ConversationID, qs[1].ConversationID, want)
	}
	if qs[1].Text != "and when did Lithuania?" {
		t.Errorf("follow-up asked as %q", qs[1].Text)
	}
}
