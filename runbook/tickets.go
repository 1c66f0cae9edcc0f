package runbook

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Ticket is an open ticket related to a job.
type Ticket struct {
	Key      string   // "#123" (GitHub) or "OPS-42" (Jira)
	Title    string   // as written in the tracker
	Status   string   // "open", "In Progress", …
	Assignee string   // login or display name; empty when unassigned
	URL      string   // link for people (never an API URL with credentials)
	Labels   []string // label names
	Blocker  bool     // set by the source, or by Tickets when IsBlocker says so
}

// TicketOpen is the status of a ticket whose tracker has no other word for it
// than open (GitHub): the chat layer says it in the reader's language.
const TicketOpen = "open"

// TicketSource lists the open tickets related to a job.
type TicketSource interface {
	// OpenTickets returns the job's open tickets; it should honour ctx's deadline.
	OpenTickets(ctx context.Context, job string) ([]Ticket, error)
}

// TicketReport is what a confirmation request shows: up to five tickets, how many more, or why they are unavailable.
type TicketReport struct {
	Tickets     []Ticket // at most MaxShownTickets, blockers first, then in the source's order
	More        int      // Total - len(Tickets)
	Total       int      // every open ticket the source returned
	Unavailable Msg      // why, when the source failed (a ticket.* code); zero otherwise
	Why         string   `json:",omitempty"` // the same as the look-up's error text, for logs and the audit
	Blockers    []Ticket // every blocker, shown or not
}

// Explained is an error that says what to tell people about it.
type Explained interface {
	error
	Explain() Msg
}

// DefaultTicketTimeout bounds a ticket look-up when Tickets is given no timeout.
const DefaultTicketTimeout = 5 * time.Second

// MaxShownTickets is how many tickets a report lists before "and N more".
const MaxShownTickets = 5

// BlockerLabel is the label that marks a ticket as a blocker of its job.
const BlockerLabel = "runbook-blocker"

// maxReasonLen caps the length of an Unavailable reason, in runes.
const maxReasonLen = 160

// Tickets asks src for the open tickets of job within timeout (DefaultTicketTimeout when
// zero or negative) and never fails: a failure becomes the report's Unavailable reason.
// A nil source gives an empty report. It returns when the timeout passes even if the
// source ignores its context.
func Tickets(ctx context.Context, src TicketSource, job string, timeout time.Duration) TicketReport {
	if src == nil {
		return TicketReport{}
	}
	if timeout <= 0 {
		timeout = DefaultTicketTimeout
	}
	tctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	type result struct {
		tickets []Ticket
		err     error
	}
	done := make(chan result, 1) // buffered: a late source never blocks
	go func() {
		defer func() {
			if p := recover(); p != nil {
				done <- result{err: errTicketSource}
			}
		}()
		ts, err := src.OpenTickets(tctx, job)
		done <- result{ts, err}
	}()

	var r result
	select {
	case r = <-done:
	case <-tctx.Done():
		select {
		case r = <-done: // answered at the last moment
		default:
			r = result{err: tctx.Err()}
		}
	}
	if r.err != nil {
		why, text := ticketFailure(ctx, tctx, r.err, timeout)
		return TicketReport{Unavailable: why, Why: text}
	}
	return reportOf(r.tickets)
}

// errTicketSource is a source that panicked.
var errTicketSource = errors.New("ticket source failed")

// ticketFailure turns a look-up error into a short reason for people and a
// single-line text for logs.
func ticketFailure(parent, tctx context.Context, err error, timeout time.Duration) (Msg, string) {
	switch {
	case parent.Err() != nil:
		return M(TkCancelled), "cancelled"
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(tctx.Err(), context.DeadlineExceeded):
		return M(TkTimedOut, "timeout", timeout.String()), fmt.Sprintf("timed out after %s", timeout)
	case errors.Is(err, errTicketSource):
		return M(TkFailed), err.Error()
	}
	text := shortReason(err.Error())
	var ex Explained
	if errors.As(err, &ex) {
		why := ex.Explain()
		args := make(map[string]string, len(why.Args))
		for k, v := range why.Args { // one line, no URL credentials, capped
			if strings.TrimSpace(v) != "" {
				v = shortReason(v)
			}
			args[k] = v
		}
		why.Args = args
		return why, text
	}
	if text == shortReason("") {
		return M(TkFailed), text
	}
	return M(TkError, "error", text), text
}

// shortReason keeps the first line of msg, hides URL credentials and caps its length.
func shortReason(msg string) string {
	msg, _, _ = strings.Cut(strings.TrimSpace(msg), "\n")
	msg = strings.TrimSpace(hideURLCredentials(msg))
	if msg == "" {
		return "ticket source failed"
	}
	if utf8.RuneCountInString(msg) > maxReasonLen {
		r := []rune(msg)
		msg = string(r[:maxReasonLen-1]) + "…"
	}
	return msg
}

// hideURLCredentials masks user:password@ and query strings of every URL in s, as
// either may carry a token.
func hideURLCredentials(s string) string {
	var b strings.Builder
	for {
		i := strings.Index(s, "://")
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i+3])
		rest := s[i+3:]
		end := strings.IndexFunc(rest, func(r rune) bool { return unicode.IsSpace(r) || r == '"' || r == '\'' || r == '>' })
		if end < 0 {
			end = len(rest)
		}
		u := rest[:end]
		if at := strings.LastIndex(u, "@"); at >= 0 && !strings.Contains(u[:at], "/") {
			u = "***@" + u[at+1:]
		}
		if q := strings.IndexByte(u, '?'); q >= 0 {
			u = u[:q] + "?…"
		}
		b.WriteString(u)
		s = rest[end:]
	}
}

// reportOf orders the tickets blockers first and keeps MaxShownTickets of them.
func reportOf(all []Ticket) TicketReport {
	ts := make([]Ticket, len(all))
	for i, t := range all {
		t.Blocker = IsBlocker(t)
		ts[i] = t
	}
	sort.SliceStable(ts, func(i, j int) bool { return ts[i].Blocker && !ts[j].Blocker })
	rep := TicketReport{Total: len(ts)}
	for _, t := range ts {
		if t.Blocker {
			rep.Blockers = append(rep.Blockers, t)
		}
	}
	shown := min(len(ts), MaxShownTickets)
	if shown > 0 {
		rep.Tickets = ts[:shown:shown]
	}
	rep.More = len(ts) - shown
	return rep
}

// IsBlocker reports whether t blocks its job: the source flagged it, its title contains the
// word "blocker" or "blockers" (any case; "non-blocker" does not count) or it carries the label "runbook-blocker".
func IsBlocker(t Ticket) bool {
	if t.Blocker {
		return true
	}
	for _, l := range t.Labels {
		if strings.EqualFold(strings.TrimSpace(l), BlockerLabel) {
			return true
		}
	}
	return hasBlockerWord(t.Title)
}

// hasBlockerWord finds "blocker(s)" as a whole word (letters and digits make words).
func hasBlockerWord(title string) bool {
	const word = "blocker"
	lower := strings.ToLower(title)
	isWord := func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }
	for from := 0; ; {
		i := strings.Index(lower[from:], word)
		if i < 0 {
			return false
		}
		start, end := from+i, from+i+len(word)
		from = end
		if start > 0 {
			r, _ := utf8.DecodeLastRuneInString(lower[:start])
			if isWord(r) {
				continue
			}
		}
		if end < len(lower) && lower[end] == 's' { // "blockers"
			end++
		}
		if end < len(lower) {
			r, _ := utf8.DecodeRuneInString(lower[end:])
			if isWord(r) {
				continue
			}
		}
		if strings.HasSuffix(lower[:start], "non-") || strings.HasSuffix(lower[:start], "non ") {
			continue
		}
		return true
	}
}
