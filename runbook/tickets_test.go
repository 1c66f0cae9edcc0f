package runbook

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// ticketSourceFunc adapts a function to TicketSource.
type ticketSourceFunc func(ctx context.Context, job string) ([]Ticket, error)

func (f ticketSourceFunc) OpenTickets(ctx context.Context, job string) ([]Ticket, error) {
	return f(ctx, job)
}

func fixedTickets(ts ...Ticket) TicketSource {
	return ticketSourceFunc(func(context.Context, string) ([]Ticket, error) { return ts, nil })
}

func numberedTickets(n int) []Ticket {
	ts := make([]Ticket, n)
	for i := range ts {
		ts[i] = Ticket{Key: fmt.Sprintf("#%d", i+1), Title: fmt.Sprintf("issue %d", i+1), Status: "open"}
	}
	return ts
}

func ticketKeys(ts []Ticket) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.Key
	}
	return out
}

func TestTickets_Report(t *testing.T) {
	tests := []struct {
		name         string
		src          TicketSource
		wantKeys     []string
		wantMore     int
		wantTotal    int
		wantBlockers []string
	}{
		{
			name: "given no source, when asked, then the report is empty and available",
			src:  nil,
		},
		{
			name:      "given no open tickets, when asked, then the report is empty",
			src:       fixedTickets(),
			wantTotal: 0,
		},
		{
			name:      "given three tickets, when asked, then all three are shown",
			src:       fixedTickets(numberedTickets(3)...),
			wantKeys:  []string{"#1", "#2", "#3"},
			wantTotal: 3,
		},
		{
			name:      "given seven tickets, when asked, then five are shown and two more counted",
			src:       fixedTickets(numberedTickets(7)...),
			wantKeys:  []string{"#1", "#2", "#3", "#4", "#5"},
			wantMore:  2,
			wantTotal: 7,
		},
		{
			name: "given a blocker beyond the fifth, when asked, then blockers come first and all are listed",
			src: fixedTickets(append(numberedTickets(6),
				Ticket{Key: "#7", Title: "BLOCKER: staging DNS"},
				Ticket{Key: "#8", Title: "flaky import", Labels: []string{"bug", "Runbook-Blocker"}})...),
			wantKeys:     []string{"#7", "#8", "#1", "#2", "#3"},
			wantMore:     3,
			wantTotal:    8,
			wantBlockers: []string{"#7", "#8"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rep := Tickets(context.Background(), tc.src, "seed-dev-data", time.Second)

			assert.Empty(t, rep.Unavailable)
			assert.Equal(t, tc.wantTotal, rep.Total)
			assert.Equal(t, tc.wantMore, rep.More)
			assert.LessOrEqual(t, len(rep.Tickets), MaxShownTickets)
			if tc.wantKeys == nil {
				assert.Empty(t, rep.Tickets)
			} else {
				assert.Equal(t, tc.wantKeys, ticketKeys(rep.Tickets))
			}
			if tc.wantBlockers == nil {
				assert.Empty(t, rep.Blockers)
			} else {
				assert.Equal(t, tc.wantBlockers, ticketKeys(rep.Blockers))
				for _, b := range rep.Blockers {
					assert.True(t, b.Blocker, b.Key)
				}
			}
		})
	}
}

func TestTickets_PassesTheJobToTheSource(t *testing.T) {
	var got string
	src := ticketSourceFunc(func(_ context.Context, job string) ([]Ticket, error) {
		got = job
		return nil, nil
	})

	Tickets(context.Background(), src, "reset-staging", time.Second)

	assert.Equal(t, "reset-staging", got)
}

func TestIsBlocker(t *testing.T) {
	tests := []struct {
		name string
		in   Ticket
		want bool
	}{
		{"given the word in the title, then it is a blocker", Ticket{Title: "Blocker: mongo replica lagging"}, true},
		{"given the word in capitals in brackets, then it is a blocker", Ticket{Title: "[BLOCKER] seed fails"}, true},
		{"given the plural, then it is a blocker", Ticket{Title: "blockers for the reset"}, true},
		{"given the word at the end, then it is a blocker", Ticket{Title: "this is a blocker"}, true},
		{"given the label, then it is a blocker", Ticket{Title: "x", Labels: []string{"runbook-blocker"}}, true},
		{"given the label in another case, then it is a blocker", Ticket{Title: "x", Labels: []string{"Runbook-Blocker"}}, true},
		{"given the source flag, then it is a blocker", Ticket{Title: "x", Blocker: true}, true},
		{"given a longer word, then it is not a blocker", Ticket{Title: "adblocker update"}, false},
		{"given blocking, then it is not a blocker", Ticket{Title: "non-blocking warning in seed"}, false},
		{"given non-blocker, then it is not a blocker", Ticket{Title: "non-blocker: typo in README"}, false},
		{"given another label, then it is not a blocker", Ticket{Title: "x", Labels: []string{"blocker-ish"}}, false},
		{"given nothing, then it is not a blocker", Ticket{}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, IsBlocker(tc.in))
		})
	}
}

func TestTickets_Unavailable(t *testing.T) {
	const token = "ghp_s3cr3tT0kenValue"
	tests := []struct {
		name    string
		err     error
		want    Msg
		notWant []string
	}{
		{
			name: "given a source error that explains itself, when asked, then its reason is the code and arguments",
			err:  explained{M(TkUnauthorized, "service", "GitHub", "vars", "RUNBOOK_GITHUB_TOKEN"), "GitHub answered 401 (check RUNBOOK_GITHUB_TOKEN)"},
			want: M(TkUnauthorized, "service", "GitHub", "vars", "RUNBOOK_GITHUB_TOKEN"),
		},
		{
			name:    "given an explained error whose argument carries credentials, when asked, then they are masked",
			err:     explained{M(TkUnreachable, "service", "Jira", "error", `Get "https://bot:`+token+`@jira.example.net/rest?token=`+token+`": refused`), "x"},
			want:    M(TkUnreachable, "service", "Jira", "error", `Get "https://***@jira.example.net/rest?…": refused`),
			notWant: []string{token},
		},
		{
			name:    "given an error with a URL carrying credentials, when asked, then they are masked",
			err:     errors.New(`Get "https://bot:` + token + `@jira.example.net/rest?token=` + token + `": refused`),
			want:    M(TkError, "error", `Get "https://***@jira.example.net/rest?…": refused`),
			notWant: []string{token},
		},
		{
			name: "given a multi-line error, when asked, then only the first line is kept",
			err:  errors.New("Jira answered 500\n<html>stack trace</html>"),
			want: M(TkError, "error", "Jira answered 500"),
		},
		{
			name: "given an empty error, when asked, then a generic reason is given",
			err:  errors.New("  "),
			want: M(TkFailed),
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := ticketSourceFunc(func(context.Context, string) ([]Ticket, error) {
				return numberedTickets(2), tc.err
			})

			rep := Tickets(context.Background(), src, "seed-dev-data", time.Second)

			assert.Equal(t, tc.want, rep.Unavailable)
			assert.NotEmpty(t, rep.Why, "the text for logs and the audit")
			assert.Empty(t, rep.Tickets)
			assert.Zero(t, rep.Total)
			for _, s := range tc.notWant {
				assert.NotContains(t, rep.Unavailable.String(), s)
				assert.NotContains(t, rep.Why, s)
			}
		})
	}
}

func TestTickets_LongReasonIsCapped(t *testing.T) {
	src := ticketSourceFunc(func(context.Context, string) ([]Ticket, error) {
		return nil, errors.New(strings.Repeat("x", 1000))
	})

	rep := Tickets(context.Background(), src, "j", time.Second)

	assert.LessOrEqual(t, len([]rune(rep.Unavailable.Arg("error"))), maxReasonLen)
	assert.True(t, strings.HasSuffix(rep.Unavailable.Arg("error"), "…"))
	assert.LessOrEqual(t, len([]rune(rep.Why)), maxReasonLen)
}

func TestTickets_Timeouts(t *testing.T) {
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	tests := []struct {
		name    string
		src     TicketSource
		timeout time.Duration
		want    Msg
	}{
		{
			name: "given a source that honours its context, when it outlives the timeout, then the report says timed out",
			src: ticketSourceFunc(func(ctx context.Context, _ string) ([]Ticket, error) {
				<-ctx.Done()
				return nil, ctx.Err()
			}),
			timeout: 20 * time.Millisecond,
			want:    M(TkTimedOut, "timeout", "20ms"),
		},
		{
			name: "given a source that ignores its context, when the timeout passes, then Tickets returns anyway",
			src: ticketSourceFunc(func(context.Context, string) ([]Ticket, error) {
				<-release
				return numberedTickets(1), nil
			}),
			timeout: 20 * time.Millisecond,
			want:    M(TkTimedOut, "timeout", "20ms"),
		},
		{
			name: "given a source wrapping the deadline in its own error, when it times out, then the report says timed out",
			src: ticketSourceFunc(func(ctx context.Context, _ string) ([]Ticket, error) {
				<-ctx.Done()
				return nil, fmt.Errorf("GitHub unreachable: %w", ctx.Err())
			}),
			timeout: 20 * time.Millisecond,
			want:    M(TkTimedOut, "timeout", "20ms"),
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rep := Tickets(context.Background(), tc.src, "seed-dev-data", tc.timeout)

			assert.Equal(t, tc.want, rep.Unavailable)
			assert.Empty(t, rep.Tickets)
		})
	}
}

func TestTickets_DefaultTimeoutIsFiveSeconds(t *testing.T) {
	var deadline time.Time
	var hasDeadline bool
	src := ticketSourceFunc(func(ctx context.Context, _ string) ([]Ticket, error) {
		deadline, hasDeadline = ctx.Deadline()
		return nil, nil
	})
	before := time.Now()

	Tickets(context.Background(), src, "j", 0)

	require.True(t, hasDeadline)
	assert.WithinDuration(t, before.Add(DefaultTicketTimeout), deadline, time.Second)
}

func TestTickets_CallerCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	src := ticketSourceFunc(func(ctx context.Context, _ string) ([]Ticket, error) {
		<-ctx.Done()
		return nil, ctx.Err()
	})

	rep := Tickets(ctx, src, "j", time.Minute)

	assert.Equal(t, M(TkCancelled), rep.Unavailable)
}

func TestTickets_SourcePanics(t *testing.T) {
	src := ticketSourceFunc(func(context.Context, string) ([]Ticket, error) { panic("boom") })

	rep := Tickets(context.Background(), src, "j", time.Second)

	assert.Equal(t, M(TkFailed), rep.Unavailable)
	assert.Equal(t, "ticket source failed", rep.Why)
}

// explained is a source error that says what to tell people.
type explained struct {
	why  Msg
	text string
}

func (e explained) Error() string { return e.text }
func (e explained) Explain() Msg  { return e.why }
