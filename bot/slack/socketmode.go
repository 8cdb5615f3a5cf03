package slack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"
)

// Run connects over Socket Mode and handles events until ctx is done, then
// waits for the answers in flight. Without AppToken it returns nil at once.
// It returns an error only if the connection cannot be (re)established,
// for instance because a token is invalid.
func (a *Adapter) Run(ctx context.Context) error {
	if !a.SocketMode() {
		return nil
	}
	smc := socketmode.New(a.api, socketmode.OptionLog(slogOutput{a.log}))
	runErr := make(chan error, 1)
	go func() { runErr <- smc.RunContext(ctx) }()
	for {
		select {
		case <-ctx.Done():
			<-runErr
			a.drain()
			return nil
		case err := <-runErr:
			if ctx.Err() != nil {
				a.drain()
				return nil
			}
			return fmt.Errorf("slack socket mode: %w", err)
		case evt := <-smc.Events:
			a.onSocketEvent(ctx, smc, evt)
		}
	}
}

// onSocketEvent acknowledges each request at once, as Slack expects within
// 3 s, and hands it to the same code as HTTP mode.
func (a *Adapter) onSocketEvent(ctx context.Context, smc *socketmode.Client, evt socketmode.Event) {
	switch evt.Type {
	case socketmode.EventTypeConnecting:
		if a.socket.Load() != StateStarting {
			a.socket.Store("reconnecting")
		}
	case socketmode.EventTypeConnected:
		a.socket.Store(StateRunning)
		a.log.Info("slack: socket mode connected")
	case socketmode.EventTypeConnectionError, socketmode.EventTypeInvalidAuth, socketmode.EventTypeIncomingError:
		if evt.Type != socketmode.EventTypeIncomingError {
			a.socket.Store("reconnecting")
		}
		a.log.Warn("slack: socket mode connection problem", "event", string(evt.Type), "detail", socketErr(evt.Data))
	case socketmode.EventTypeErrorBadMessage:
		// The request could not be parsed, e.g. an event type slack-go
		// does not know. Acknowledge it anyway so Slack does not retry it.
		a.log.Debug("slack: unparsable socket mode request", "detail", socketErr(evt.Data))
		if bad, ok := evt.Data.(*socketmode.ErrorBadMessage); ok {
			var env struct {
				EnvelopeID string `json:"envelope_id"`
			}
			if json.Unmarshal(bad.Message, &env) == nil && env.EnvelopeID != "" {
				a.ack(ctx, smc, env.EnvelopeID, nil)
			}
		}
	case socketmode.EventTypeEventsAPI:
		a.ackRequest(ctx, smc, evt.Request, nil)
		if ev, ok := evt.Data.(slackevents.EventsAPIEvent); ok {
			a.onEvent(ctx, ev)
		}
	case socketmode.EventTypeSlashCommand:
		cmd, ok := evt.Data.(slack.SlashCommand)
		if !ok {
			a.ackRequest(ctx, smc, evt.Request, nil)
			return
		}
		reply := a.onCommand(ctx, cmd)
		a.ackRequest(ctx, smc, evt.Request, reply)
	case socketmode.EventTypeInteractive:
		a.ackRequest(ctx, smc, evt.Request, nil)
		if ic, ok := evt.Data.(slack.InteractionCallback); ok {
			a.onInteraction(ctx, ic)
		}
	}
}

func (a *Adapter) ackRequest(ctx context.Context, smc *socketmode.Client, req *socketmode.Request, payload any) {
	if req == nil || req.EnvelopeID == "" {
		return
	}
	if req.RetryAttempt > 0 {
		a.log.Debug("slack: request redelivered", "retry", req.RetryAttempt, "reason", req.RetryReason)
	}
	a.ack(ctx, smc, req.EnvelopeID, payload)
}

func (a *Adapter) ack(ctx context.Context, smc *socketmode.Client, envelopeID string, payload any) {
	if err := smc.AckCtx(ctx, envelopeID, payload); err != nil && !errors.Is(err, context.Canceled) {
		a.log.Warn("slack: could not acknowledge socket mode request", "err", err)
	}
}

// socketErr describes a socket mode event's error without dumping payloads.
func socketErr(data any) string {
	switch d := data.(type) {
	case *slack.ConnectionErrorEvent:
		return d.Error()
	case *slack.IncomingEventError:
		return d.Error()
	case *socketmode.ErrorBadMessage:
		return d.Cause.Error()
	case error:
		return d.Error()
	}
	return fmt.Sprintf("%T", data)
}
