package postgres

import (
	"errors"
	"net/url"
	"regexp"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// redactedPassword replaces a password wherever a database URL is shown.
const redactedPassword = "xxxxx"

// ErrNotURL is returned by ParseURL for a value that is not a URL at all; its
// text cannot be shown safely, since the password's boundaries are unknown.
var ErrNotURL = errors.New("not a valid PostgreSQL URL")

var schemeRE = regexp.MustCompile(`^([A-Za-z][A-Za-z0-9+.-]*)://`)

// Scheme returns the lower-cased scheme of a URL-shaped value ("postgres" for
// postgres://…), or "" when s does not start with scheme://.
func Scheme(s string) string {
	m := schemeRE.FindStringSubmatch(s)
	if m == nil {
		return ""
	}
	return strings.ToLower(m[1])
}

// IsURL reports whether s is a postgres:// or postgresql:// URL (any case).
func IsURL(s string) bool {
	sc := Scheme(s)
	return sc == "postgres" || sc == "postgresql"
}

// Redact returns the URL s with its password (in the user part or a password
// parameter) replaced by xxxxx, for logs and messages. A value that does not
// parse as a URL shows only its scheme.
func Redact(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		if sc := Scheme(s); sc != "" {
			return sc + "://…"
		}
		return "…"
	}
	if u.User != nil {
		if _, ok := u.User.Password(); ok {
			u.User = url.UserPassword(u.User.Username(), redactedPassword)
		}
	}
	if q := u.Query(); q.Has("password") {
		q.Set("password", redactedPassword)
		u.RawQuery = q.Encode()
	}
	return u.String()
}

// ParseURL checks that s is a PostgreSQL URL pgx can connect with and
// returns its pool configuration. Its error never holds the password: it is
// ErrNotURL, or a short reason such as "sslmode is invalid".
func ParseURL(s string) (*pgxpool.Config, error) {
	if !IsURL(s) {
		return nil, ErrNotURL
	}
	if _, err := url.Parse(s); err != nil {
		return nil, ErrNotURL
	}
	// pgx recognises the scheme in lower case only.
	i := strings.Index(s, "://")
	cfg, err := pgxpool.ParseConfig(strings.ToLower(s[:i]) + s[i:])
	if err != nil {
		return nil, errors.New(scrub(parseReason(err), s))
	}
	return cfg, nil
}

// parseReason is what is wrong with a connection string, without the string.
func parseReason(err error) string {
	var pe *pgconn.ParseConfigError
	if errors.As(err, &pe) {
		if inner := errors.Unwrap(pe); inner != nil {
			return inner.Error()
		}
		msg := pe.Error()
		if i := strings.LastIndex(msg, "`: "); i >= 0 {
			return msg[i+3:]
		}
		return "cannot parse it"
	}
	return err.Error()
}

// scrub removes the password of the URL s from msg, raw and percent-encoded,
// as a last guard for texts that come from libraries.
func scrub(msg, s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return msg
	}
	var secrets []string
	if u.User != nil {
		if pw, ok := u.User.Password(); ok {
			secrets = append(secrets, pw, url.PathEscape(pw), url.QueryEscape(pw))
		}
	}
	if pw := u.Query().Get("password"); pw != "" {
		secrets = append(secrets, pw, url.QueryEscape(pw))
	}
	for _, p := range secrets {
		if p != "" {
			msg = strings.ReplaceAll(msg, p, redactedPassword)
		}
	}
	return msg
}
