package main

import (
	"fmt"
	"io"

	"github.com/runbook-bot/runbook-bot/bot"
	"github.com/runbook-bot/runbook-bot/runbook"
)

// printProblems prints each problem as FILE:LINE: message, in lang.
func printProblems(w io.Writer, lang runbook.Lang, problems runbook.Problems) {
	for _, p := range problems {
		fmt.Fprintln(w, bot.RenderProblem(lang, p))
	}
}
