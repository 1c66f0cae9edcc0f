package main

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLoadConfig_GivenGitVariables_ThenTheyAreReadOrPreciselyRefused(t *testing.T) {
	const url = "https://github.com/acme/platform.git"
	tests := []struct {
		name    string
		env     env
		check   func(t *testing.T, c Config)
		problem string // "VAR: message" part expected in the error, "" when valid
	}{
		{name: "given no URL then the runbook is a local file, whatever else is set",
			env: env{"RUNBOOK_GIT_BRANCH": "release", "RUNBOOK_FILE": "/etc/runbook.md"},
			check: func(t *testing.T, c Config) {
				assert.Equal(t, GitConfig{}, c.Git)
				assert.Equal(t, "/etc/runbook.md", c.File)
			}},
		{name: "given an https URL then the defaults apply",
			env: env{"RUNBOOK_GIT_URL": url, "RUNBOOK_GIT_TOKEN": "tok", "RUNBOOK_FILE": "./docs//runbook.md"},
			check: func(t *testing.T, c Config) {
				assert.Equal(t, url, c.Git.URL)
				assert.Equal(t, "main", c.Git.Branch)
				assert.Equal(t, 30*time.Second, c.Git.Poll)
				assert.Equal(t, "runbook-bot <runbook-bot@localhost>", c.Git.Author.String())
				assert.Equal(t, GitRecordsPush, c.Git.Records)
				assert.Equal(t, "docs/runbook.md", c.File, "a path inside the repository, cleaned")
				assert.True(t, c.Git.Enabled())
			}},
		{name: "given every git variable then each is read",
			env: env{"RUNBOOK_GIT_URL": "git@github.com:acme/platform.git", "RUNBOOK_GIT_BRANCH": "release/runbook", "RUNBOOK_GIT_POLL": "2m",
				"RUNBOOK_GIT_SSH_KEY_FILE": "/keys/id", "RUNBOOK_GIT_KNOWN_HOSTS": "/keys/known_hosts", "RUNBOOK_GIT_AUTHOR": "Plataforma Bot <bot@acme.example>",
				"RUNBOOK_GIT_RECORDS": "Pull-Request", "RUNBOOK_GITHUB_TOKEN": "ghp_x"},
			check: func(t *testing.T, c Config) {
				assert.Equal(t, GitConfig{URL: "git@github.com:acme/platform.git", Branch: "release/runbook", Poll: 2 * time.Minute,
					SSHKeyFile: "/keys/id", KnownHosts: "/keys/known_hosts", Author: c.Git.Author, Records: GitRecordsPullRequest}, c.Git)
				assert.Equal(t, "Plataforma Bot <bot@acme.example>", c.Git.Author.String())
			}},
		{name: "given a URL with a password then it is refused without showing it",
			env: env{"RUNBOOK_GIT_URL": "https://bot:ghp_SECRET@github.com/acme/platform.git"}, problem: "RUNBOOK_GIT_URL: the value has a password in it (put the token in RUNBOOK_GIT_TOKEN instead)"},
		{name: "given an ftp URL then it is refused", env: env{"RUNBOOK_GIT_URL": "ftp://x/y.git"}, problem: `RUNBOOK_GIT_URL: the value has scheme "ftp"`},
		{name: "given a bad branch then it is refused", env: env{"RUNBOOK_GIT_URL": url, "RUNBOOK_GIT_BRANCH": "main..x"}, problem: `RUNBOOK_GIT_BRANCH: "main..x" is not a branch name`},
		{name: "given a poll under a second then it is refused", env: env{"RUNBOOK_GIT_URL": url, "RUNBOOK_GIT_POLL": "500ms"}, problem: "RUNBOOK_GIT_POLL: \"500ms\" is shorter than 1s"},
		{name: "given a bad author then it is refused", env: env{"RUNBOOK_GIT_URL": url, "RUNBOOK_GIT_AUTHOR": "bot"}, problem: `RUNBOOK_GIT_AUTHOR: "bot" is not "Name <email>"`},
		{name: "given a bad records mode then it is refused", env: env{"RUNBOOK_GIT_URL": url, "RUNBOOK_GIT_RECORDS": "commit"}, problem: `RUNBOOK_GIT_RECORDS: "commit" is not a way to record (use push or pull-request)`},
		{name: "given an ssh URL without a key then the key is asked for", env: env{"RUNBOOK_GIT_URL": "ssh://git@github.com/acme/p.git", "RUNBOOK_GIT_KNOWN_HOSTS": "/k"}, problem: "RUNBOOK_GIT_SSH_KEY_FILE: must be set for an ssh RUNBOOK_GIT_URL"},
		{name: "given an ssh URL without known hosts then they are asked for", env: env{"RUNBOOK_GIT_URL": "git@github.com:acme/p.git", "RUNBOOK_GIT_SSH_KEY_FILE": "/k"}, problem: "RUNBOOK_GIT_KNOWN_HOSTS: must be set for an ssh RUNBOOK_GIT_URL"},
		{name: "given a token with an ssh URL then it is refused", env: env{"RUNBOOK_GIT_URL": "git@github.com:acme/p.git", "RUNBOOK_GIT_SSH_KEY_FILE": "/k", "RUNBOOK_GIT_KNOWN_HOSTS": "/h", "RUNBOOK_GIT_TOKEN": "t"}, problem: "RUNBOOK_GIT_TOKEN: is for https URLs"},
		{name: "given a token over plain http to another host then it is refused", env: env{"RUNBOOK_GIT_URL": "http://git.example.com/acme/p.git", "RUNBOOK_GIT_TOKEN": "t"}, problem: "RUNBOOK_GIT_TOKEN: is only sent over https"},
		{name: "given a token with quotes then it is refused without showing it", env: env{"RUNBOOK_GIT_URL": url, "RUNBOOK_GIT_TOKEN": `"tok-SECRET"`}, problem: "RUNBOOK_GIT_TOKEN: the value has quotes or spaces"},
		{name: "given pull requests and a GitHub https URL then its owner/name and the git token serve",
			env:   env{"RUNBOOK_GIT_URL": url, "RUNBOOK_GIT_TOKEN": "tok", "RUNBOOK_GIT_RECORDS": "pull-request"},
			check: func(t *testing.T, c Config) { assert.Equal(t, "acme/platform", prRepo(c)) }},
		{name: "given pull requests and an ssh URL then its owner/name serves",
			env:   env{"RUNBOOK_GIT_URL": "git@github.com:acme/infra.git", "RUNBOOK_GIT_SSH_KEY_FILE": "/k", "RUNBOOK_GIT_KNOWN_HOSTS": "/h", "RUNBOOK_GIT_RECORDS": "pull-request", "RUNBOOK_GITHUB_TOKEN": "ghp"},
			check: func(t *testing.T, c Config) { assert.Equal(t, "acme/infra", prRepo(c)) }},
		{name: "given pull requests and no GitHub repository to open them on then it is asked for",
			env: env{"RUNBOOK_GIT_URL": "file:///srv/git/platform.git", "RUNBOOK_GIT_RECORDS": "pull-request", "RUNBOOK_GITHUB_TOKEN": "ghp"}, problem: "RUNBOOK_GITHUB_REPO: must be set when RUNBOOK_GIT_RECORDS=pull-request"},
		{name: "given pull requests and no token then one is asked for",
			env: env{"RUNBOOK_GIT_URL": "file:///srv/acme/platform.git", "RUNBOOK_GIT_RECORDS": "pull-request", "RUNBOOK_GITHUB_REPO": "acme/platform"}, problem: "RUNBOOK_GITHUB_TOKEN: must be set when RUNBOOK_GIT_RECORDS=pull-request"},
		{name: "given an absolute runbook path then it is not one inside the repository", env: env{"RUNBOOK_GIT_URL": url, "RUNBOOK_FILE": "/srv/runbook.md"}, problem: `RUNBOOK_FILE: "/srv/runbook.md" is not a path inside the repository`},
		{name: "given a check-ins path out of the repository then it is refused", env: env{"RUNBOOK_GIT_URL": url, "RUNBOOK_CHECKINS_FILE": "../c.md"}, problem: `RUNBOOK_CHECKINS_FILE: "../c.md" is not a path inside the repository`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := LoadConfig(tt.env.lookup)
			if tt.problem == "" {
				require.NoError(t, err)
				tt.check(t, c)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.problem)
			assert.NotContains(t, err.Error(), "SECRET")
		})
	}
}

func TestEnvExample_GivenTheGitVariables_ThenEachIsDocumented(t *testing.T) {
	src, err := os.ReadFile("../../.env.example")
	require.NoError(t, err)
	for _, v := range gitVars {
		assert.True(t, strings.Contains(string(src), "#"+v+"=") || strings.Contains(string(src), "#   "+v+"="), v)
	}
}
