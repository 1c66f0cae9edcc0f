package bot

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/runbook-bot/runbook-bot/runbook"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseCommand_GivenDocumentedCommands_WhenParsed_ThenTheCommandIsData(t *testing.T) {
	rb := testRunbook(t, runbook.LangEN)
	for _, tc := range []struct {
		in   string
		want Command
	}{
		{"", Command{Verb: VerbHelp}},
		{"   ", Command{Verb: VerbHelp}},
		{"help", Command{Verb: VerbHelp}},
		{"help run", Command{Verb: VerbHelp, Topic: VerbRun}},
		{"schedule", Command{Verb: VerbSchedule}},
		{"status", Command{Verb: VerbStatus}},
		{"status seed-dev-data", Command{Verb: VerbStatus, Job: "seed-dev-data"}},
		{"STATUS Seed-Dev-Data", Command{Verb: VerbStatus, Job: "seed-dev-data"}},
		{"check reset-staging", Command{Verb: VerbCheck, Job: "reset-staging"}},
		{"confirm seed-dev-data", Command{Verb: VerbConfirm, Job: "seed-dev-data"}},
		{"confirm seed-dev-data --despite-tickets", Command{Verb: VerbConfirm, Job: "seed-dev-data", DespiteTickets: true}},
		{"decline seed-dev-data  staging freeze; see #ops  ", Command{Verb: VerbDecline, Job: "seed-dev-data", Text: "staging freeze; see #ops"}},
		{"decline seed-dev-data --mode apply", Command{Verb: VerbDecline, Job: "seed-dev-data", Text: "--mode apply"}},
		{"decline seed-dev-data line one\nline   two", Command{Verb: VerbDecline, Job: "seed-dev-data", Text: "line one\nline   two"}},
		{"run seed-dev-data", Command{Verb: VerbRun, Job: "seed-dev-data"}},
		{"run seed-dev-data --dry-run", Command{Verb: VerbRun, Job: "seed-dev-data", DryRun: true}},
		{"run --dry-run seed-dev-data", Command{Verb: VerbRun, Job: "seed-dev-data", DryRun: true}},
		{"run seed-dev-data —dry-run", Command{Verb: VerbRun, Job: "seed-dev-data", DryRun: true}},
		{"cancel provision-dev", Command{Verb: VerbCancel, Job: "provision-dev"}},
		{"delay seed-dev-data waiting for $PLATFORM `ok`", Command{Verb: VerbDelay, Job: "seed-dev-data", Text: "waiting for $PLATFORM `ok`"}},
		{"reschedule seed-dev-data 2025-01-10 21:30 platform asked", Command{Verb: VerbReschedule, Job: "seed-dev-data",
			At: time.Date(2025, 1, 11, 0, 30, 0, 0, time.UTC), Text: "platform asked"}},
		{"reschedule seed-dev-data 10/01/2025 21:30 a plataforma pediu", Command{Verb: VerbReschedule, Job: "seed-dev-data",
			At: time.Date(2025, 1, 11, 0, 30, 0, 0, time.UTC), Text: "a plataforma pediu"}},
		{"reschedule seed-dev-data 1/2/2025 9:05 cedo", Command{Verb: VerbReschedule, Job: "seed-dev-data",
			At: time.Date(2025, 2, 1, 12, 5, 0, 0, time.UTC), Text: "cedo"}},
		{"reschedule reset-staging 2025-01-11 06:00 later", Command{Verb: VerbReschedule, Job: "reset-staging",
			At: time.Date(2025, 1, 11, 6, 0, 0, 0, time.UTC), Text: "later"}},
		{"incident seed-dev-data https://itsm.example.com/INC-1?a=b&c=<!here>", Command{Verb: VerbIncident, Job: "seed-dev-data", Text: "https://itsm.example.com/INC-1?a=b&c=<!here>"}},
		{"incident seed-dev-data INC-7 --replace", Command{Verb: VerbIncident, Job: "seed-dev-data", Text: "INC-7", Replace: true}},
		{"incident seed-dev-data --replace https://itsm.example.com/i?id=7&x=y", Command{Verb: VerbIncident, Job: "seed-dev-data", Text: "https://itsm.example.com/i?id=7&x=y", Replace: true}},
		{"incident --replace seed-dev-data OPS-7", Command{Verb: VerbIncident, Job: "seed-dev-data", Text: "OPS-7", Replace: true}},
		{"incident seed-dev-data INC-7 —replace", Command{Verb: VerbIncident, Job: "seed-dev-data", Text: "INC-7", Replace: true}},
		{"incident seed-dev-data INC-7 --REPLACE", Command{Verb: VerbIncident, Job: "seed-dev-data", Text: "INC-7", Replace: true}},
		{"incident seed-dev-data none really", Command{Verb: VerbIncident, Job: "seed-dev-data", Text: "none really"}},                     // the service refuses it as a reference
		{"incident seed-dev-data see\n  INC-7", Command{Verb: VerbIncident, Job: "seed-dev-data", Text: "see\n  INC-7"}},                   // kept as typed; refused by the service
		{"incident seed-dev-data INC-7 --replace OPS-1", Command{Verb: VerbIncident, Job: "seed-dev-data", Text: "INC-7 --replace OPS-1"}}, // a flag amid the text is text
		{"incident seed-dev-data --replace  INC-7\t", Command{Verb: VerbIncident, Job: "seed-dev-data", Text: "INC-7", Replace: true}},
		{"learnings seed-dev-data needs the VPN", Command{Verb: VerbLearnings, Job: "seed-dev-data", Text: "needs the VPN"}},
		{"learnings seed-dev-data --replace is not a flag here", Command{Verb: VerbLearnings, Job: "seed-dev-data", Text: "--replace is not a flag here"}},
		{"history seed-dev-data", Command{Verb: VerbHistory, Job: "seed-dev-data"}},
		{"tickets seed-dev-data", Command{Verb: VerbTickets, Job: "seed-dev-data"}},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseCommand(tc.in, rb)
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestParseCommand_GivenFreeTextWithTerminalEscapes_ThenOnlyItsTextIsKept(t *testing.T) {
	rb := testRunbook(t, runbook.LangEN)
	c, err := ParseCommand("decline seed-dev-data \x1b[31mstaging\x1b[0m freeze \u2066this\u2069 week\r", rb)
	require.NoError(t, err)
	assert.Equal(t, "staging freeze this week", c.Text)
}

func TestParseCommand_GivenBadInput_WhenParsed_ThenItIsRefusedPrecisely(t *testing.T) {
	rb := testRunbook(t, runbook.LangEN)
	long := strings.Repeat("x", MaxText+1)
	for _, tc := range []struct {
		in, code string
		args     map[string]any
	}{
		{"launch seed-dev-data", "unknown_verb", map[string]any{"verb": "launch", "suggestion": ""}},
		{"stauts", "unknown_verb", map[string]any{"verb": "stauts", "suggestion": "status"}},
		{"Confrim seed-dev-data", "unknown_verb", map[string]any{"verb": "Confrim", "suggestion": "confirm"}},
		{"sched", "unknown_verb", map[string]any{"verb": "sched", "suggestion": "schedule"}},
		{"help rn", "unknown_verb", map[string]any{"verb": "rn", "suggestion": "run"}},
		{"run seed-dev-dta", "unknown_job", map[string]any{"job": "seed-dev-dta", "suggestion": "seed-dev-data"}},
		{"run SEED-DEV-DAT", "unknown_job", map[string]any{"job": "SEED-DEV-DAT", "suggestion": "seed-dev-data"}},
		{"run seed", "unknown_job", map[string]any{"job": "seed", "suggestion": "seed-dev-data"}},
		{"run nothing-like-it", "unknown_job", map[string]any{"job": "nothing-like-it", "suggestion": ""}},
		{"run " + strings.Repeat("a", 200), "unknown_job", map[string]any{"job": strings.Repeat("a", 63) + "…", "suggestion": ""}},
		{"run " + strings.Repeat("ç", 64), "unknown_job", map[string]any{"job": strings.Repeat("ç", 64)}},
		{"run seed\u202Edev", "unknown_job", map[string]any{"job": "seeddev"}},
		{"run \x1b]0;pwned\x07nope", "unknown_job", map[string]any{"job": "nope"}},
		{"st\x1b[31matus seed-dev-dta", "unknown_job", map[string]any{"job": "seed-dev-dta"}},
		{"launch" + strings.Repeat("!", 100), "unknown_verb", map[string]any{"verb": "launch" + strings.Repeat("!", 57) + "…"}},
		{"run seed-dev-data --" + strings.Repeat("x", 100), "unknown_flag", map[string]any{"flag": "--" + strings.Repeat("x", 61) + "…"}},
		{"run seed-dev-data " + strings.Repeat("y", 100), "unexpected_argument", map[string]any{"arg": strings.Repeat("y", 63) + "…"}},
		{"run", "job_required", map[string]any{"verb": "run"}},
		{"decline", "job_required", map[string]any{"verb": "decline"}},
		{"run seed-dev-data --mode apply", "unknown_flag", map[string]any{"flag": "--mode"}},
		{"run seed-dev-data --dry-run=false", "unknown_flag", map[string]any{"flag": "--dry-run=false"}},
		{"run seed-dev-data -n", "unknown_flag", map[string]any{"flag": "-n"}},
		{"confirm seed-dev-data --dry-run", "unknown_flag", map[string]any{"flag": "--dry-run"}},
		{"run seed-dev-data --dry-run --dry-run", "unexpected_argument", map[string]any{"arg": "--dry-run"}},
		{"run seed-dev-data; rm -rf /", "shell_syntax", map[string]any{"char": ";", "arg": "seed-dev-data;"}},
		{"run seed-dev-data && reboot", "shell_syntax", map[string]any{"char": "&", "arg": "&&"}},
		{"run $(reboot)", "shell_syntax", map[string]any{"char": "$"}},
		{"decline seed-dev-data;reboot because", "shell_syntax", map[string]any{"char": ";"}},
		{"run seed-dev-data extra", "unexpected_argument", map[string]any{"arg": "extra"}},
		{"schedule now", "unexpected_argument", map[string]any{"arg": "now"}},
		{"status seed-dev-data reset-staging", "unexpected_argument", map[string]any{"arg": "reset-staging"}},
		{"decline seed-dev-data", "text_required", map[string]any{"verb": "decline"}},
		{"decline seed-dev-data    ", "text_required", map[string]any{"verb": "decline"}},
		{"incident seed-dev-data", "text_required", map[string]any{"verb": "incident"}},
		{"incident seed-dev-data --replace", "text_required", map[string]any{"verb": "incident"}},
		{"incident seed-dev-data INC-7 --force", "unknown_flag", map[string]any{"verb": "incident", "flag": "--force"}},
		{"incident seed-dev-data INC-7 -r", "unknown_flag", map[string]any{"flag": "-r"}},
		{"incident seed-dev-data INC-7 --replace=true", "unknown_flag", map[string]any{"flag": "--replace=true"}},
		{"incident seed-dev-data INC-7 --replace --replace", "unexpected_argument", map[string]any{"arg": "--replace"}},
		{"incident --force seed-dev-data INC-7", "unknown_flag", map[string]any{"flag": "--force"}},
		{"confirm seed-dev-data --replace", "unknown_flag", map[string]any{"flag": "--replace"}},
		{"learnings seed-dev-data " + long, "text_too_long", map[string]any{"max": MaxText, "length": MaxText + 1}},
		{"reschedule seed-dev-data", "time_required", nil},
		{"reschedule seed-dev-data 2025-01-10", "time_required", nil},
		{"reschedule seed-dev-data tomorrow 21:00 why", "bad_time", map[string]any{"value": "tomorrow 21:00"}},
		{"reschedule seed-dev-data 2025-01-10 25:00 why", "bad_time", nil},
		{"reschedule seed-dev-data 31/02/2025 21:00 why", "bad_time", nil},
		{"reschedule seed-dev-data 01/13/2025 21:00 why", "bad_time", map[string]any{"value": "01/13/2025 21:00"}},
		{"reschedule seed-dev-data 2025-01-10 21:00", "text_required", nil},
	} {
		t.Run(tc.in, func(t *testing.T) {
			_, err := ParseCommand(tc.in, rb)
			var e *runbook.Error
			require.ErrorAs(t, err, &e)
			assert.Equal(t, tc.code, e.Code)
			for k, v := range tc.args {
				assert.Equal(t, v, e.Args[k], k)
			}
			_, ok := catalogueEN["err."+e.Code]
			assert.True(t, ok, "catalogue entry for %s", e.Code)
		})
	}
}

func TestCommand_GivenTheType_ThenItHoldsNoArgv(t *testing.T) {
	ty := reflect.TypeOf(Command{})
	for i := range ty.NumField() {
		f := ty.Field(i)
		assert.NotEqual(t, reflect.Slice, f.Type.Kind(), "field %s: a command carries no argv", f.Name)
		assert.NotContains(t, strings.ToLower(f.Name), "arg")
	}
}

func TestSuggest_GivenNearMisses_ThenTheClosestIsOffered(t *testing.T) {
	jobs := []string{"provision-dev", "reset-staging", "seed-dev-data"}
	assert.Equal(t, "reset-staging", suggest("rest-staging", jobs))
	assert.Equal(t, "reset-staging", suggest("RESET-STAGNIG", jobs))
	assert.Equal(t, "provision-dev", suggest("prov", jobs))
	assert.Equal(t, "", suggest("xyz", jobs))
	assert.Equal(t, 1, distance("ab", "ba"))
	assert.Equal(t, 3, distance("", "abc"))
}

func FuzzParseCommand(f *testing.F) {
	rb := testRunbook(f, runbook.LangEN)
	for _, s := range []string{"", "help", "run seed-dev-data --dry-run", "run seed-dev-data; rm -rf /", "decline seed-dev-data reason",
		"reschedule seed-dev-data 2025-01-10 21:00 why", "confirm reset-staging --despite-tickets", "status", "run x --mode apply",
		"incident seed-dev-data <!channel>", "\x00run\tseed-dev-data", "learnings SEED-dev-data ok"} {
		f.Add(s)
	}
	known := map[string]bool{"": true}
	for _, id := range rb.JobIDs() {
		known[id] = true
	}
	f.Fuzz(func(t *testing.T, in string) {
		c, err := ParseCommand(in, rb)
		if err != nil {
			var e *runbook.Error
			if !assert.ErrorAs(t, err, &e) {
				return
			}
			_, ok := catalogueEN["err."+e.Code]
			assert.True(t, ok, "code %q has a message", e.Code)
			return
		}
		assert.True(t, known[c.Job], "job %q is a known id", c.Job)
		assert.Contains(t, Verbs, c.Verb)
		assert.LessOrEqual(t, len([]rune(c.Text)), MaxText)
		if c.Text != "" {
			assert.Equal(t, strings.TrimSpace(c.Text), c.Text)
			assert.Contains(t, runbook.CleanText(in), c.Text, "free text is kept as typed, once cleaned of control bytes")
			assert.True(t, grammars[c.Verb].text)
		}
	})
}
