package main

import (
	"fmt"
	"io"

	"github.com/runbook-bot/runbook-bot/bot"
	"github.com/runbook-bot/runbook-bot/runbook"
)

// messageLang is the language the bot speaks: RUNBOOK_LANG, else the runbook's
// (as far as it was understood), else English.
func messageLang(cfg Config, rb *runbook.Runbook) runbook.Lang {
	switch {
	case cfg.Lang != "":
		return runbook.Lang(cfg.Lang)
	case rb != nil && rb.Lang != "":
		return rb.Lang
	}
	return runbook.LangEN
}

// printProblems prints each problem as FILE:LINE: message, in lang.
func printProblems(w io.Writer, lang runbook.Lang, problems runbook.Problems) {
	for _, p := range problems {
		fmt.Fprintln(w, bot.RenderProblem(lang, p))
	}
}
