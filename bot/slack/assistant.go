package slack

import (
	"context"
	"strings"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
)

// Slack's AI-app surfaces: the assistant thread status shown while an
// answer is on its way, the thread's title, and the suggested prompts a new
// assistant thread opens with.

// The status texts. Slack shows the status after the app's name and
// rotates through the loading messages. slack-go joins the loading
// messages with commas, so none may contain one.
const (
	statusText = "is looking that up…"
	// maxTitleRunes bounds an assistant thread's title; Slack shows about
	// this much of it in the thread list.
	maxThreadTitleRunes = 80
	// maxPromptTitleRunes bounds a suggested prompt's label.
	maxPromptTitleRunes   = 75
	suggestedPromptsTitle = "Try asking"
)

var (
	loadingMessages      = []string{"Searching the articles…", "Reading the best passages…", "Checking the quotes…"}
	indexLoadingMessages = []string{"Still loading the articles…", "This may take a minute…"}
)

// setStatus shows that an answer is on its way in the thread rooted at
// threadTS, and reports whether Slack accepted it. Slack clears the status
// itself when the app replies in the thread (or after two minutes).
func (a *Adapter) setStatus(ctx context.Context, channel, threadTS string, indexLoading bool) bool {
	ctx, cancel := context.WithTimeout(ctx, streamUpdateTimeout)
	defer cancel()
	msgs := loadingMessages
	if indexLoading {
		msgs = indexLoadingMessages
	}
	err := a.api.SetAssistantThreadsStatusContext(ctx, slack.AssistantThreadsSetStatusParameters{
		ChannelID: channel, ThreadTS: threadTS, Status: statusText, LoadingMessages: msgs})
	if err != nil {
		a.log.Info("slack: could not set the thread status; posting a placeholder instead", "err", err)
		return false
	}
	return true
}

// clearStatus removes the status when no reply will clear it.
func (a *Adapter) clearStatus(ctx context.Context, channel, threadTS string) {
	ctx, cancel := context.WithTimeout(ctx, streamUpdateTimeout)
	defer cancel()
	if err := a.api.SetAssistantThreadsStatusContext(ctx, slack.AssistantThreadsSetStatusParameters{ChannelID: channel, ThreadTS: threadTS}); err != nil {
		a.log.Debug("slack: could not clear the thread status", "err", err)
	}
}

// titleThread names an assistant thread after its first question, so the
// user finds it again in the app's history. Later questions keep the title.
func (a *Adapter) titleThread(ctx context.Context, channel, threadTS, question string) {
	if !a.titled.AddIfAbsent(threadKey(channel, threadTS), struct{}{}) {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, streamUpdateTimeout)
	defer cancel()
	err := a.api.SetAssistantThreadsTitleContext(ctx, slack.AssistantThreadsSetTitleParameters{
		ChannelID: channel, ThreadTS: threadTS, Title: truncateRunes(oneLine(question), maxThreadTitleRunes)})
	if err != nil {
		// A direct message thread outside the assistant view has no title.
		a.log.Debug("slack: could not set the thread title", "err", err)
	}
}

// onAssistantThreadStarted offers suggested prompts, drawn from the loaded
// corpus, when a user opens a new assistant thread.
func (a *Adapter) onAssistantThreadStarted(ctx context.Context, team string, e *slackevents.AssistantThreadStartedEvent) {
	channel, ts := e.AssistantThread.ChannelID, e.AssistantThread.ThreadTimeStamp
	if channel == "" || ts == "" || !a.allowed(team, channel) {
		return
	}
	prompts := a.suggestedPrompts()
	if len(prompts) == 0 {
		return
	}
	a.spawn(ctx, func(ctx context.Context) {
		ctx, cancel := context.WithTimeout(ctx, postTimeout)
		defer cancel()
		err := a.api.SetAssistantThreadsSuggestedPromptsContext(ctx, slack.AssistantThreadsSetSuggestedPromptsParameters{
			Title: suggestedPromptsTitle, ChannelID: channel, ThreadTS: ts, Prompts: prompts})
		if err != nil {
			a.log.Warn("slack: could not set suggested prompts", "err", err)
		}
	})
}

// suggestedPrompts turns ExampleQuestions into at most four distinct
// prompts. Sending a prompt asks its question, so the message is the whole
// question and the title a short form of it.
func (a *Adapter) suggestedPrompts() []slack.AssistantThreadsPrompt {
	if a.opts.ExampleQuestions == nil {
		return nil
	}
	var out []slack.AssistantThreadsPrompt
	seen := map[string]bool{}
	for _, q := range a.opts.ExampleQuestions() {
		q = truncateRunes(oneLine(q), maxQuestionRunes)
		if q == "" || seen[strings.ToLower(q)] {
			continue
		}
		seen[strings.ToLower(q)] = true
		out = append(out, slack.AssistantThreadsPrompt{Title: truncateRunes(q, maxPromptTitleRunes), Message: q})
		if len(out) == maxSuggestedPrompts {
			break
		}
	}
	return out
}
