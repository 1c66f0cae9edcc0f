package bot

import (
	"context"
	"strings"
	"testing"

	"github.com/runbook-bot/runbook-bot/runbook"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCommand_GivenTicketReports_WhenTicketsIsAsked_ThenTheReplyListsThemOrSaysWhy(t *testing.T) {
	tests := []struct {
		name     string
		lang     runbook.Lang
		report   *runbook.TicketReport // nil: no source configured
		want     []string
		wantNot  []string
		wantCall bool
	}{
		{"given no source when asked then no ticket source configured", runbook.LangEN, nil,
			[]string{"No ticket source configured: open tickets of seed-dev-data cannot be listed"}, nil, false},
		{"given no source in Portuguese when asked then nenhuma fonte", runbook.LangPT, nil,
			[]string{"Nenhuma fonte de tickets configurada"}, nil, false},
		{"given no open ticket when asked then none", runbook.LangEN, &runbook.TicketReport{},
			[]string{"Open tickets of seed-dev-data", "No open tickets related to seed-dev-data."}, nil, true},
		{"given seven tickets and a blocker when asked then five, the blocker first and marked, and 2 more", runbook.LangEN, seedTickets(),
			[]string{"Open tickets (7):", "⛔ #40 Blocker: dev database migration pending — open · unassigned · https://github.com/acme/infra/issues/40",
				"• #41 Seed fails on empty <users> table — open · marcos · https://github.com/acme/infra/issues/41", "and 2 more",
				"/runbook confirm seed-dev-data --despite-tickets"}, []string{"#36", "#35"}, true},
		{"given seven tickets in Portuguese when asked then e mais 2", runbook.LangPT, seedTickets(),
			[]string{"Tickets abertos (7):", "sem responsável", "e mais 2", "Tickets bloqueantes abertos: #40"}, nil, true},
		{"given the source failed when asked then tickets unavailable with the reason", runbook.LangEN,
			&runbook.TicketReport{Unavailable: runbook.M(runbook.TkTimedOut, "timeout", "5s")}, []string{"tickets unavailable: timed out after 5s"}, []string{"Open tickets ("}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, f, _ := newTestBot(t, tt.lang)
			f.tix = tt.report
			text := allText(b.Command(context.Background(), in("tickets seed-dev-data")).Message)
			for _, w := range tt.want {
				assert.Contains(t, text, w)
			}
			for _, w := range tt.wantNot {
				assert.NotContains(t, text, w)
			}
			if tt.wantCall {
				assert.Equal(t, []string{"tickets seed-dev-data"}, f.Calls())
			} else {
				assert.Empty(t, f.Calls())
			}
		})
	}
}

func TestTicketSections_GivenBlockersPastTheFive_ThenEveryBlockerIsListed(t *testing.T) {
	b, _, _ := newTestBot(t, runbook.LangEN)
	var rep runbook.TicketReport
	for i := range 7 {
		tk := runbook.Ticket{Key: "OPS-" + string(rune('1'+i)), Title: "[BLOCKER] item", Status: "To Do", Blocker: true}
		rep.Blockers = append(rep.Blockers, tk)
		if i < runbook.MaxShownTickets {
			rep.Tickets = append(rep.Tickets, tk)
		}
	}
	rep.Total, rep.More = 9, 4
	text := allText(Message{Sections: b.ticketSections(rep, "seed-dev-data")})
	assert.Equal(t, 7, strings.Count(text, "⛔ OPS-"))
	assert.Contains(t, text, "and 2 more")
	assert.Contains(t, text, "Blocker tickets open: OPS-1, OPS-2, OPS-3, OPS-4, OPS-5, OPS-6, OPS-7.")
}

func TestCheck_GivenTickets_WhenChecked_ThenAWarningLineThatNeverBlocks(t *testing.T) {
	tests := []struct {
		name   string
		report *runbook.TicketReport
		want   string // the last section; "" for no ticket line
	}{
		{"given no source when checked then no ticket line", nil, ""},
		{"given no open ticket when checked then no ticket line", &runbook.TicketReport{}, ""},
		{"given open tickets when checked then N open tickets", seedTickets(),
			"⚠ 7 open tickets related to seed-dev-data (/runbook tickets seed-dev-data lists them); they do not block the run."},
		{"given the source failed when checked then tickets unavailable", &runbook.TicketReport{Unavailable: runbook.M(runbook.TkStatus, "service", "GitHub", "status", "502")},
			"⚠ tickets unavailable: GitHub answered 502"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, f, _ := newTestBot(t, runbook.LangEN)
			f.tix = tt.report
			j, _ := f.rb.Job("seed-dev-data")
			f.pf = runbook.Preflight{Results: []runbook.CheckResult{{Check: j.Checks[0], OK: true}}}
			rep := b.Command(context.Background(), in("check seed-dev-data"))
			last := rep.Sections[len(rep.Sections)-1].Text
			if tt.want == "" {
				assert.Equal(t, "All automated checks passed.", last)
				assert.NotContains(t, allText(rep.Message), "ticket")
				return
			}
			assert.Equal(t, tt.want, last)
			assert.Contains(t, allText(rep.Message), "All automated checks passed.")
		})
	}
}

func TestConfirm_GivenDespiteTickets_WhenConfirmed_ThenTheReplySaysItWasRecorded(t *testing.T) {
	tests := []struct {
		name    string
		lang    runbook.Lang
		report  *runbook.TicketReport
		text    string
		want    string
		wantNot string
	}{
		{"given a source and --despite-tickets when confirmed then recorded", runbook.LangEN, seedTickets(),
			"confirm seed-dev-data --despite-tickets", "Recorded as confirmed despite open tickets", "not checked"},
		{"given a source and --despite-tickets in Portuguese when confirmed then registrado", runbook.LangPT, seedTickets(),
			"confirm seed-dev-data --despite-tickets", "Registrado como confirmado apesar de tickets abertos", "não foram verificados"},
		{"given no source and --despite-tickets when confirmed then not checked", runbook.LangEN, nil,
			"confirm seed-dev-data --despite-tickets", "open tickets were not checked", "Recorded as confirmed"},
		{"given a source and a plain confirm when confirmed then nothing about tickets", runbook.LangEN, seedTickets(),
			"confirm seed-dev-data", "seed-dev-data confirmed for", "ticket"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, f, _ := newTestBot(t, tt.lang)
			f.tix = tt.report
			f.occ = runbook.Occurrence{Job: "seed-dev-data", Window: window, State: runbook.Confirmed}
			text := allText(b.Command(context.Background(), in(tt.text)).Message)
			assert.Contains(t, text, tt.want)
			assert.NotContains(t, text, tt.wantNot)
		})
	}
}

func TestConfirm_GivenBlockerTickets_WhenRefused_ThenTheBlockersAndTheWayOutAreNamed(t *testing.T) {
	tests := []struct {
		lang runbook.Lang
		want string
	}{
		{runbook.LangEN, "seed-dev-data has open blocker tickets: #40, OPS-7. Close them, or, having reviewed them, confirm anyway with /runbook confirm seed-dev-data --despite-tickets (recorded in the audit log)."},
		{runbook.LangPT, "seed-dev-data tem tickets bloqueantes abertos: #40, OPS-7. Feche-os ou, depois de revisá-los, confirme mesmo assim com /runbook confirm seed-dev-data --despite-tickets (fica registrado na auditoria)."},
	}
	for _, tt := range tests {
		t.Run(string(tt.lang), func(t *testing.T) {
			b, f, logs := newTestBot(t, tt.lang)
			f.err = runbook.NewError(runbook.KindConflict, "blocker_tickets", map[string]any{"tickets": "#40, OPS-7"})
			rep := b.Command(context.Background(), in("confirm seed-dev-data"))
			require.Len(t, rep.Sections, 1)
			assert.Equal(t, tt.want, rep.Sections[0].Text)
			assert.NotContains(t, logs.String(), "no catalogue entry")
		})
	}
}
