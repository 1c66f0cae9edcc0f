package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/runbook-bot/runbook-bot/bot"
	"github.com/runbook-bot/runbook-bot/bot/shell"
	"github.com/runbook-bot/runbook-bot/runbook"
	"github.com/runbook-bot/runbook-bot/runbook/sqlite"
)

// jobList is a repeatable job flag (--fail A --fail B, or --fail A,B).
type jobList map[string]bool

func (l jobList) String() string { return "" }

func (l jobList) Set(v string) error {
	for _, j := range strings.Split(v, ",") {
		if j = strings.TrimSpace(j); j != "" {
			l[j] = true
		}
	}
	return nil
}

// cmdSimulate runs the runbook's next days on a fake clock and prints every
// message the bot would post, every state change and every record, in order.
func cmdSimulate(args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("simulate", flag.ContinueOnError)
	from := fs.String("from", "", "start instant (RFC 3339); default now")
	days := fs.Int("days", 7, "how many days to simulate")
	fail, noAnswer, decline := jobList{}, jobList{}, jobList{}
	fs.Var(fail, "fail", "a job whose runs fail (repeatable)")
	fs.Var(noAnswer, "no-answer", "a job nobody answers nor runs (repeatable)")
	fs.Var(decline, "decline", "a job whose owner declines every window (repeatable)")
	asJSON := fs.Bool("json", false, "print JSON lines")
	if err := parseNoArgs(fs, args); err != nil {
		return err
	}
	start := time.Now().UTC().Truncate(time.Minute)
	if *from != "" {
		t, err := time.Parse(time.RFC3339, *from)
		if err != nil {
			return usageErr("cli.err.from", "value", strconv.Quote(*from))
		}
		start = t.UTC()
	}
	if *days < 1 || *days > 366 {
		return usageErr("cli.err.days")
	}
	e, err := loadEnv(stderr)
	if err != nil {
		return err
	}
	e.quiet(stderr)
	for flagName, l := range map[string]jobList{"--fail": fail, "--no-answer": noAnswer, "--decline": decline} {
		for j := range l {
			if _, ok := e.rb.Job(j); !ok {
				return usageErr("cli.err.sim_unknown_job", "flag", flagName, "job", j, "jobs", strings.Join(e.rb.JobIDs(), ", "))
			}
		}
	}

	// In memory: a throw-away store removed at exit, never RUNBOOK_DB.
	dir, err := os.MkdirTemp("", "runbook-simulate-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(dir, "simulate.db"))
	if err != nil {
		return err
	}
	defer db.Close()
	clock := clockwork.NewFakeClockAt(start)
	store := &recordingStore{Store: db, now: func() time.Time { return clock.Now().UTC() }}
	exec := &simExecutor{fail: fail, runs: map[string]*simRun{}}
	set := settings(e.cfg)
	set.ITSM = false
	svc := runbook.NewService(e.rb, set, runbook.Deps{Store: store, Clock: clock, Executor: exec, Redact: e.redact.Redact, Log: e.log})
	b := bot.New(svc, bot.Options{Lang: runbook.Lang(e.cfg.Lang), Channel: e.cfg.Channel, Log: e.log})

	out := &simPrinter{w: stdout, b: b, json: *asJSON}
	end := start.Add(time.Duration(*days) * 24 * time.Hour)
	if !*asJSON {
		fmt.Fprintln(stdout, b.Text("sim.header", map[string]string{"file": e.cfg.File, "from": bot.Stamp(start), "to": bot.Stamp(end), "days": strconv.Itoa(*days)}))
		fmt.Fprintln(stdout)
	}
	sim := &simulator{svc: svc, store: store, clock: clock, exec: exec, rb: e.rb, emit: out.print,
		beh: simBehaviour{noAnswer: noAnswer, decline: decline}, reason: b.Text("sim.decline_reason", nil)}
	if err := sim.run(ctx, end); err != nil {
		return err
	}
	svc.Wait()
	if !*asJSON {
		fmt.Fprintln(stdout, b.Text("sim.end", map[string]string{"messages": strconv.Itoa(out.n["message"]),
			"states": strconv.Itoa(out.n["state"]), "records": strconv.Itoa(out.n["record"])}))
	}
	return out.err
}

// simPrinter prints simulation events as text (as the terminal shell shows
// messages) or as JSON lines.
type simPrinter struct {
	w    io.Writer
	b    *bot.Bot
	json bool
	n    map[string]int
	err  error
}

// simLine is one event of simulate --json.
type simLine struct {
	At      time.Time       `json:"at"`
	Type    string          `json:"type"`
	Job     string          `json:"job,omitempty"`
	Window  *time.Time      `json:"window,omitempty"`
	Channel string          `json:"channel,omitempty"`
	Kind    string          `json:"kind,omitempty"`
	Key     string          `json:"key,omitempty"`
	Update  bool            `json:"update,omitempty"`
	From    string          `json:"from,omitempty"`
	To      string          `json:"to,omitempty"`
	Actor   string          `json:"actor,omitempty"`
	Text    string          `json:"text"`
	Record  *runbook.Record `json:"record,omitempty"`
}

func (p *simPrinter) print(ev simEvent) {
	if p.n == nil {
		p.n = map[string]int{}
	}
	p.n[ev.Kind]++
	line := simLine{At: ev.At.UTC(), Type: ev.Kind}
	var text string
	switch ev.Kind {
	case "message":
		n := *ev.Notice
		m := p.b.Render(n, ev.At)
		text = shell.Format(m)
		prefix := "[" + m.Channel + "] "
		if n.Update {
			prefix += "(" + p.b.Text("sim.updated", nil) + ") "
		}
		if n.Thread != "" {
			prefix = "↳ " + prefix
		}
		line.Channel, line.Kind, line.Key, line.Update, line.Job = m.Channel, string(n.Kind), n.Key, n.Update, n.Occ.Job
		line.Text = text
		text = prefix + text
		if !n.Occ.Window.IsZero() {
			w := n.Occ.Window.UTC()
			line.Window = &w
		}
	case "state":
		text = p.b.StateLine(*ev.Occ, ev.From)
		w := ev.Occ.Window.UTC()
		line.Job, line.Window, line.From, line.To, line.Text = ev.Occ.Job, &w, string(ev.From), string(ev.Occ.State), text
	case "record":
		text = p.b.RecordLine(*ev.Record)
		line.Job, line.Kind, line.Record, line.Text = ev.Record.Job, string(ev.Record.Kind), ev.Record, text
	case "checkin":
		text = p.b.CheckinLine(*ev.Occ)
		w := ev.Occ.Window.UTC()
		line.Job, line.Window, line.Text = ev.Occ.Job, &w, text
	case "delay_log":
		text = p.b.DelayLogLine(*ev.Line)
		line.Job, line.Text = ev.Line.Job, text
	case "action":
		text = p.b.ActionLine(ev.Actor, ev.Text)
		line.Actor, line.Text = ev.Actor, text
	}
	if p.json {
		b, err := json.Marshal(line)
		if err == nil {
			_, err = fmt.Fprintf(p.w, "%s\n", b)
		}
		p.keep(err)
		return
	}
	stamp := bot.Stamp(ev.At) + "  "
	pad := strings.Repeat(" ", len(stamp))
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		if i == 0 {
			lines[i] = stamp + l
		} else {
			lines[i] = pad + l
		}
	}
	_, err := fmt.Fprintln(p.w, strings.Join(lines, "\n"))
	p.keep(err)
}

func (p *simPrinter) keep(err error) {
	if p.err == nil {
		p.err = err
	}
}
