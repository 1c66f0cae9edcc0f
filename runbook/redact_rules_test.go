package runbook

import (
	"encoding/base64"
	"encoding/hex"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestSecretName_GivenAVariableName_ThenItsValueIsSecretByTheNamingRule(t *testing.T) {
	cases := []struct {
		name   string
		secret bool
	}{
		{"PGPASSWORD", true},
		{"DB_PASSWORD", true},
		{"MYSQL_PWD", true},
		{"REDIS_PASS", true},
		{"SMTP_PASSWD", true},
		{"SEED_PASSPHRASE", true},
		{"API_TOKEN", true},
		{"GITHUBTOKEN", true},
		{"CLIENT_SECRET", true},
		{"Aws_Secret_Access_Key", true},
		{"API_KEY", true},
		{"STRIPE_APIKEY", true},
		{"AZURE_CREDENTIAL", true},
		{"GOOGLE_APPLICATION_CREDENTIALS", true},
		{"REGISTRY_CREDS", true},
		{"SSH_PRIVATE_KEY", true},
		{"GPGPRIVATEKEY", true},
		{"MONGO_DSN", true},
		{"CURL_CA_BUNDLE", false},
		{"DATABASE_URL", false},
		{"SLACK_API_URL", false},
		{"REGISTRY_URI", false},
		{"PATH", false},
		{"HOME", false},
		{"PWD", false},
		{"OLDPWD", false},
		{"KEYBOARD_LAYOUT", false},
		{"MONKEY_COUNT", false},
		{"PASSAGE", false},
		{"LANG", false},
		{"SSH_AUTH_SOCK", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.secret, SecretName(tc.name))
		})
	}
}

// std and url base64, with and without padding.
var b64s = map[string]*base64.Encoding{"std": base64.StdEncoding, "std raw": base64.RawStdEncoding, "url": base64.URLEncoding, "url raw": base64.RawURLEncoding}

func TestRedact_GivenASecret_WhenPrintedInACommonEncoding_ThenItIsMasked(t *testing.T) {
	const v = "s3cr3t/p@ss+w0rd?~"
	r := NewRedactor([]string{"DB_PASSWORD=" + v}, nil)
	forms := map[string]string{
		"plain":               v,
		"query escaped":       url.QueryEscape(v),
		"path escaped":        url.PathEscape(v),
		"percent lower hex":   strings.ToLower(url.QueryEscape(v)),
		"hex lower":           hex.EncodeToString([]byte(v)),
		"hex upper":           strings.ToUpper(hex.EncodeToString([]byte(v))),
		"basic auth (offset)": base64.StdEncoding.EncodeToString([]byte("u:" + v)),
		"embedded at 1":       base64.StdEncoding.EncodeToString([]byte("x" + v + "tail")),
		"embedded at 2":       base64.RawURLEncoding.EncodeToString([]byte("xy" + v + "more")),
	}
	for name, enc := range b64s {
		forms["base64 "+name] = enc.EncodeToString([]byte(v))
	}
	for name, form := range forms {
		t.Run(name, func(t *testing.T) {
			out := r.Redact("value=" + form + " end")
			assert.Contains(t, out, "[DB_PASSWORD]")
			assert.NotContains(t, out, form)
			assert.True(t, strings.HasPrefix(out, "value=") && strings.HasSuffix(out, " end"), "the rest is kept: %q", out)
		})
	}
}

func TestRedact_GivenASecretWithSpaces_WhenURLEncoded_ThenBothSpellingsOfASpaceAreMasked(t *testing.T) {
	r := NewRedactor([]string{"SEED_PASSPHRASE=correct horse battery"}, nil)
	assert.Equal(t, "q=[SEED_PASSPHRASE]&p=[SEED_PASSPHRASE]", r.Redact("q=correct+horse+battery&p=correct%20horse%20battery"))
}

func TestRedact_GivenAShortSecret_ThenOnlyItsPlainFormIsMasked(t *testing.T) {
	r := NewRedactor([]string{"PIN_PASSWORD=ab12"}, nil)
	assert.Equal(t, "pin [PIN_PASSWORD]", r.Redact("pin ab12"))
	assert.Equal(t, "b64 YWIxMg==", r.Redact("b64 YWIxMg=="), "encodings of values under 8 characters would mask ordinary text")
}

func TestRedact_GivenURLs_ThenAURLHidesOnlyItsUserinfoPassword(t *testing.T) {
	environ := []string{
		"CURL_CA_BUNDLE=/etc/ssl/certs/ca-bundle.crt",
		"DATABASE_URL=postgres://app:pw-12345678@db.internal:5432/app",
		"ENCODED_URL=redis://:p%40ss%21word@cache:6379/0",
		"REGISTRY_URL=https://registry.example.com",
		"ODD_URL=amqp://user:sp%zzace@mq/",
		"SPARE_URL=https://u:p%40s%2Dword@example.com", // not valid percent-encoding: the text as written is the secret
	}
	r := NewRedactor(environ, nil)
	cases := []struct{ name, in, want string }{
		{"a CA bundle path is not a secret", "using /etc/ssl/certs/ca-bundle.crt", "using /etc/ssl/certs/ca-bundle.crt"},
		{"URL shown without its password", "connecting to postgres://app:pw-12345678@db.internal:5432/app", "connecting to postgres://app:[DATABASE_URL]@db.internal:5432/app"},
		{"password alone", "password=pw-12345678", "password=[DATABASE_URL]"},
		{"URL without password untouched", "pushing to https://registry.example.com/app", "pushing to https://registry.example.com/app"},
		{"percent-encoded password as written", "p%40ss%21word", "[ENCODED_URL]"},
		{"percent-encoded password decoded", "auth p@ss!word", "auth [ENCODED_URL]"},
		{"escaped more than needed, as written", "x:p%40s%2Dword", "x:[SPARE_URL]"},
		{"escaped more than needed, re-encoded", "x:p%40s-word", "x:[SPARE_URL]"},
		{"base64 of the decoded password", base64.StdEncoding.EncodeToString([]byte("p@ss!word")), "[ENCODED_URL]"},
		{"invalid escape kept as written", "sp%zzace", "[ODD_URL]"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, r.Redact(tc.in))
		})
	}
}

func TestRedact_GivenTokenShapes_WhenTheBotWasNeverToldOfThem_ThenTheyAreMasked(t *testing.T) {
	r := NewRedactor(nil, nil)
	ghp := "ghp_" + strings.Repeat("aB3", 12)
	jwt := "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
	cases := []struct{ name, in, want string }{
		{"github classic", "token " + ghp + " used", "token [github-token] used"},
		{"github oauth, glued", "x=gho_" + strings.Repeat("Z9", 18) + ";", "x=[github-token];"},
		{"github app", "ghs_" + strings.Repeat("q", 36), "[github-token]"},
		{"github fine-grained", "github_pat_11ABCDEFG0" + strings.Repeat("x_Y", 20), "[github-token]"},
		{"slack bot", "xoxb-1234-5678-abcdef", "[slack-token]"},
		{"slack user", "xoxp-1-2-3", "[slack-token]"},
		{"slack refresh", "xoxr-abc-123", "[slack-token]"},
		{"slack legacy workspace", "xoxa-2-abc", "[slack-token]"},
		{"gitlab", "PRIVATE-TOKEN: glpat-" + strings.Repeat("a1_-", 5), "PRIVATE-TOKEN: [gitlab-token]"},
		{"aws access key", "key AKIAIOSFODNN7EXAMPLE.", "key [aws-key]."},
		{"aws session key", "ASIAIOSFODNN7EXAMPLE", "[aws-key]"},
		{"jwt", "Authorization: Bearer " + jwt, "Authorization: Bearer [jwt]"},
		{"jwt without signature", "t=eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.", "t=[jwt]"},
		{"too short for github", "ghp_short", "ghp_short"},
		{"aws-like inside a longer word", "XAKIAIOSFODNN7EXAMPLEX", "XAKIAIOSFODNN7EXAMPLEX"},
		{"one dot is not a jwt", "eyJhbGciOiJIUzI1NiJ9.only", "eyJhbGciOiJIUzI1NiJ9.only"},
		{"gitlab too short", "glpat-abc", "glpat-abc"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, r.Redact(tc.in))
		})
	}
}

func TestRedact_GivenAValueWithATokenShape_ThenItIsSecretWhateverItsName(t *testing.T) {
	ghp := "ghp_" + strings.Repeat("Qw7", 12)
	r := NewRedactor([]string{"CI_VALUE=" + ghp}, nil)
	b64 := base64.StdEncoding.EncodeToString([]byte(ghp))
	assert.Equal(t, "[CI_VALUE]", r.Redact(b64), "its encodings are masked too")
	assert.Contains(t, r.Applied(), "CI_VALUE")
}

func TestRedact_GivenAMultiLineSecret_WhenPrintedLineByLine_ThenEachLineIsMasked(t *testing.T) {
	key := "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\r\nAAAAAAABAAAAMwAAAAtzc2gtZW\n-----END OPENSSH PRIVATE KEY-----"
	r := NewRedactor([]string{"SSH_PRIVATE_KEY=" + key}, nil)
	assert.Equal(t, "[SSH_PRIVATE_KEY]", r.Redact("b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ"))
	assert.Equal(t, "[SSH_PRIVATE_KEY]", r.Redact("AAAAAAABAAAAMwAAAAtzc2gtZW"))
}

func TestRedact_GivenTerminalEscapes_ThenTheyAreRemovedBeforeMasking(t *testing.T) {
	r := NewRedactor([]string{"API_TOKEN=tok-123456"}, nil)
	assert.Equal(t, "ok [API_TOKEN] \u2014 done", r.Redact("\x1b[32mok\x1b[0m tok-12\x1b[1m3456 \u2014 \u202Edone"))
	var none *Redactor
	assert.Equal(t, "title", none.Redact("\x1b]0;x\x07title"))
}
