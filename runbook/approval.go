package runbook

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"slices"
	"strings"
)

// Terms are what an approval approves: the command, the owners and the
// dependencies of the job's row in the runbook. An approval holds only while
// the runbook's row still has the same terms (the same Digest): an edit of
// any of them withdraws it, and a run never starts under the approval of
// other terms.
type Terms struct {
	Argv   []string `json:"argv"`
	Owners []string `json:"owners,omitempty"`       // primary, then backup, as written ("Team (Person)")
	Deps   []string `json:"dependencies,omitempty"` // the dependencies as written, in order
	Digest string   `json:"digest"`                 // hex SHA-256 of the canonical encoding of the row's terms
}

// TermsOf returns the terms of the job's row as the runbook has them now.
func TermsOf(j Job) Terms {
	t := Terms{Argv: slices.Clone(j.Command), Owners: []string{ownerText(j.Primary), ownerText(j.Backup)}, Digest: termsDigest(j)}
	for _, c := range j.Checks {
		t.Deps = append(t.Deps, c.Text)
	}
	return t
}

// Same reports whether t and u are the same terms.
func (t *Terms) Same(u *Terms) bool {
	if t == nil || u == nil {
		return t == u
	}
	return t.Digest == u.Digest
}

// Command is the argv as one line.
func (t Terms) Command() string { return strings.Join(t.Argv, " ") }

// termsVersion starts the canonical encoding: a new encoding gets a new version.
const termsVersion = "runbook-bot approval terms v1"

// termsDigest hashes a canonical encoding of the row's terms: every string is
// length-prefixed and every list counted, so no two different rows encode
// alike (an argument holding a space, a dependency moved from one check to
// the next). Checks count with their kind and names, not only their text.
func termsDigest(j Job) string {
	h := sha256.New()
	var buf [binary.MaxVarintLen64]byte
	num := func(n int) { h.Write(buf[:binary.PutUvarint(buf[:], uint64(n))]) }
	str := func(s string) { num(len(s)); h.Write([]byte(s)) }
	list := func(ss []string) {
		num(len(ss))
		for _, s := range ss {
			str(s)
		}
	}
	str(termsVersion)
	list(j.Command)
	for _, o := range []Owner{j.Primary, j.Backup} {
		str(o.Team)
		str(o.Person)
	}
	num(len(j.Checks))
	for _, c := range j.Checks {
		str(string(c.Kind))
		list(c.Names)
		str(c.Text)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// ownerText is an owner as the runbook writes it: "Team (Person)", "Person" or "Team".
func ownerText(o Owner) string {
	switch {
	case o.Team != "" && o.Person != "":
		return o.Team + " (" + o.Person + ")"
	case o.Person != "":
		return o.Person
	}
	return o.Team
}

// TermsChange is an approval withdrawn because the runbook's row changed:
// what was approved, what the runbook has now, and who had approved.
type TermsChange struct {
	Approved   *Terms `json:"approved,omitempty"` // nil: an approval recorded before approvals carried their terms
	Current    Terms  `json:"current"`
	ApprovedBy string `json:"approved_by,omitempty"`
}

// termsFields are the audit fields of terms, each prefixed.
func termsFields(fields map[string]string, prefix string, t *Terms) {
	if t == nil {
		fields[prefix+"digest"] = ""
		return
	}
	fields[prefix+"argv"] = t.Command()
	fields[prefix+"owners"] = strings.Join(t.Owners, "; ")
	fields[prefix+"dependencies"] = strings.Join(t.Deps, "; ")
	fields[prefix+"digest"] = t.Digest
}

// EncodeTerms is how a store keeps an approval's terms: JSON, "" for none.
func EncodeTerms(t *Terms) (string, error) {
	if t == nil {
		return "", nil
	}
	b, err := json.Marshal(t)
	return string(b), err
}

// DecodeTerms reads what EncodeTerms wrote.
func DecodeTerms(s string) (*Terms, error) {
	if s == "" {
		return nil, nil
	}
	t := new(Terms)
	if err := json.Unmarshal([]byte(s), t); err != nil {
		return nil, err
	}
	return t, nil
}
