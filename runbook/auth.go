package runbook

// Who may do what, in one place: the rule table (Allowed, read by Step), and
// how the service finds out who a requester is for a job (actor, resolved
// before the transaction, since it may ask the directory).

import (
	"context"
	"strings"
)

// Action is something a user asks to do to an occurrence.
type Action string

// Actions that need authorization.
const (
	ActConfirm    Action = "confirm"
	ActDecline    Action = "decline"
	ActRun        Action = "run"
	ActDryRun     Action = "dry_run"
	ActCancel     Action = "cancel"
	ActReschedule Action = "reschedule"
	ActJustify    Action = "delay"
	ActLearnings  Action = "learnings"
	ActIncident   Action = "incident"
	ActFreeze     Action = "freeze"   // set a change freeze (not about one job: see freezeActor)
	ActUnfreeze   Action = "unfreeze" // lift the change freezes in force
)

// Role is a part a user plays for a job; the rule table grants actions to roles.
type Role uint8

// Roles, as found out by the service.
const (
	RoleOwner     Role = 1 << iota // the job's primary or backup (by user ID or user-group membership)
	RoleOperator                   // RUNBOOK_OPERATORS (user IDs or user-group membership)
	RoleResponder                  // RUNBOOK_RESPONDERS, or a member of the incident channel when none are set
)

// Has reports whether r includes role.
func (r Role) Has(role Role) bool { return r&role != 0 }

// rules is the whole decision of who may do what. Owners approve; operators
// run, cancel, dry-run, justify delays and record learnings; the incident of
// a failure is recorded (or its reference replaced) by owners, operators and
// responders, so a stranger cannot silence an escalation. A change freeze
// stops every job, so it is set and lifted by operators and by whoever owns
// every job (RoleOwner of a freeze: see freezeActor).
var rules = map[Action]Role{
	ActConfirm:    RoleOwner,
	ActDecline:    RoleOwner,
	ActReschedule: RoleOwner,
	ActRun:        RoleOwner | RoleOperator,
	ActDryRun:     RoleOwner | RoleOperator,
	ActCancel:     RoleOwner | RoleOperator,
	ActJustify:    RoleOwner | RoleOperator,
	ActLearnings:  RoleOwner | RoleOperator,
	ActIncident:   RoleOwner | RoleOperator | RoleResponder,
	ActFreeze:     RoleOwner | RoleOperator,
	ActUnfreeze:   RoleOwner | RoleOperator,
}

// actionOf is the action a user's event asks for; events not in it (timers,
// a run finishing) are the bot's own and need no authorization.
var actionOf = map[EventKind]Action{
	EvConfirm: ActConfirm, EvDecline: ActDecline, EvRunStart: ActRun, EvCancel: ActCancel,
	EvJustify: ActJustify, EvReschedule: ActReschedule, EvIncident: ActIncident, EvLearnings: ActLearnings,
}

// verbOf names what an event attempted, for a refusal's audit record: the
// user's verb (confirm, run, incident…), or the event itself for the bot's own.
func verbOf(k EventKind) string {
	if act, ok := actionOf[k]; ok {
		return string(act)
	}
	return string(k)
}

// MayDo returns the roles allowed to do act (none for an unknown action).
func MayDo(act Action) Role { return rules[act] }

// Actor is who asks, with the facts about them the rule needs.
type Actor struct {
	User      string // Slack user ID; empty for the bot's own timers
	Envelope  string // envelope or trigger id of the request, for the audit log
	Owner     bool   // primary or backup owner of the job (by user ID or group membership)
	Operator  bool   // member of RUNBOOK_OPERATORS
	Responder bool   // member of RUNBOOK_RESPONDERS, or of the incident channel when none are set
	// ResponderChannel is the incident channel whose members count as
	// responders (RUNBOOK_RESPONDERS unset), when responders were looked up.
	ResponderChannel string
	// Unverified is set when a membership could not be looked up: the actor
	// is not counted as having that role (refused, so an escalation goes on).
	Unverified bool
}

// Roles are the roles the facts give the actor.
func (a Actor) Roles() Role {
	var r Role
	if a.Owner {
		r |= RoleOwner
	}
	if a.Operator {
		r |= RoleOperator
	}
	if a.Responder {
		r |= RoleResponder
	}
	return r
}

// Allowed reports whether the actor may do the action (see rules).
func Allowed(a Actor, act Action) bool {
	return a.User != "" && a.Roles().Has(rules[act])
}

// refusal is the arguments of a not_allowed refusal: the action, and what the
// reply needs to say who may (the incident channel) or why (a failed look-up).
func (a Actor) refusal(act Action) map[string]any {
	args := map[string]any{"action": string(act)}
	if rules[act].Has(RoleResponder) && a.ResponderChannel != "" {
		args["channel"] = a.ResponderChannel
	}
	if a.Unverified {
		args["unverified"] = "true"
	}
	return args
}

// actor finds out who the requester is for the job: the facts the rule for
// act needs. Responders are looked up only for actions they may do, and only
// for someone who is neither owner nor operator.
func (s *Service) actor(ctx context.Context, r Request, j Job, act Action) Actor {
	a := Actor{User: r.User, Envelope: r.Envelope}
	if r.User == "" {
		return a
	}
	var failed bool
	a.Owner = s.isOwner(ctx, r.User, j, &failed)
	a.Operator = s.inAny(ctx, r.User, s.set.Operators, &failed)
	if rules[act].Has(RoleResponder) && !a.Owner && !a.Operator {
		a.Responder, a.ResponderChannel = s.isResponder(ctx, r.User, &failed)
	}
	a.Unverified = failed && !Allowed(a, act)
	return a
}

// freezeActor finds out who the requester of a freeze or unfreeze is: an
// operator, or an owner when they own every job of the runbook (a freeze stops
// them all).
func (s *Service) freezeActor(ctx context.Context, r Request) Actor {
	a := Actor{User: r.User, Envelope: r.Envelope}
	if r.User == "" {
		return a
	}
	var failed bool
	a.Operator = s.inAny(ctx, r.User, s.set.Operators, &failed)
	jobs := s.Runbook().Jobs
	a.Owner = len(jobs) > 0
	for _, j := range jobs {
		if !s.isOwner(ctx, r.User, j, &failed) {
			a.Owner = false
			break
		}
	}
	a.Unverified = failed && !Allowed(a, ActFreeze)
	return a
}

// Allows reports whether user may do act on job now (for offering the buttons
// of an action: the service decides again when it is asked).
func (s *Service) Allows(ctx context.Context, user string, j Job, act Action) bool {
	return Allowed(s.actor(ctx, Request{User: user}, j, act), act)
}

// isOwner reports whether user is the job's primary or backup, by user ID or user-group membership.
func (s *Service) isOwner(ctx context.Context, user string, j Job, failed *bool) bool {
	for _, id := range s.OwnerIDs(ctx, j) {
		if id == user {
			return true
		}
	}
	return s.inAny(ctx, user, s.ownerGroups(j), failed)
}

// inAny reports whether user is one of ids (user IDs, or user-group IDs S… by membership).
func (s *Service) inAny(ctx context.Context, user string, ids []string, failed *bool) bool {
	for _, id := range ids {
		if id == user {
			return true
		}
	}
	for _, id := range ids {
		if strings.HasPrefix(id, "S") && s.inGroup(ctx, user, id, failed) {
			return true
		}
	}
	return false
}

// isResponder reports whether user is a responder: one of RUNBOOK_RESPONDERS
// when set, else a member of the incident channel (which it returns). A look-up
// that fails counts as "not a responder", and is logged.
func (s *Service) isResponder(ctx context.Context, user string, failed *bool) (bool, string) {
	if len(s.set.Responders) > 0 {
		return s.inAny(ctx, user, s.set.Responders, failed), ""
	}
	ch := s.Policy().IncidentChannel
	if s.dir == nil { // the terminal shell: no chat to ask, nobody is a member
		s.log.Warn("incident channel membership cannot be looked up without a chat directory (set RUNBOOK_RESPONDERS): refused", "channel", ch, "user", user)
		return false, ch
	}
	in, err := s.dir.InChannel(ctx, user, ch)
	if err != nil {
		*failed = true
		s.log.Error("incident channel membership lookup failed: refused, the countdown goes on", "channel", ch, "user", user, "err", err)
		return false, ch
	}
	return in, ch
}

// inGroup reports whether user is a member of the user group; a look-up that
// fails counts as "not a member" and sets *failed. Without a directory (the
// terminal shell) nobody is a member of any group.
func (s *Service) inGroup(ctx context.Context, user, group string, failed *bool) bool {
	if s.dir == nil {
		return false
	}
	ok, err := s.dir.InGroup(ctx, user, group)
	if err != nil {
		*failed = true
		s.log.Warn("group membership lookup failed", "group", group, "err", err)
	}
	return ok
}

// OwnerIDs are the Slack user IDs of the job's primary and backup persons.
func (s *Service) OwnerIDs(ctx context.Context, j Job) []string {
	var ids []string
	for _, o := range []Owner{j.Primary, j.Backup} {
		if id := s.userID(ctx, o.Person); id != "" {
			ids = append(ids, id)
		}
	}
	return ids
}

// ownerGroups are user groups named as owners without a person.
func (s *Service) ownerGroups(j Job) []string {
	var gs []string
	for _, o := range []Owner{j.Primary, j.Backup} {
		if o.Person != "" {
			continue
		}
		if c, ok := s.Runbook().Contact(o.Team); ok && c.Kind == ContactGroup {
			gs = append(gs, c.Ref)
		}
	}
	return gs
}

// ContactID is the Slack ID (user or group) of a person or team named in the runbook, empty when unknown.
func (s *Service) ContactID(ctx context.Context, name string) string {
	if c, ok := s.Runbook().Contact(name); ok && c.Kind == ContactGroup {
		return c.Ref
	}
	return s.userID(ctx, name)
}

// ContactName is the runbook's name for a Slack user or group ID ("Marcos Paulo"),
// empty when no contact of the runbook has that ID.
func (s *Service) ContactName(ctx context.Context, id string) string {
	if id == "" {
		return ""
	}
	contacts := s.Runbook().Contacts
	for _, c := range contacts {
		if (c.Kind == ContactUser || c.Kind == ContactGroup) && c.Ref == id {
			return c.Name
		}
	}
	for _, c := range contacts {
		if c.Kind == ContactEmail && s.userID(ctx, c.Name) == id {
			return c.Name
		}
	}
	return ""
}

func (s *Service) userID(ctx context.Context, name string) string {
	if name == "" {
		return ""
	}
	c, ok := s.Runbook().Contact(name)
	if !ok {
		return ""
	}
	switch c.Kind {
	case ContactUser:
		return c.Ref
	case ContactEmail:
		if s.dir != nil {
			if id, err := s.dir.UserByEmail(ctx, c.Ref); err == nil {
				return id
			}
		}
	}
	return ""
}
