package gitrepo

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCheckURL(t *testing.T) {
	tests := []struct {
		url     string
		wantErr string // "" when accepted
	}{
		{url: "https://github.com/acme/platform.git"},
		{url: "https://oauth2@gitlab.example.com/acme/platform.git"},
		{url: "http://127.0.0.1:8080/platform.git"},
		{url: "ssh://git@github.com/acme/platform.git"},
		{url: "git@github.com:acme/platform.git"},
		{url: "file:///srv/git/platform.git"},
		{url: "https://bot:ghp_secret@github.com/acme/platform.git", wantErr: "has a password in it"},
		{url: "ftp://example.com/platform.git", wantErr: `has scheme "ftp"`},
		{url: "https://github.com", wantErr: "names no repository"},
		{url: "https:///acme/platform.git", wantErr: "has no host"},
		{url: "platform", wantErr: "is not an https, ssh or file URL"},
		{url: " ", wantErr: "is empty"},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			err := CheckURL(tt.url)
			if tt.wantErr == "" {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.wantErr)
			assert.NotContains(t, err.Error(), "ghp_secret")
		})
	}
}

func TestParseSignature(t *testing.T) {
	tests := []struct {
		in   string
		want Signature
		ok   bool
	}{
		{in: "runbook-bot <runbook-bot@localhost>", want: Signature{"runbook-bot", "runbook-bot@localhost"}, ok: true},
		{in: "  Plataforma Bot <bot@acme.example>  ", want: Signature{"Plataforma Bot", "bot@acme.example"}, ok: true},
		{in: "runbook-bot"},
		{in: "<bot@acme.example>"},
		{in: "bot <not-an-email>"},
		{in: "bot <a@b> trailing"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseSignature(tt.in)
			if !tt.ok {
				require.Error(t, err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestAuth_GivenBadCredentialSettings_ThenTheErrorSaysWhatToSet(t *testing.T) {
	tests := []struct {
		name, url string
		creds     Credentials
		want      string
	}{
		{"ssh without a key", "git@github.com:acme/p.git", Credentials{KnownHostsFile: "/x"}, "RUNBOOK_GIT_SSH_KEY_FILE"},
		{"ssh without known hosts", "git@github.com:acme/p.git", Credentials{SSHKeyFile: "/x"}, "RUNBOOK_GIT_KNOWN_HOSTS"},
		{"ssh with a missing key file", "ssh://git@github.com/acme/p.git", Credentials{SSHKeyFile: "/nonexistent/key", KnownHostsFile: "/x"}, "RUNBOOK_GIT_SSH_KEY_FILE"},
		{"a token over plain http", "http://git.example.com/acme/p.git", Credentials{Token: "tok-123"}, "only sent over https"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Open(Options{URL: tt.url, Dir: t.TempDir(), Credentials: tt.creds})
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			assert.NotContains(t, err.Error(), "tok-123")
		})
	}
}

func TestSmartHTTP_GivenATokenRemote_WhenFollowing_ThenOnlyTheRightTokenWorksAndItIsNeverWrittenOrLogged(t *testing.T) {
	const token = "tok-S3CR3T-9f8e7d"
	rem := newRemote(t, map[string]string{"docs/runbook.md": runbookDoc("Monday 09:00 UTC", "scripts/seed.sh")})
	srv := smartHTTP(t, filepath.Dir(rem.bare), TokenUser, token)
	url := srv.URL + "/remote.git"

	// Given no token or a wrong one, the fetch is refused, and the error shows no token
	for _, creds := range []Credentials{{}, {Token: "wrong-token"}} {
		rp := openRepo(t, url, creds, nil)
		_, err := rp.Fetch(bg)
		require.Error(t, err)
		assert.NotContains(t, err.Error(), "wrong-token")
	}

	// When the right token is used, the runbook is followed, and a record is pushed
	var logs logBuffer
	rp := openRepo(t, url, Credentials{Token: token}, logs.logger())
	f := rp.Follow(rp.Trees(), "docs/runbook.md", parse)
	rb, err := f.Start(bg)
	require.NoError(t, err)
	require.Len(t, rb.Jobs, 1)
	rem.push("Bia Lima <bia@example.com>", "v2", map[string]string{"docs/runbook.md": runbookDoc("Monday 10:00 UTC", "scripts/seed.sh")})
	var got []applied
	require.NoError(t, f.Poll(bg, collect(&got)))
	require.Len(t, got, 1)
	res, err := rp.Record(bg, appendLine("docs/observabilidade/check-ins.md", "entry 1-1", "checkin/1"))
	require.NoError(t, err)
	assert.True(t, res.Landed)
	assert.Equal(t, "entry 1-1\n", rem.show("main", "docs/observabilidade/check-ins.md"))

	// Then the token is nowhere under the data directory (clone, config, checkouts) nor in the logs
	assertNoSecretIn(t, rp.opts.Dir, token)
	assert.NotContains(t, logs.String(), token)
	cfg, err := os.ReadFile(filepath.Join(rp.opts.Dir, "repo.git", "config"))
	require.NoError(t, err)
	assert.Contains(t, string(cfg), srv.URL+"/remote.git", "the remote's URL is kept, without credentials")
}

// assertNoSecretIn fails when any file under dir contains secret.
func assertNoSecretIn(t *testing.T, dir, secret string) {
	t.Helper()
	n := 0
	require.NoError(t, filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return nil
		}
		n++
		assert.False(t, strings.Contains(string(b), secret), "%s holds the secret", p)
		return nil
	}))
	require.Positive(t, n, "files were checked")
}
