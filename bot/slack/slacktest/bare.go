package slacktest

import (
	"context"
	"errors"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

// RunBareAckBot runs a minimal slack-go socket-mode client against apiURL that
// acks every request immediately and does nothing else: a baseline for
// benchmarks. It returns nil when ctx ends, or the client's fatal error.
func RunBareAckBot(ctx context.Context, apiURL, appToken, botToken string) error {
	api := slack.New(botToken, slack.OptionAPIURL(apiURL), slack.OptionAppLevelToken(appToken))
	client := socketmode.New(api)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errc := make(chan error, 1)
	go func() { errc <- client.RunContext(ctx) }()
	for {
		select {
		case err := <-errc:
			if ctx.Err() != nil || errors.Is(err, context.Canceled) {
				return nil
			}
			return err
		case evt := <-client.Events:
			if evt.Request == nil || evt.Request.EnvelopeID == "" {
				continue
			}
			if err := client.AckCtx(ctx, evt.Request.EnvelopeID, nil); err != nil && ctx.Err() == nil {
				return err
			}
		}
	}
}
