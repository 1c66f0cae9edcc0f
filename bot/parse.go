package bot

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/runbook-bot/runbook-bot/runbook"
)

// Verb is a "/runbook" sub-command.
type Verb string

// Verbs, in the order the help lists them.
const (
	VerbHelp       Verb = "help"
	VerbSchedule   Verb = "schedule"
	VerbStatus     Verb = "status"
	VerbCheck      Verb = "check"
	VerbConfirm    Verb = "confirm"
	VerbDecline    Verb = "decline"
	VerbRun        Verb = "run"
	VerbCancel     Verb = "cancel"
	VerbDelay      Verb = "delay"
	VerbReschedule Verb = "reschedule"
	VerbIncident   Verb = "incident"
	VerbLearnings  Verb = "learnings"
	VerbHistory    Verb = "history"
	VerbTickets    Verb = "tickets"
	VerbFreeze     Verb = "freeze"
	VerbUnfreeze   Verb = "unfreeze"
)

// Verbs lists every verb in help order.
var Verbs = []Verb{VerbHelp, VerbSchedule, VerbStatus, VerbCheck, VerbConfirm, VerbDecline, VerbRun, VerbCancel,
	VerbDelay, VerbReschedule, VerbIncident, VerbLearnings, VerbHistory, VerbTickets, VerbFreeze, VerbUnfreeze}

// Flags accepted by the parser; nothing else starting with "-" is.
const (
	FlagDryRun         = "--dry-run"
	FlagDespiteTickets = "--despite-tickets"
	FlagReplace        = "--replace"
)

// MaxText is the longest free text (in characters) a command accepts.
const MaxText = 1000

// RescheduleLayout is how a reschedule target is written, in the job's zone.
const RescheduleLayout = "2006-01-02 15:04"

// RescheduleLayoutBR is the other way a reschedule target may be written: day first, as in Brazil.
const RescheduleLayoutBR = "2/1/2006 15:04"

// Command is a parsed "/runbook" command. It carries data only: there is no argv
// in it, free text is never executed.
type Command struct {
	Verb           Verb
	Job            string    // a known job id; empty for help, schedule and status of every job
	Topic          Verb      // help: the verb asked about, if any
	Text           string    // free text kept verbatim (trimmed): reason, justification, reference, learnings
	At             time.Time // reschedule: the new window, UTC
	DryRun         bool      // run --dry-run
	DespiteTickets bool      // confirm --despite-tickets
	Replace        bool      // incident --replace
}

// grammar tells what follows a verb.
type grammar struct {
	job   int      // 0 none, 1 optional, 2 required
	flags []string // accepted flags (with text: words before or after the text)
	text  bool     // free text after the job (required)
	when  bool     // "YYYY-MM-DD HH:MM" before the text
}

var grammars = map[Verb]grammar{
	VerbHelp:       {},
	VerbSchedule:   {},
	VerbStatus:     {job: 1},
	VerbCheck:      {job: 2},
	VerbConfirm:    {job: 2, flags: []string{FlagDespiteTickets}},
	VerbDecline:    {job: 2, text: true},
	VerbRun:        {job: 2, flags: []string{FlagDryRun}},
	VerbCancel:     {job: 2},
	VerbDelay:      {job: 2, text: true},
	VerbReschedule: {job: 2, text: true, when: true},
	VerbIncident:   {job: 2, text: true, flags: []string{FlagReplace}},
	VerbLearnings:  {job: 2, text: true},
	VerbHistory:    {job: 2},
	VerbTickets:    {job: 2},
	VerbFreeze:     {text: true, when: true}, // no job: a freeze stops every job
	VerbUnfreeze:   {text: true},
}

// shellChars are characters that only make sense to a shell; outside free text they are refused.
const shellChars = ";|&$`<>(){}\\\"'*?!#~="

func perr(code string, args map[string]any) error {
	return runbook.NewError(runbook.KindInvalid, code, args)
}

// ParseCommand parses the text after "/runbook" (docs/spec.md §5). Errors are *runbook.Error
// whose Code has a catalogue entry; nothing is run for a command that does not parse.
//
// The text is cleaned first (runbook.CleanText): terminal escapes and
// bidirectional overrides never reach a reply, a record or a file; a mistyped
// token is repeated in an error at most maxEcho characters long.
func ParseCommand(text string, rb *runbook.Runbook) (Command, error) {
	text = runbook.CleanText(text)
	word, rest := nextToken(text)
	if word == "" {
		return Command{Verb: VerbHelp}, nil
	}
	v, ok := lookupVerb(word)
	if !ok {
		return Command{}, runbook.NewError(runbook.KindNotFound, "unknown_verb", map[string]any{"verb": echo(word), "suggestion": suggest(word, verbNames())})
	}
	g := grammars[v]
	c := Command{Verb: v}
	if v == VerbHelp {
		return parseHelp(rest)
	}
	var jobs []string
	if rb != nil {
		jobs = rb.JobIDs()
	}
	if g.text && g.job == 0 { // freeze <YYYY-MM-DD HH:MM> <reason>, unfreeze <reason>
		tail := rest
		if g.when {
			at, r, err := parseWhen(v, tail, rb, "")
			if err != nil {
				return c, err
			}
			c.At, tail = at, r
		}
		var err error
		c.Text, err = freeText(v, tail)
		return c, err
	}
	if g.text {
		tok, tail := nextToken(rest)
		for len(g.flags) > 0 && isFlag(tok) { // "incident --replace JOB <ref>"
			if err := c.setFlag(v, g, tok); err != nil {
				return c, err
			}
			tok, tail = nextToken(tail)
		}
		if tok == "" {
			return c, perr("job_required", map[string]any{"verb": string(v)})
		}
		if err := plainToken(v, tok); err != nil {
			return c, err
		}
		job, err := resolveJob(tok, jobs)
		if err != nil {
			return c, err
		}
		c.Job = job
		if g.when {
			at, rest, err := parseWhen(v, tail, rb, job)
			if err != nil {
				return c, err
			}
			c.At, tail = at, rest
		}
		if tail, err = c.textFlags(v, g, tail); err != nil {
			return c, err
		}
		c.Text, err = freeText(v, tail)
		return c, err
	}
	var pos []string
	for _, tok := range strings.FieldsFunc(rest, unicode.IsSpace) {
		if isFlag(tok) {
			if err := c.setFlag(v, g, tok); err != nil {
				return c, err
			}
			continue
		}
		if err := plainToken(v, tok); err != nil {
			return c, err
		}
		pos = append(pos, tok)
	}
	max := 0
	if g.job > 0 {
		max = 1
	}
	if len(pos) > max {
		return c, perr("unexpected_argument", map[string]any{"verb": string(v), "arg": echo(pos[max])})
	}
	if len(pos) == 0 {
		if g.job == 2 {
			return c, perr("job_required", map[string]any{"verb": string(v)})
		}
		return c, nil
	}
	job, err := resolveJob(pos[0], jobs)
	c.Job = job
	return c, err
}

func parseHelp(rest string) (Command, error) {
	c := Command{Verb: VerbHelp}
	toks := strings.FieldsFunc(rest, unicode.IsSpace)
	if len(toks) > 1 {
		return c, perr("unexpected_argument", map[string]any{"verb": string(VerbHelp), "arg": echo(toks[1])})
	}
	if len(toks) == 1 {
		v, ok := lookupVerb(toks[0])
		if !ok {
			return c, runbook.NewError(runbook.KindNotFound, "unknown_verb", map[string]any{"verb": echo(toks[0]), "suggestion": suggest(toks[0], verbNames())})
		}
		c.Topic = v
	}
	return c, nil
}

// setFlag accepts only the verb's documented flags, each at most once.
func (c *Command) setFlag(v Verb, g grammar, tok string) error {
	// chat clients turn "--" into a dash: "—dry-run" means "--dry-run"
	norm := tok
	for _, d := range []string{"—", "–"} {
		if rest, ok := strings.CutPrefix(tok, d); ok {
			norm = "--" + rest
		}
	}
	for _, f := range g.flags {
		if strings.EqualFold(norm, f) {
			switch f {
			case FlagDryRun:
				if c.DryRun {
					return perr("unexpected_argument", map[string]any{"verb": string(v), "arg": echo(tok)})
				}
				c.DryRun = true
			case FlagDespiteTickets:
				if c.DespiteTickets {
					return perr("unexpected_argument", map[string]any{"verb": string(v), "arg": echo(tok)})
				}
				c.DespiteTickets = true
			case FlagReplace:
				if c.Replace {
					return perr("unexpected_argument", map[string]any{"verb": string(v), "arg": tok})
				}
				c.Replace = true
			}
			return nil
		}
	}
	return perr("unknown_flag", map[string]any{"verb": string(v), "flag": echo(tok)})
}

// textFlags takes the verb's flags from the words before and after its free
// text (an incident reference never starts with a dash), and keeps the text
// between them as typed: a flag amid the text is text. Verbs without flags
// keep their text as typed.
func (c *Command) textFlags(v Verb, g grammar, text string) (string, error) {
	if len(g.flags) == 0 {
		return text, nil
	}
	for {
		tok, rest := nextToken(text)
		if !isFlag(tok) {
			break
		}
		if err := c.setFlag(v, g, tok); err != nil {
			return "", err
		}
		text = rest
	}
	for {
		text = strings.TrimRightFunc(text, unicode.IsSpace)
		i := strings.LastIndexFunc(text, unicode.IsSpace)
		tok := text[i+1:]
		if !isFlag(tok) {
			return text, nil
		}
		if err := c.setFlag(v, g, tok); err != nil {
			return "", err
		}
		text = text[:i+1]
	}
}

// isFlag reports whether tok is written as a flag ("-x", "--x", or a chat client's "—x").
func isFlag(tok string) bool {
	return strings.HasPrefix(tok, "-") || strings.HasPrefix(tok, "—") || strings.HasPrefix(tok, "–")
}

// plainToken refuses shell syntax in a position that is not free text.
func plainToken(v Verb, tok string) error {
	if i := strings.IndexAny(tok, shellChars); i >= 0 {
		r, _ := utf8.DecodeRuneInString(tok[i:])
		return perr("shell_syntax", map[string]any{"verb": string(v), "char": string(r), "arg": echo(tok)})
	}
	for _, r := range tok {
		if unicode.IsControl(r) || r == utf8.RuneError {
			return perr("shell_syntax", map[string]any{"verb": string(v), "char": "", "arg": echo(tok)})
		}
	}
	return nil
}

func parseWhen(v Verb, s string, rb *runbook.Runbook, job string) (time.Time, string, error) {
	date, rest := nextToken(s)
	clock, rest := nextToken(rest)
	if date == "" || clock == "" {
		return time.Time{}, rest, perr("time_required", map[string]any{"verb": string(v)})
	}
	loc := time.UTC // the job's zone; the runbook's (RUNBOOK_TZ) for a freeze
	if rb != nil && rb.Zone != nil {
		loc = rb.Zone
	}
	if rb != nil {
		if j, ok := rb.Job(job); ok && j.Window.Location != nil {
			loc = j.Window.Location
		}
	}
	at, err := time.ParseInLocation(RescheduleLayout, date+" "+clock, loc)
	if err != nil {
		at, err = time.ParseInLocation(RescheduleLayoutBR, date+" "+clock, loc)
	}
	if err != nil {
		return time.Time{}, rest, perr("bad_time", map[string]any{"verb": string(v), "value": echo(date + " " + clock)})
	}
	return at.UTC(), rest, nil
}

// freeText keeps the text verbatim (trimmed), requires it and caps its length.
func freeText(v Verb, s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", perr("text_required", map[string]any{"verb": string(v)})
	}
	if n := utf8.RuneCountInString(s); n > MaxText {
		return "", perr("text_too_long", map[string]any{"verb": string(v), "max": MaxText, "length": n})
	}
	return s, nil
}

// resolveJob maps a token to a known job id (case-insensitively) or explains what is known.
func resolveJob(tok string, jobs []string) (string, error) {
	for _, j := range jobs {
		if j == tok {
			return j, nil
		}
	}
	for _, j := range jobs {
		if runbook.Fold(j) == runbook.Fold(tok) {
			return j, nil
		}
	}
	return "", runbook.NewError(runbook.KindNotFound, "unknown_job", map[string]any{"job": echo(tok), "jobs": jobs, "suggestion": suggest(tok, jobs)})
}

// maxEcho is the most characters of a mistyped token an error repeats.
const maxEcho = 64

// echo is tok as an error repeats it: at most maxEcho characters, the last an ellipsis when cut.
func echo(tok string) string {
	if utf8.RuneCountInString(tok) <= maxEcho {
		return tok
	}
	return string([]rune(tok)[:maxEcho-1]) + "…"
}

func lookupVerb(word string) (Verb, bool) {
	w := strings.ToLower(word)
	for _, v := range Verbs {
		if string(v) == w {
			return v, true
		}
	}
	return "", false
}

func verbNames() []string {
	out := make([]string, len(Verbs))
	for i, v := range Verbs {
		out[i] = string(v)
	}
	return out
}

// nextToken splits off the first whitespace-separated token.
func nextToken(s string) (tok, rest string) {
	s = strings.TrimLeftFunc(s, unicode.IsSpace)
	i := strings.IndexFunc(s, unicode.IsSpace)
	if i < 0 {
		return s, ""
	}
	return s[:i], s[i:]
}
