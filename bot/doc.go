// Package bot turns chat into service calls and service results into messages.
//
// It is chat-neutral: a command layer parses "/runbook …" text, calls the
// runbook service and answers with a Message; notices from the lifecycle are
// rendered as Messages too. Adapters (bot/slack for Slack socket mode,
// bot/shell for the terminal) turn Messages into their own formats.
package bot
