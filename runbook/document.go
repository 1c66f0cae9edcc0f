package runbook

import (
	"time"
)

// Lang is a supported message language.
type Lang string

// Supported languages.
const (
	LangPT Lang = "pt-BR"
	LangEN Lang = "en"
)

// Runbook is everything the bot understood from the runbook document.
type Runbook struct {
	File     string         // path the document was read from
	Lang     Lang           // pt-BR when the schedule table uses Portuguese column names
	Jobs     []Job          // in table order
	Contacts []Contact      // the contacts table, in table order
	Policy   Policy         // escalation policy and confirmation lead read from the prose
	Freezes  []Freeze       // the change freezes table (Congelamentos / Change freezes), in table order
	Zone     *time.Location // the runbook's zone (RUNBOOK_TZ): freezes and times that name no zone
	Revision *Revision      // the git commit it was read from; nil for a local file
}

// Job is one row of the schedule table.
type Job struct {
	ID        string    // script file name without extension, e.g. "seed-dev-data"
	Line      int       // 1-based line of the row in the document
	Window    Window    // when it runs
	Frequency Frequency // as written; agrees with Window
	Command   []string  // argv: script path (relative to RUNBOOK_WORKDIR) then arguments, "--mode X" appended for "(modo X)"
	Primary   Owner     // "Responsável Principal"
	Backup    Owner     // "Backup"
	Checks    []Check   // typed dependencies, in the order written
	Commit    string    // the git commit its script comes from (the runbook's); "" for local files
}

// Frequency is how often a job runs.
type Frequency string

// Frequencies.
const (
	Weekly Frequency = "weekly"
	Daily  Frequency = "daily"
)

// Window is a recurring wall-clock time in a zone.
type Window struct {
	Daily    bool         // every day; Weekday is ignored
	Weekday  time.Weekday // for weekly windows
	Hour     int
	Minute   int
	Location *time.Location // never nil after parsing
	ZoneText string         // zone as written ("UTC", "America/Sao_Paulo", "UTC-3"); empty when RUNBOOK_TZ applied
}

// Owner is "Team (Person)" or "Person" (Team empty).
type Owner struct {
	Team   string // display name of the team, may be empty
	Person string // display name of the person, may be empty when only a team is named
}

// Name is how the owner is shown: "Person (Team)", "Person" or "Team".
func (o Owner) Name() string {
	switch {
	case o.Person != "" && o.Team != "":
		return o.Person + " (" + o.Team + ")"
	case o.Person != "":
		return o.Person
	}
	return o.Team
}

// CheckKind is the type of a pre-flight check.
type CheckKind string

// Check kinds.
const (
	CheckEnv    CheckKind = "env"    // environment variable set and non-empty
	CheckTool   CheckKind = "tool"   // any one of Names on PATH
	CheckPath   CheckKind = "path"   // path exists under RUNBOOK_WORKDIR
	CheckManual CheckKind = "manual" // checklist item the approver ticks
)

// Check is one typed dependency of a job.
type Check struct {
	Kind  CheckKind
	Names []string // env: one variable; tool: alternatives (any one); path: one path; manual: empty
	Text  string   // the item as written in the runbook (for manual items, the checklist line)
}

// ContactKind tells how a contact is addressed in Slack.
type ContactKind string

// Contact kinds.
const (
	ContactUser  ContactKind = "user"  // U… or W…
	ContactGroup ContactKind = "group" // S… (user group)
	ContactEmail ContactKind = "email" // resolved once with users.lookupByEmail
)

// Contact maps a person or team name to a Slack identity.
type Contact struct {
	Name string      // as written
	Kind ContactKind // user, group or email
	Ref  string      // U…/W…, S… or the e-mail address
	Line int
}

// Source tells where an effective setting came from.
type Source string

// Setting sources.
const (
	FromRunbook Source = "runbook"
	FromEnv     Source = "env"
	FromDefault Source = "default"
)

// Policy holds the escalation section and confirmation lead.
type Policy struct {
	IncidentChannel       string // e.g. "#infra-incident"
	IncidentChannelSource Source
	IncidentDeadline      time.Duration // "em até 15 minutos"
	IncidentDeadlineSrc   Source
	DelayThreshold        time.Duration // "superiores a 30 minutos"
	DelayThresholdSrc     Source
	ConfirmLead           time.Duration // "até 24h antes"
	ConfirmLeadSrc        Source
}

// Default policy values used when neither the runbook nor the environment sets them.
const (
	DefaultIncidentChannel  = "#infra-incident"
	DefaultIncidentDeadline = 15 * time.Minute
	DefaultDelayThreshold   = 30 * time.Minute
	DefaultConfirmLead      = 24 * time.Hour
)

// Job returns the job with the given id.
func (r *Runbook) Job(id string) (Job, bool) {
	for _, j := range r.Jobs {
		if j.ID == id {
			return j, true
		}
	}
	return Job{}, false
}

// Contact returns the contact for a person or team name (case- and accent-insensitive).
func (r *Runbook) Contact(name string) (Contact, bool) {
	k := Fold(name)
	for _, c := range r.Contacts {
		if Fold(c.Name) == k {
			return c, true
		}
	}
	return Contact{}, false
}

// JobIDs lists the job ids in table order.
func (r *Runbook) JobIDs() []string {
	ids := make([]string, len(r.Jobs))
	for i, j := range r.Jobs {
		ids[i] = j.ID
	}
	return ids
}
