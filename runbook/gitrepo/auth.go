package gitrepo

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"os/exec"
	"strings"
	"sync"

	"github.com/go-git/go-git/v5/plumbing/transport"
	"github.com/go-git/go-git/v5/plumbing/transport/client"
	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"
	"github.com/go-git/go-git/v5/plumbing/transport/server"
	gitssh "github.com/go-git/go-git/v5/plumbing/transport/ssh"
)

// TokenUser is the user name sent with a token over https when the URL names none
// (GitHub accepts any; GitLab wants oauth2, given in the URL as https://oauth2@host/…).
const TokenUser = "x-access-token"

// Credentials authenticate the bot to the remote.
type Credentials struct {
	Token          string // https: sent as the password of HTTP basic auth. Secret.
	SSHKeyFile     string // ssh: private key file (PEM or OpenSSH, without passphrase)
	KnownHostsFile string // ssh: known_hosts file the server's key must be in
}

// CheckURL reports what is wrong with a remote URL: https://, http://, ssh://,
// user@host:path (scp-like) and file:// are accepted; a password in the URL is not.
func CheckURL(raw string) error {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return errors.New("is empty")
	}
	if strings.Contains(raw, "://") {
		u, err := url.Parse(raw)
		if err != nil {
			return errors.New("is not a URL")
		}
		switch u.Scheme {
		case "https", "http", "ssh":
			if u.Host == "" {
				return errors.New("has no host")
			}
		case "file":
			if u.Path == "" {
				return errors.New("has no path")
			}
		default:
			return fmt.Errorf("has scheme %q (use https://, ssh:// or file://)", u.Scheme)
		}
		if _, has := u.User.Password(); has {
			return errors.New("has a password in it (put the token in RUNBOOK_GIT_TOKEN instead)")
		}
		if u.Path == "" || u.Path == "/" {
			return errors.New("names no repository")
		}
		return nil
	}
	if ep, err := transport.NewEndpoint(raw); err == nil && ep.Protocol == "ssh" {
		return nil // user@host:path
	}
	return errors.New("is not an https, ssh or file URL")
}

// protocol is the transport of a checked URL: https, http, ssh or file.
func protocol(raw string) string {
	ep, err := transport.NewEndpoint(strings.TrimSpace(raw))
	if err != nil {
		return ""
	}
	return ep.Protocol
}

// loopback reports whether the URL's host is a loopback address (http is only
// allowed with a token there).
func loopback(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	h := u.Hostname()
	if h == "localhost" {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// authFor builds the transport authentication for url.
func authFor(raw string, c Credentials) (transport.AuthMethod, error) {
	switch protocol(raw) {
	case "https", "http":
		if c.Token == "" {
			return nil, nil
		}
		if protocol(raw) == "http" && !loopback(raw) {
			return nil, errors.New("a token is only sent over https (http is accepted for a loopback address only)")
		}
		user := TokenUser
		if u, err := url.Parse(raw); err == nil && u.User != nil && u.User.Username() != "" {
			user = u.User.Username()
		}
		return &githttp.BasicAuth{Username: user, Password: c.Token}, nil
	case "ssh":
		if c.SSHKeyFile == "" {
			return nil, errors.New("an ssh URL needs RUNBOOK_GIT_SSH_KEY_FILE")
		}
		if c.KnownHostsFile == "" {
			return nil, errors.New("an ssh URL needs RUNBOOK_GIT_KNOWN_HOSTS (the server's key is always checked)")
		}
		ep, _ := transport.NewEndpoint(raw)
		user := "git"
		if ep != nil && ep.User != "" {
			user = ep.User
		}
		keys, err := gitssh.NewPublicKeysFromFile(user, c.SSHKeyFile, "")
		if err != nil {
			return nil, fmt.Errorf("RUNBOOK_GIT_SSH_KEY_FILE: %w", err)
		}
		cb, err := gitssh.NewKnownHostsCallback(c.KnownHostsFile)
		if err != nil {
			return nil, fmt.Errorf("RUNBOOK_GIT_KNOWN_HOSTS: %w", err)
		}
		keys.HostKeyCallback = cb
		return keys, nil
	case "file":
		useInProcessFileTransport()
		return nil, nil
	}
	return nil, errors.New("unsupported URL")
}

var fileTransportOnce sync.Once

// useInProcessFileTransport serves file:// URLs with go-git's own server when
// no git binary is installed (go-git runs git-upload-pack for them otherwise).
func useInProcessFileTransport() {
	fileTransportOnce.Do(func() {
		if _, err := exec.LookPath("git"); err == nil {
			return
		}
		if _, err := exec.LookPath("git-upload-pack"); err == nil {
			return
		}
		client.InstallProtocol("file", server.NewClient(server.DefaultLoader))
	})
}
