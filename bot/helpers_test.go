package bot

import (
	"bytes"
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/runbook-bot/runbook-bot/runbook"
)

// testNow is the fixed time of the tests: Friday 2025-01-10 21:00 UTC (18:00 in São Paulo).
var testNow = time.Date(2025, 1, 10, 21, 0, 0, 0, time.UTC)

func mustLoc(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// testRunbook is the seed runbook as the parser would understand it, seed-dev-data in São Paulo time.
func testRunbook(t testing.TB, lang runbook.Lang) *runbook.Runbook {
	sp := mustLoc(t, "America/Sao_Paulo")
	return &runbook.Runbook{
		File: "docs/runbook.md",
		Lang: lang,
		Jobs: []runbook.Job{
			{ID: "provision-dev", Window: runbook.Window{Weekday: time.Monday, Hour: 9, Location: time.UTC}, Frequency: runbook.Weekly,
				Command: []string{"scripts/infra/provision-dev.sh", "docker/k8s", "--mode", "validate"},
				Primary: runbook.Owner{Team: "Time de Plataforma", Person: "Ana Souza"}, Backup: runbook.Owner{Team: "Engenharia de Confiabilidade", Person: "Lucas Lima"}},
			{ID: "reset-staging", Window: runbook.Window{Daily: true, Hour: 5, Location: time.UTC, ZoneText: "UTC"}, Frequency: runbook.Daily,
				Command: []string{"scripts/infra/reset-staging.sh"},
				Primary: runbook.Owner{Team: "Engenharia de Confiabilidade", Person: "Lucas Lima"}, Backup: runbook.Owner{Team: "DevOps", Person: "Marcos Paulo"}},
			{ID: "seed-dev-data", Window: runbook.Window{Weekday: time.Friday, Hour: 19, Location: sp, ZoneText: "America/Sao_Paulo"}, Frequency: runbook.Weekly,
				Command: []string{"scripts/infra/seed-dev-data.sh", "--mode", "apply"},
				Primary: runbook.Owner{Team: "DevOps", Person: "Marcos Paulo"}, Backup: runbook.Owner{Team: "Time de Plataforma", Person: "Bianca Ramos"},
				Checks: []runbook.Check{
					{Kind: runbook.CheckTool, Names: []string{"psql"}, Text: "psql"},
					{Kind: runbook.CheckTool, Names: []string{"mongoimport", "mongosh"}, Text: "mongoimport ou mongosh"},
					{Kind: runbook.CheckEnv, Names: []string{"DEV_RELATIONAL_URL"}, Text: "DEV_RELATIONAL_URL"},
					{Kind: runbook.CheckManual, Text: "Acesso à VPN de dev"},
				}},
		},
		Contacts: []runbook.Contact{
			{Name: "Ana Souza", Kind: runbook.ContactUser, Ref: "U01ANA"},
			{Name: "Lucas Lima", Kind: runbook.ContactUser, Ref: "U02LUCAS"},
			{Name: "Marcos Paulo", Kind: runbook.ContactUser, Ref: "U03MARCOS"},
			{Name: "Bianca Ramos", Kind: runbook.ContactEmail, Ref: "bianca.ramos@example.com"},
			{Name: "Time de Plataforma", Kind: runbook.ContactGroup, Ref: "S01PLAT"},
			{Name: "Engenharia de Confiabilidade", Kind: runbook.ContactGroup, Ref: "S02SRE"},
			{Name: "DevOps", Kind: runbook.ContactGroup, Ref: "S03DEVOPS"},
		},
		Policy: runbook.Policy{IncidentChannel: "#infra-incident", IncidentDeadline: 15 * time.Minute, DelayThreshold: 30 * time.Minute, ConfirmLead: 24 * time.Hour},
	}
}

// fakeService is a Service that answers from its fields and records calls.
type fakeService struct {
	mu     sync.Mutex
	rb     *runbook.Runbook
	now    time.Time
	occ    runbook.Occurrence
	err    error
	sts    []runbook.JobStatus
	pf     runbook.Preflight
	hist   []runbook.Occurrence
	calls  []string
	reqs   []runbook.Request
	texts  []string
	at     []time.Time
	tix    *runbook.TicketReport // nil: no ticket source configured
	fz     []runbook.Freeze      // the change freezes Freezes answers
	plan   []runbook.Planned     // what Plan answers
	recent []runbook.Occurrence  // what Recent answers
}

var _ Service = (*fakeService)(nil)

func newFake(t testing.TB, lang runbook.Lang) *fakeService {
	return &fakeService{rb: testRunbook(t, lang), now: testNow}
}

func (f *fakeService) record(call string, r runbook.Request, text string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, call)
	f.reqs = append(f.reqs, r)
	f.texts = append(f.texts, text)
}

func (f *fakeService) Calls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.calls...)
}

func (f *fakeService) Runbook() *runbook.Runbook { return f.rb }
func (f *fakeService) Policy() runbook.Policy    { return f.rb.Policy }
func (f *fakeService) Now() time.Time            { return f.now }
func (f *fakeService) Status(_ context.Context, job string) ([]runbook.JobStatus, error) {
	f.record("status "+job, runbook.Request{}, "")
	return f.sts, f.err
}
func (f *fakeService) Check(_ context.Context, job string) (runbook.Job, runbook.Preflight, error) {
	f.record("check "+job, runbook.Request{}, "")
	j, _ := f.rb.Job(job)
	return j, f.pf, f.err
}
func (f *fakeService) History(_ context.Context, job string, n int) ([]runbook.Occurrence, error) {
	f.record("history "+job, runbook.Request{}, "")
	return f.hist, f.err
}
func (f *fakeService) Confirm(_ context.Context, r runbook.Request, job string, despite bool) (runbook.Occurrence, error) {
	name := "confirm " + job
	if despite {
		name += " --despite-tickets"
	}
	f.record(name, r, "")
	return f.occ, f.err
}
func (f *fakeService) Decline(_ context.Context, r runbook.Request, job, reason string) (runbook.Occurrence, error) {
	f.record("decline "+job, r, reason)
	return f.occ, f.err
}
func (f *fakeService) Run(_ context.Context, r runbook.Request, job string) (runbook.Occurrence, error) {
	f.record("run "+job, r, "")
	return f.occ, f.err
}
func (f *fakeService) DryRun(_ context.Context, r runbook.Request, job string) error {
	f.record("dry-run "+job, r, "")
	return f.err
}
func (f *fakeService) Cancel(_ context.Context, r runbook.Request, job string) (runbook.Occurrence, error) {
	f.record("cancel "+job, r, "")
	return f.occ, f.err
}
func (f *fakeService) Justify(_ context.Context, r runbook.Request, job, text string) (runbook.Occurrence, error) {
	f.record("delay "+job, r, text)
	return f.occ, f.err
}
func (f *fakeService) Reschedule(_ context.Context, r runbook.Request, job string, to time.Time, text string) (runbook.Occurrence, error) {
	f.record("reschedule "+job, r, text)
	f.mu.Lock()
	f.at = append(f.at, to)
	f.mu.Unlock()
	return f.occ, f.err
}
func (f *fakeService) Incident(_ context.Context, r runbook.Request, job, ref string, replace bool) (runbook.Occurrence, error) {
	name := "incident " + job
	if replace {
		name += " --replace"
	}
	f.record(name, r, ref)
	return f.occ, f.err
}
func (f *fakeService) Learnings(_ context.Context, r runbook.Request, job, text string) (runbook.Occurrence, error) {
	f.record("learnings "+job, r, text)
	return f.occ, f.err
}
func (f *fakeService) Tickets(_ context.Context, job string) runbook.TicketReport {
	f.record("tickets "+job, runbook.Request{}, "")
	if f.tix == nil {
		return runbook.TicketReport{}
	}
	return *f.tix
}
func (f *fakeService) TicketsConfigured() bool { return f.tix != nil }
func (f *fakeService) ContactID(_ context.Context, name string) string {
	if c, ok := f.rb.Contact(name); ok {
		if c.Kind == runbook.ContactEmail {
			return "U04BIANCA"
		}
		return c.Ref
	}
	return ""
}

// ContactName mirrors runbook.Service.ContactName: users and groups by ID, then e-mail contacts.
func (f *fakeService) ContactName(ctx context.Context, id string) string {
	for _, c := range f.rb.Contacts {
		if (c.Kind == runbook.ContactUser || c.Kind == runbook.ContactGroup) && c.Ref == id {
			return c.Name
		}
	}
	for _, c := range f.rb.Contacts {
		if c.Kind == runbook.ContactEmail && f.ContactID(ctx, c.Name) == id {
			return c.Name
		}
	}
	return ""
}

// newTestBot is a bot over a fake service, logging into a buffer.
func newTestBot(t testing.TB, lang runbook.Lang) (*Bot, *fakeService, *bytes.Buffer) {
	f := newFake(t, lang)
	var logs bytes.Buffer
	b := New(f, Options{Channel: "#plataforma", Log: slog.New(slog.NewTextHandler(&logs, nil))})
	return b, f, &logs
}

// allText is every text of a message, for assertions.
func allText(m Message) string {
	var buf bytes.Buffer
	buf.WriteString(m.Title + "\n")
	for _, s := range m.Sections {
		buf.WriteString(s.Text + "\n")
		for _, l := range s.Links {
			buf.WriteString(l.Prefix + l.Label + l.Suffix + " · " + l.URL + "\n")
		}
		for _, f := range s.Fields {
			buf.WriteString(f.Label + ": " + f.Value + "\n")
		}
		for _, l := range s.Lines {
			buf.WriteString(l + "\n")
		}
		for _, c := range s.Checks {
			buf.WriteString(c.Text + " " + c.Detail + "\n")
		}
	}
	for _, c := range m.Context {
		buf.WriteString(c + "\n")
	}
	return buf.String()
}

func (f *fakeService) Reject(_ context.Context, r runbook.Request, job, action, reason, text string) error {
	f.record("reject "+job+" "+action+" "+reason, r, text)
	return nil
}
