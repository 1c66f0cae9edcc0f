package runbook

import (
	"regexp"
	"strconv"
	"strings"
)

var (
	slackUserRE  = regexp.MustCompile(`^[UW][A-Z0-9]{2,}$`)
	slackGroupRE = regexp.MustCompile(`^S[A-Z0-9]{2,}$`)
	emailRE      = regexp.MustCompile(`^[^@\s<>()]+@[^@\s<>()]+\.[^@\s<>()]+$`)
)

// contactsRef is the contacts table and its two columns.
type contactsRef struct {
	table          *mdTable
	nameCol, slack int
}

// contactsTable finds the first table with a Nome/Name and a Slack column.
func (p *parser) contactsTable() *contactsRef {
	for i := range p.tables {
		ref := &contactsRef{table: &p.tables[i], nameCol: -1, slack: -1}
		for j, h := range p.tables[i].header {
			switch name := Fold(h.text()); {
			case ref.nameCol < 0 && (name == "nome" || name == "name"):
				ref.nameCol = j
			case ref.slack < 0 && (name == "slack" || strings.HasPrefix(name, "slack ") || name == "id slack"):
				ref.slack = j
			}
		}
		if ref.nameCol >= 0 && ref.slack >= 0 {
			return ref
		}
	}
	return nil
}

// parseContacts reads the contacts table into the runbook.
func (p *parser) parseContacts(ref *contactsRef) {
	if ref == nil {
		return
	}
	seen := map[string]int{}
	for _, r := range ref.table.rows {
		if rowIsBlank(r) {
			continue
		}
		name, value := cellText(r, ref.nameCol), cellText(r, ref.slack)
		if name == "" {
			p.problem(r.line, ProbContactNoName, "slack", value)
			continue
		}
		if first, dup := seen[Fold(name)]; dup {
			p.problem(r.line, ProbContactDuplicate, "name", name, "line", strconv.Itoa(first))
			continue
		}
		seen[Fold(name)] = r.line
		kind, ref, ok := classifyContact(value)
		if !ok {
			p.badContacts[Fold(name)] = true
			p.problem(r.line, ProbContactInvalid, "value", value, "name", name)
			continue
		}
		p.rb.Contacts = append(p.rb.Contacts, Contact{Name: name, Kind: kind, Ref: ref, Line: r.line})
	}
}

// cellText is the text of cell i of a row, "" when the row is short.
func cellText(r mdRow, i int) string {
	if i < 0 || i >= len(r.cells) {
		return ""
	}
	return r.cells[i].text()
}

// classifyContact reads a Slack user ID, user-group ID or e-mail address,
// also in Slack's mention forms <@U…> and <!subteam^S…>.
func classifyContact(v string) (ContactKind, string, bool) {
	v = strings.TrimSpace(v)
	v = strings.TrimPrefix(v, "mailto:")
	if strings.HasPrefix(v, "<@") && strings.HasSuffix(v, ">") {
		v = strings.TrimSuffix(strings.TrimPrefix(v, "<@"), ">")
	}
	if strings.HasPrefix(v, "<!subteam^") && strings.HasSuffix(v, ">") {
		v = strings.TrimSuffix(strings.TrimPrefix(v, "<!subteam^"), ">")
		if i := strings.IndexByte(v, '|'); i >= 0 {
			v = v[:i]
		}
	}
	switch {
	case slackUserRE.MatchString(v):
		return ContactUser, v, true
	case slackGroupRE.MatchString(v):
		return ContactGroup, v, true
	case emailRE.MatchString(v):
		return ContactEmail, v, true
	}
	return "", "", false
}

// ownerName is a person or team named in the schedule, with its row's line.
type ownerName struct {
	name string
	line int
}

// checkOwnersHaveContacts reports every person and team of the schedule that has
// no contact, and reads a bare owner name whose contact is a user group as a team.
func (p *parser) checkOwnersHaveContacts(haveTable bool) {
	table := "Contacts"
	if p.rb.Lang == LangPT {
		table = "Contatos"
	}
	if !haveTable {
		if names := p.ownerNames(); len(names) > 0 {
			list := make([]string, len(names))
			for i, n := range names {
				list[i] = n.name
			}
			p.problem(1, ProbNoContactsTable, "table", table, "names", strings.Join(list, ", "))
		}
		return
	}
	reported := map[ownerName]bool{}
	for _, n := range p.owners {
		if _, ok := p.rb.Contact(n.name); ok || reported[n] || p.badContacts[Fold(n.name)] {
			continue
		}
		reported[n] = true
		p.problem(n.line, ProbNoContact, "name", n.name, "table", table)
	}
	for i := range p.rb.Jobs {
		p.rb.Jobs[i].Primary = p.teamIfGroup(p.rb.Jobs[i].Primary)
		p.rb.Jobs[i].Backup = p.teamIfGroup(p.rb.Jobs[i].Backup)
	}
}

// ownerNames lists the distinct owner names, first occurrence first.
func (p *parser) ownerNames() []ownerName {
	var out []ownerName
	seen := map[string]bool{}
	for _, n := range p.owners {
		if !seen[Fold(n.name)] {
			seen[Fold(n.name)] = true
			out = append(out, n)
		}
	}
	return out
}

// teamIfGroup turns a bare owner name whose contact is a user group into a team.
func (p *parser) teamIfGroup(o Owner) Owner {
	if o.Team != "" {
		return o
	}
	if c, ok := p.rb.Contact(o.Person); ok && c.Kind == ContactGroup {
		return Owner{Team: o.Person}
	}
	return o
}
