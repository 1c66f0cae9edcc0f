package main

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/runbook-bot/runbook-bot/runbook"
	"github.com/runbook-bot/runbook-bot/runbook/gitrepo"
	"github.com/runbook-bot/runbook-bot/runbook/records"
	"github.com/runbook-bot/runbook-bot/runbook/tickets/github"
)

// gitRecorder is the only writer of the records when the runbook lives in git:
// the check-in and delay-log outbox sinks commit each record to the repository
// through it. (With several replicas, only the one that drains these sinks, the
// leader, will write.)
type gitRecorder struct {
	repo   *gitrepo.Repo
	svc    *runbook.Service
	lang   runbook.Lang
	file   string        // the runbook (delay log) in the repository
	checks string        // the check-ins file in the repository
	retry  time.Duration // longest wait before retrying a record the remote did not take
	pulls  pullRequester // nil: no GitHub repository and token to open the records' pull request with
	log    *slog.Logger
	reason string // why records go to a pull request (the setting), until a refusal says more

	mu      sync.Mutex
	waiting int64  // the oldest outbox row waiting for the remote; later rows wait behind it, so records land in order
	pr      string // the records' pull request, once known
}

// pullRequester keeps the pull request of the records open (runbook/tickets/github).
type pullRequester interface {
	EnsurePullRequest(ctx context.Context, head, base, title, body string) (github.PullRequest, bool, error)
}

// gitSinks makes the records sinks commit to the repository.
func (e *appEnv) gitSinks(sinks map[string]runbook.SinkFunc, svc *runbook.Service, lang runbook.Lang) {
	e.git.lang = lang
	r := &gitRecorder{repo: e.git.repo, svc: svc, lang: lang, file: e.cfg.File, checks: e.cfg.CheckinsFile, retry: e.cfg.Git.Poll, log: e.log,
		reason: envGitRecords + "=" + GitRecordsPullRequest}
	if repo, token := prRepo(e.cfg), cmp.Or(e.cfg.GitHubToken, e.cfg.Git.Token); repo != "" && token != "" {
		r.pulls = &github.Client{Repo: repo, Token: token, APIURL: e.cfg.GitHubAPIURL, HTTP: &http.Client{Timeout: ticketHTTPTimeout}}
	}
	sinks[runbook.SinkCheckin] = r.sink(r.checkin)
	sinks[runbook.SinkDelayLog] = r.sink(r.delay)
}

// prRepo is the GitHub owner/name the records' pull request is opened on:
// RUNBOOK_GITHUB_REPO, else the owner/name of RUNBOOK_GIT_URL's path.
func prRepo(c Config) string {
	if c.GitHubRepo != "" {
		return c.GitHubRepo
	}
	u := strings.TrimSuffix(strings.TrimSuffix(c.Git.URL, "/"), ".git")
	if i := strings.Index(u, "://"); i >= 0 {
		u = u[i+3:]
		if j := strings.Index(u, "/"); j >= 0 {
			u = u[j+1:]
		}
	} else if _, p, ok := strings.Cut(u, ":"); ok { // user@host:owner/name
		u = p
	}
	parts := strings.Split(strings.Trim(u, "/"), "/")
	if len(parts) != 2 || parts[0] == "" || parts[1] == "" {
		return ""
	}
	return parts[0] + "/" + parts[1]
}

// commit records one change, switching to the pull-request branch when the
// remote refuses the bot's pushes to the followed branch.
func (r *gitRecorder) commit(ctx context.Context, ch gitrepo.Change) (gitrepo.Result, error) {
	res, err := r.repo.Record(ctx, ch)
	if errors.Is(err, gitrepo.ErrRefused) && !r.repo.PullRequests() {
		r.reason = err.Error()
		r.repo.UsePullRequests()
		res, err = r.repo.Record(ctx, ch)
	}
	if err == nil && res.Branch == gitrepo.RecordsBranch {
		r.pullRequest(ctx)
	}
	return res, err
}

// pullRequest makes sure the records' pull request is open, and says so once in the channel.
func (r *gitRecorder) pullRequest(ctx context.Context) {
	if r.pulls != nil && r.pr == "" {
		body := "Check-ins and delay justifications recorded by runbook-bot. The bot may not push to " + r.repo.Branch() +
			", so it keeps them on " + gitrepo.RecordsBranch + "; merge this pull request to bring them in. It is made again on " +
			r.repo.Branch() + " with the records not merged yet whenever " + r.repo.Branch() + " moves on."
		pr, _, err := r.pulls.EnsurePullRequest(ctx, gitrepo.RecordsBranch, r.repo.Branch(), "Runbook records (check-ins and delay justifications)", body)
		if err != nil {
			r.log.Warn("git: opening the records' pull request failed; will try again with the next record", "err", err)
			return
		}
		r.pr = pr.URL
	}
	if err := r.svc.RecordsToPullRequest(ctx, gitrepo.RecordsBranch, r.pr, r.reason); err != nil {
		r.log.Error("git: announcing the records' pull request", "err", err)
	}
}

// record is one record ready to commit, with what to audit once it landed.
type record struct {
	change gitrepo.Change
	occ    int64
	job    string
	window time.Time
	kind   string // checkin or delay_log
}

// retryAfter asks the outbox to try again after a wait of the recorder's choosing.
type retryAfter struct {
	error
	after time.Duration
}

func (e retryAfter) RetryAfter() time.Duration { return e.after }
func (e retryAfter) Unwrap() error             { return e.error }

// sink delivers the rows of one records sink in order with the other's: while a
// row waits for the remote, later rows wait too.
func (r *gitRecorder) sink(build func(runbook.Delivery) (record, error)) runbook.SinkFunc {
	return func(ctx context.Context, d runbook.Delivery) error {
		r.mu.Lock() // one record at a time
		defer r.mu.Unlock()
		if r.waiting != 0 && d.ID > r.waiting {
			return &runbook.DeferError{Reason: "an earlier record waits for the repository"}
		}
		rec, err := build(d)
		if err != nil {
			return permanentError{err}
		}
		rec.change.ID = d.Sink + "/" + strconv.FormatInt(d.ID, 10)
		res, err := r.commit(ctx, rec.change)
		if errors.Is(err, gitrepo.ErrBadRecord) {
			if r.waiting == d.ID {
				r.waiting = 0
			}
			return permanentError{err} // given up (it stays in the audit log); the later records go on
		}
		if err != nil {
			if ctx.Err() != nil {
				return err
			}
			if r.waiting == 0 || d.ID < r.waiting {
				r.waiting = d.ID
			}
			return retryAfter{err, min(runbook.Backoff(d.Attempts+1), r.retry)}
		}
		if r.waiting == d.ID {
			r.waiting = 0
		}
		fields := map[string]string{"commit": res.Commit, "branch": res.Branch, "file": rec.change.Path, "record": rec.kind}
		if !res.Landed {
			fields["already"] = "true"
		}
		return r.svc.Committed(ctx, "git/"+rec.change.ID, rec.occ, rec.job, rec.window, fields)
	}
}

// checkin is the commit of an occurrence's check-in entry (new, or updated with
// the incident or the learnings).
func (r *gitRecorder) checkin(d runbook.Delivery) (record, error) {
	var o runbook.Occurrence
	if err := json.Unmarshal(d.Payload, &o); err != nil {
		return record{}, fmt.Errorf("check-in payload: %w", err)
	}
	e := entryOf(o, readableOf(r.svc))
	apply := func(old []byte) ([]byte, string, error) {
		data, err := records.PutEntry(old, r.lang, e)
		if err != nil {
			return nil, "", err
		}
		event := "run " + e.Result
		if e.Reason != "" {
			event += " (" + e.Reason + ")"
		}
		if records.HasEntry(old, e.Key) {
			switch {
			case e.IncidentRef != "" && !bytes.Contains(old, []byte(e.IncidentRef)):
				event = "incident " + e.IncidentRef + " recorded"
			case e.Learnings != "":
				event = "learnings recorded"
			default:
				event = "entry updated"
			}
		}
		return data, fmt.Sprintf("check-in: %s, window %s: %s", o.Job, windowText(o.Window), event), nil
	}
	return record{change: gitrepo.Change{Path: r.checks, Apply: apply}, occ: o.ID, job: o.Job, window: o.Window, kind: "checkin"}, nil
}

// delay is the commit of a delay justification in the runbook's delay log.
func (r *gitRecorder) delay(d runbook.Delivery) (record, error) {
	var l runbook.DelayLine
	if err := json.Unmarshal(d.Payload, &l); err != nil {
		return record{}, fmt.Errorf("delay log payload: %w", err)
	}
	line := delayLine(l, r.lang, readableOf(r.svc))
	apply := func(old []byte) ([]byte, string, error) {
		if old == nil {
			return nil, "", errors.New("the runbook is not in the branch's head")
		}
		data, err := records.InsertDelay(old, r.lang, line)
		by := ""
		if l.By != "" {
			by = " by " + l.By
		}
		return data, fmt.Sprintf("delay: %s, window %s: justified%s", l.Job, windowText(l.Window), by), err
	}
	return record{change: gitrepo.Change{Path: r.file, Apply: apply}, occ: l.Occ, job: l.Job, window: l.Window, kind: "delay_log"}, nil
}

// windowText is a window as the records write it.
func windowText(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") }
