package runbook

import (
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestRedact(t *testing.T) {
	environ := []string{
		"PATH=/usr/bin:/bin",
		"HOME=/home/runbook",
		"DEV_RELATIONAL_URL=postgres://app:s3cr3t-pw@db.internal:5432/dev",
		"DB_PASSWORD=s3cr3t-pw",
		"API_TOKEN=tok-123456",
		"Aws_Secret_Access_Key=AKIAxyzxyzxyz",
		"MONGO_DSN=mongodb://root:m0ng0pass@mongo:27017",
		"FEATURE_KEY=true",                          // common value, not masked
		"SHORT_SECRET=abc",                          // too short
		"REGISTRY_URL=https://registry.example.com", // URL without password: not a secret
		"PLAIN_VAR=hunter2hunter2",                  // not sensitive by name; given in names
		"ENCODED_URL=redis://:p%40ss%2Fword@cache:6379",
		"DEBUG=1",
	}
	r := NewRedactor(environ, []string{"PLAIN_VAR", "MISSING_VAR"})

	cases := []struct {
		name, in, want string
	}{
		{"no secret", "copying 42 rows", "copying 42 rows"},
		{"empty", "", ""},
		{"url keeps all but its password", "connecting to postgres://app:s3cr3t-pw@db.internal:5432/dev now", "connecting to postgres://app:[DB_PASSWORD]@db.internal:5432/dev now"},
		{"password alone", "pw is s3cr3t-pw", "pw is [DB_PASSWORD]"},
		{"url reformatted", "host=db.internal password=s3cr3t-pw", "host=db.internal password=[DB_PASSWORD]"},
		{"token", "Authorization: Bearer tok-123456", "Authorization: Bearer [API_TOKEN]"},
		{"case-insensitive name", "key AKIAxyzxyzxyz", "key [Aws_Secret_Access_Key]"},
		{"dsn", "mongodb://root:m0ng0pass@mongo:27017/db", "[MONGO_DSN]/db"},
		{"dsn password alone", "m0ng0pass", "[MONGO_DSN]"},
		{"common value kept", "enabled=true", "enabled=true"},
		{"short value kept", "abc def", "abc def"},
		{"url var without password", "pushing to https://registry.example.com/app", "pushing to https://registry.example.com/app"},
		{"extra name", "the word is hunter2hunter2!", "the word is [PLAIN_VAR]!"},
		{"two occurrences", "s3cr3t-pw and s3cr3t-pw", "[DB_PASSWORD] and [DB_PASSWORD]"},
		{"adjacent", "s3cr3t-pwtok-123456", "[DB_PASSWORD][API_TOKEN]"},
		{"encoded url password decoded", "p@ss/word", "[ENCODED_URL]"},
		{"encoded url password raw", "p%40ss%2Fword", "[ENCODED_URL]"},
		{"unknown url password", "mysql://admin:letmein99@10.0.0.1/db", "mysql://admin:***@10.0.0.1/db"},
		{"unknown url no user", "https://:pw12345@example.com/x", "https://:***@example.com/x"},
		{"url without userinfo", "see https://example.com/a?b=c@d", "see https://example.com/a?b=c@d"},
		{"slack bot token", "token xoxb-1234-5678-abcdefABC used", "token [slack-token] used"},
		{"slack user token", "xoxp-1-2-3-abc", "[slack-token]"},
		{"slack app token", "SLACK=xapp-1-A0123-456-deadbeef", "SLACK=[slack-token]"},
		{"slack token glued", "tok=abcxoxb-99-zz", "tok=abc[slack-token]"},
		{"not a token", "xoxo hugs and xapp", "xoxo hugs and xapp"},
		{"channel mention untouched", "<!channel> done", "<!channel> done"},
		{"path kept", "PATH is /usr/bin:/bin", "PATH is /usr/bin:/bin"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := r.Redact(tc.in); got != tc.want {
				t.Errorf("Redact(%q)\n got %q\nwant %q", tc.in, got, tc.want)
			}
		})
	}

	wantApplied := []string{"API_TOKEN", "Aws_Secret_Access_Key", "DB_PASSWORD", "DEV_RELATIONAL_URL", "ENCODED_URL", "MONGO_DSN", "PLAIN_VAR"}
	if got := strings.Join(r.Applied(), ","); got != strings.Join(wantApplied, ",") {
		t.Errorf("Applied() = %s, want %s", got, strings.Join(wantApplied, ","))
	}
	for _, n := range r.Applied() {
		for _, kv := range environ {
			if _, v, _ := strings.Cut(kv, "="); len(v) >= 4 && strings.Contains(n, v) {
				t.Errorf("Applied() leaks a value: %q", n)
			}
		}
	}
}

func TestRedactOverlapping(t *testing.T) {
	cases := []struct {
		name    string
		environ []string
		in      string
		want    string
	}{
		{"contained: longest wins", []string{"A_TOKEN=abcdefgh", "B_TOKEN=cdef"}, "xabcdefghx cdef", "x[A_TOKEN]x [B_TOKEN]"},
		{"partial overlap masked as one", []string{"A_TOKEN=abcdef", "B_TOKEN=defghijk"}, "abcdefghijk", "[B_TOKEN]"},
		{"shorter starts first", []string{"A_TOKEN=zzab", "B_TOKEN=abcd1234"}, "zzabcd1234!", "[B_TOKEN]!"},
		{"shared prefix", []string{"A_TOKEN=abcd1111", "B_TOKEN=abcd22"}, "abcd22 abcd1111 abcd", "[B_TOKEN] [A_TOKEN] abcd"},
		{"at both ends", []string{"A_TOKEN=edge"}, "edge mid edge", "[A_TOKEN] mid [A_TOKEN]"},
		{"self overlap", []string{"A_TOKEN=aaaa"}, "aaaaaaa", "[A_TOKEN]"},
		{"same value two names", []string{"B_KEY=samevalue", "A_KEY=samevalue"}, "samevalue", "[A_KEY]"},
		{"last definition wins", []string{"A_KEY=first1", "A_KEY=second2"}, "first1 second2", "first1 [A_KEY]"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := NewRedactor(tc.environ, nil)
			if got := r.Redact(tc.in); got != tc.want {
				t.Errorf("Redact(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestRedactNil(t *testing.T) {
	var r *Redactor
	if got := r.Redact("xoxb-1-2"); got != "[slack-token]" {
		t.Errorf("nil redactor: got %q", got)
	}
	if r.Applied() != nil {
		t.Error("nil redactor has applied names")
	}
	empty := NewRedactor(nil, nil)
	if got := empty.Redact("plain"); got != "plain" {
		t.Errorf("empty redactor changed text: %q", got)
	}
}

func TestRedactConcurrent(t *testing.T) {
	r := NewRedactor([]string{"X_TOKEN=concurrent-secret"}, nil)
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 1000; j++ {
				if got := r.Redact("a concurrent-secret b"); got != "a [X_TOKEN] b" {
					t.Errorf("got %q", got)
					return
				}
			}
		}()
	}
	wg.Wait()
}

// Reference definitions of the pattern rules; the hand-written scanners must agree.
var (
	urlPasswordRE = regexp.MustCompile(`([A-Za-z][A-Za-z0-9+.\-]*://[^\s:@/"'<>]*:)([^\s@"'<>]+)@`)
	slackTokenRE  = regexp.MustCompile(`(?:xox[abposre]|xapp)-[A-Za-z0-9\-]+`)
)

var valueMaskRE = regexp.MustCompile(`^\[[A-Za-z0-9_]+\]$`)

func patternsByRegexp(s string) string {
	s = urlPasswordRE.ReplaceAllStringFunc(s, func(m string) string {
		sub := urlPasswordRE.FindStringSubmatch(m)
		if valueMaskRE.MatchString(sub[2]) {
			return m
		}
		return sub[1] + urlPasswordMask + "@"
	})
	return slackTokenRE.ReplaceAllString(s, slackTokenMask)
}

func TestRedactPatternsMatchRegexp(t *testing.T) {
	for _, in := range []string{
		"a://b://u:p@h", "x://a b://u:p@h", "1://u:p@h", "+a://u:p@h", "://u:p@h", "s3://k:v@b and s3://k2:v2@b2",
		"http://u:@h", "http://u:p", "http://u:p q@h", "http://u/x:p@h", "ftp://:pw@h", "http://u:p@@h",
		"xoxb-", "xoxb-1", "xoxz-1", "xoxbxoxb-1", "xapp-1-2 xapp-", "axoxp-a-b-c!", "xox", "xoxe-9",
		"http://u:[X_1]@h", "http://u:[x-y]@h", "http://u:[]@h",
	} {
		assert.Equal(t, patternsByRegexp(in), redactURLsAndSlack(in), "%q", in)
	}
}

// fuzzMasks are texts the redactor itself writes; a "secret" that is part of one
// of them, or that contains a mask character, can re-appear in the output by
// construction and is outside the guarantee.
func secretOutsideGuarantee(v string, masks []string) bool {
	if strings.ContainsAny(v, "[]*") {
		return true
	}
	for _, m := range masks {
		if strings.Contains(m, v) {
			return true
		}
	}
	return false
}

func FuzzRedact(f *testing.F) {
	f.Add("s3cr3t-pw", "hunter2hunter2", "pw=s3cr3t-pw and hunter2hunter2")
	f.Add("abcd", "bcde", "abcdeabcde")
	f.Add("p@ss/w0rd", "xoxb-1-2", "postgres://u:p@ss/w0rd@h/db xoxb-1-2")
	f.Add("aaaa", "aaaaa", "aaaaaaaaaaaaaaaaaa")
	f.Add("secret", "ecretsecre", "secretsecretsecret")
	f.Add("tok1", "tok2", "https://user:tok1@h xoxb-tok2 xapp-1 a://b://c:d@e")
	f.Fuzz(func(t *testing.T, a, b, line string) {
		if strings.ContainsAny(a+b, "\x00") {
			return
		}
		environ := []string{
			"FUZZ_TOKEN=" + a,
			"PLAIN=" + b,
			"FUZZ_URL=postgres://user:" + a + "@db:5432/x",
		}
		if got, want := redactURLsAndSlack(line), patternsByRegexp(line); got != want {
			t.Fatalf("pattern scanners disagree with the regexps on %q:\n got %q\nwant %q", line, got, want)
		}
		r := NewRedactor(environ, []string{"PLAIN"})
		out := r.Redact(line)
		masks := []string{"[FUZZ_TOKEN]", "[PLAIN]", "[FUZZ_URL]", urlPasswordMask, slackTokenMask, "[github-token]", "[gitlab-token]", "[aws-key]", "[jwt]"}
		for _, v := range []string{a, b} {
			if len(v) < minSecretLen || commonValues[strings.ToLower(v)] || v != CleanText(v) {
				continue
			}
			for _, form := range append([]string{v}, encodedForms(v)...) {
				if secretOutsideGuarantee(form, masks) {
					continue
				}
				if strings.Contains(out, form) {
					t.Fatalf("secret %q survives as %q in %q (input %q)", v, form, out, line)
				}
			}
		}
		// Redacting twice changes nothing more for plain text without masks.
		_ = r.Redact(out)
	})
}

var sink string

func BenchmarkRedactLine(b *testing.B) {
	environ := []string{
		"PATH=/usr/local/bin:/usr/bin:/bin",
		"DEV_RELATIONAL_URL=postgres://app:s3cr3t-pw@db.internal:5432/dev",
		"DB_PASSWORD=s3cr3t-pw",
		"API_TOKEN=tok-123456",
		"AWS_SECRET_ACCESS_KEY=AKIAxyzxyzxyzxyzxyz",
		"MONGO_DSN=mongodb://root:m0ng0pass@mongo:27017",
		"REGISTRY_URL=https://registry.example.com",
		"SLACK_BOT_TOKEN=xoxb-1111-2222-abcdefabcdef",
		"SLACK_APP_TOKEN=xapp-1-A111-2222-abcdef",
		"GITHUB_TOKEN=ghp_abcdefghijklmnopqrstuvwxyz0123456789",
	}
	r := NewRedactor(environ, []string{"SEED_BUCKET"})
	lines := map[string]string{
		"clean":  "2025-06-02T03:00:01Z INFO seeded 1200 rows into table customers (batch 17/40) in 312ms",
		"secret": "2025-06-02T03:00:01Z INFO connecting to postgres://app:s3cr3t-pw@db.internal:5432/dev as app",
		"url":    "2025-06-02T03:00:01Z INFO fetching https://example.com/api/v1/items?page=3&size=100 -> 200",
	}
	for _, name := range []string{"clean", "secret", "url"} {
		line := lines[name]
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(line)))
			for b.Loop() {
				sink = r.Redact(line)
			}
		})
	}
}
