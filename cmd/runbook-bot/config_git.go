package main

import (
	"fmt"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/runbook-bot/runbook-bot/runbook/gitrepo"
)

// Variables of the git-following deployment (docs/operations.md).
const (
	envGitURL        = "RUNBOOK_GIT_URL"
	envGitBranch     = "RUNBOOK_GIT_BRANCH"
	envGitPoll       = "RUNBOOK_GIT_POLL"
	envGitToken      = "RUNBOOK_GIT_TOKEN"
	envGitSSHKeyFile = "RUNBOOK_GIT_SSH_KEY_FILE"
	envGitKnownHosts = "RUNBOOK_GIT_KNOWN_HOSTS"
	envGitAuthor     = "RUNBOOK_GIT_AUTHOR"
	envGitRecords    = "RUNBOOK_GIT_RECORDS"
)

// gitVars are the git variables in documentation order.
var gitVars = []string{envGitURL, envGitBranch, envGitPoll, envGitToken, envGitSSHKeyFile, envGitKnownHosts, envGitAuthor, envGitRecords}

// Defaults of the git variables.
const (
	defaultGitPoll   = 30 * time.Second
	defaultGitAuthor = "runbook-bot <runbook-bot@localhost>"
)

// Ways records reach the repository (RUNBOOK_GIT_RECORDS).
const (
	GitRecordsPush        = "push"
	GitRecordsPullRequest = "pull-request"
)

// GitConfig is where the runbook comes from when it lives in a git repository;
// its zero value (RUNBOOK_GIT_URL unset) means local files.
type GitConfig struct {
	// URL is the repository (https, ssh or file URL); "" means local files.
	URL string
	// Branch is followed and committed to.
	Branch string
	// Poll is how often the branch is fetched.
	Poll time.Duration
	// Token authenticates over https (HTTP basic auth password). Secret.
	Token string
	// SSHKeyFile is the private key for an ssh URL.
	SSHKeyFile string
	// KnownHosts is the known_hosts file for an ssh URL.
	KnownHosts string
	// Author signs the record commits.
	Author gitrepo.Signature
	// Records is how records reach the branch: push or pull-request.
	Records string
}

// Enabled reports whether the runbook is followed from a repository.
func (g GitConfig) Enabled() bool { return g.URL != "" }

// gitRefRE is what a branch name may hold here (a subset of git check-ref-format).
var gitRefRE = regexp.MustCompile(`^[A-Za-z0-9._/-]+$`)

// git reads the git variables; with a URL, the runbook, check-ins and workdir
// paths are paths inside the repository.
func (l *loader) git(c *Config) {
	g := &c.Git
	if v, ok := l.get(envGitURL); ok {
		if err := gitrepo.CheckURL(v); err != nil {
			l.fail(envGitURL, v, err.Error())
		} else {
			g.URL = v
		}
	}
	g.Branch = l.str(envGitBranch, gitrepo.DefaultBranch)
	if b := g.Branch; !gitRefRE.MatchString(b) || strings.Contains(b, "..") || strings.HasPrefix(b, "-") || strings.HasPrefix(b, "/") ||
		strings.HasSuffix(b, "/") || strings.HasSuffix(b, ".lock") || strings.HasSuffix(b, ".") {
		l.fail(envGitBranch, b, "is not a branch name (use a name such as main or release/runbook)")
		g.Branch = gitrepo.DefaultBranch
	}
	g.Poll = l.duration(envGitPoll, defaultGitPoll)
	if g.Poll < time.Second {
		l.fail(envGitPoll, g.Poll.String(), "is shorter than 1s "+durationHint)
		g.Poll = defaultGitPoll
	}
	g.Token = l.str(envGitToken, "")
	if strings.ContainsAny(g.Token, " \t\r\n\"'") {
		l.fail(envGitToken, g.Token, "has quotes or spaces (paste the token alone)")
		g.Token = ""
	}
	g.SSHKeyFile = l.str(envGitSSHKeyFile, "")
	g.KnownHosts = l.str(envGitKnownHosts, "")
	author := l.str(envGitAuthor, defaultGitAuthor)
	sig, err := gitrepo.ParseSignature(author)
	if err != nil {
		l.fail(envGitAuthor, author, err.Error()+` (use a name and an e-mail such as "runbook-bot <runbook-bot@example.com>")`)
		sig, _ = gitrepo.ParseSignature(defaultGitAuthor)
	}
	g.Author = sig
	g.Records = GitRecordsPush
	if v, ok := l.get(envGitRecords); ok {
		switch strings.ToLower(v) {
		case GitRecordsPush, GitRecordsPullRequest:
			g.Records = strings.ToLower(v)
		default:
			l.fail(envGitRecords, v, "is not a way to record (use push or pull-request)")
		}
	}
	if !g.Enabled() {
		*g = GitConfig{} // local files: the zero value, whatever else is set
		return
	}
	l.gitCredentials(g)
	if g.Records == GitRecordsPullRequest {
		if prRepo(*c) == "" {
			l.problems = append(l.problems, ConfigProblem{Var: envGitHubRepo, Msg: "must be set when " + envGitRecords + "=" + GitRecordsPullRequest +
				" and " + envGitURL + " names no owner/name (the GitHub repository the records' pull request is opened on, such as acme/platform)"})
		}
		if c.GitHubToken == "" && g.Token == "" {
			l.problems = append(l.problems, ConfigProblem{Var: envGitHubToken, Msg: "must be set when " + envGitRecords + "=" + GitRecordsPullRequest +
				" (a token that may open pull requests; " + envGitToken + " is used when it is unset)"})
		}
	}
	for _, p := range []struct {
		name string
		val  *string
	}{{envFile, &c.File}, {envCheckinsFile, &c.CheckinsFile}, {envWorkdir, &c.Workdir}} {
		v := filepath.ToSlash(*p.val)
		clean := path.Clean(v)
		if path.IsAbs(v) || clean == ".." || strings.HasPrefix(clean, "../") {
			l.fail(p.name, *p.val, fmt.Sprintf("is not a path inside the repository (with %s set, use a relative path such as docs/runbook.md)", envGitURL))
			continue
		}
		*p.val = clean
	}
}

// gitCredentials checks that the credentials fit the URL's kind.
func (l *loader) gitCredentials(g *GitConfig) {
	u := strings.ToLower(g.URL)
	ssh := strings.HasPrefix(u, "ssh://") || !strings.Contains(u, "://")
	switch {
	case ssh:
		if g.Token != "" {
			l.problems = append(l.problems, ConfigProblem{Var: envGitToken, Msg: "is for https URLs; an ssh URL uses " + envGitSSHKeyFile + " and " + envGitKnownHosts})
		}
		if g.SSHKeyFile == "" {
			l.problems = append(l.problems, ConfigProblem{Var: envGitSSHKeyFile, Msg: "must be set for an ssh " + envGitURL + " (the private key of the bot's deploy key)"})
		}
		if g.KnownHosts == "" {
			l.problems = append(l.problems, ConfigProblem{Var: envGitKnownHosts, Msg: "must be set for an ssh " + envGitURL + " (a known_hosts file with the server's key, e.g. from ssh-keyscan)"})
		}
	case strings.HasPrefix(u, "http://") && g.Token != "" && !loopbackURL(g.URL):
		l.problems = append(l.problems, ConfigProblem{Var: envGitToken, Msg: "is only sent over https (" + envGitURL + " is http:// to a host that is not this machine)"})
	}
	if !ssh && (g.SSHKeyFile != "" || g.KnownHosts != "") {
		l.problems = append(l.problems, ConfigProblem{Var: envGitSSHKeyFile, Msg: "is for ssh URLs only (" + envGitURL + " is not one)"})
	}
}

// loopbackURL reports whether an http URL points at this machine.
func loopbackURL(raw string) bool {
	h := strings.TrimPrefix(strings.ToLower(raw), "http://")
	h, _, _ = strings.Cut(h, "/")
	if i := strings.LastIndex(h, "@"); i >= 0 {
		h = h[i+1:]
	}
	return h == "localhost" || strings.HasPrefix(h, "localhost:") || strings.HasPrefix(h, "127.") || strings.HasPrefix(h, "[::1]")
}
