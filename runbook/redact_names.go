package runbook

import "strings"

// secretNameParts make a variable's value secret wherever they appear in its
// name, glued to other words too (PGPASSWORD, GITHUBTOKEN, GPGPRIVATEKEY).
var secretNameParts = []string{"TOKEN", "SECRET", "PASSWORD", "PASSWD", "PASSPHRASE", "CREDENTIAL", "PRIVATEKEY", "APIKEY"}

// secretNameWords make it secret as whole words of the name (split at _, - and
// .): too short to look for inside other words (MONKEY, KEYBOARD, PASSAGE).
var secretNameWords = map[string]bool{"KEY": true, "KEYS": true, "PASS": true, "PW": true, "PWD": true, "CREDS": true, "DSN": true}

// SecretName reports whether a variable's name makes its whole value secret.
// A name holding URL or URI does not: a URL-valued variable hides only the
// password of its userinfo (see NewRedactor), so CURL_CA_BUNDLE or
// SLACK_API_URL stay readable. PWD and OLDPWD are the shell's directories.
func SecretName(name string) bool {
	u := strings.ToUpper(name)
	if u == "PWD" || u == "OLDPWD" {
		return false
	}
	for _, p := range secretNameParts {
		if strings.Contains(u, p) {
			return true
		}
	}
	for _, w := range strings.FieldsFunc(u, func(r rune) bool { return r == '_' || r == '-' || r == '.' }) {
		if secretNameWords[w] {
			return true
		}
	}
	return false
}
