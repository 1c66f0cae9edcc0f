package runbook

import (
	"net/url"
	"regexp"
	"strings"
	"unicode/utf8"
)

// MaxIncidentRef is the longest incident reference accepted, in characters.
const MaxIncidentRef = 200

// issueKeyRE is an issue key: a project key of letters and digits (starting
// with a letter), a dash and a number, as INC-1234 or OPS-7.
var issueKeyRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9]*-[0-9]+$`)

// ValidateIncidentRef accepts an issue key (INC-1234) or an http(s) URL
// without credentials, at most MaxIncidentRef characters; anything else is a
// KindInvalid error "incident_ref_invalid".
func ValidateIncidentRef(ref string) error {
	bad := func() error {
		return NewError(KindInvalid, "incident_ref_invalid", map[string]any{"ref": ref, "max": MaxIncidentRef})
	}
	if utf8.RuneCountInString(ref) > MaxIncidentRef || !utf8.ValidString(ref) {
		return bad()
	}
	if issueKeyRE.MatchString(ref) {
		return nil
	}
	// A URL is one word of visible ASCII, nothing a chat could read as markup.
	for i := 0; i < len(ref); i++ {
		if c := ref[i]; c <= ' ' || c >= 0x7f || strings.IndexByte(`<>"{}|\^`+"`", c) >= 0 {
			return bad()
		}
	}
	u, err := url.Parse(ref)
	if err != nil || (!strings.EqualFold(u.Scheme, "http") && !strings.EqualFold(u.Scheme, "https")) || u.Host == "" || u.User != nil || u.Opaque != "" {
		return bad()
	}
	return nil
}
