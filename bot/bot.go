package bot

import (
	"log/slog"
	"time"

	"github.com/runbook-bot/runbook-bot/runbook"
)

// Options configure the bot.
type Options struct {
	Lang    runbook.Lang // RUNBOOK_LANG; empty: the runbook's own language
	Channel string       // RUNBOOK_CHANNEL, where runbook notices go
	Log     *slog.Logger // nil: slog.Default()
}

// Bot turns chat commands into service calls and notices into messages.
type Bot struct {
	svc  Service
	opts Options
	log  *slog.Logger
}

// New builds a bot over the service.
func New(svc Service, o Options) *Bot {
	log := o.Log
	if log == nil {
		log = slog.Default()
	}
	return &Bot{svc: svc, opts: o, log: log}
}

// Lang is the language of the bot's messages: Options.Lang, else the runbook's, else English.
func (b *Bot) Lang() runbook.Lang { return CLILang(b.opts.Lang, b.svc.Runbook()) }

// Now is the service clock's time, for adapters that render notices.
func (b *Bot) Now() time.Time { return b.svc.Now() }

func (b *Bot) runbook() *runbook.Runbook {
	if rb := b.svc.Runbook(); rb != nil {
		return rb
	}
	return &runbook.Runbook{}
}
