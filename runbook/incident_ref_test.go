package runbook

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestValidateIncidentRef_GivenAReference_ThenOnlyIssueKeysAndHTTPURLsAreAccepted(t *testing.T) {
	for _, tc := range []struct {
		ref string
		ok  bool
	}{
		{"INC-1234", true},
		{"OPS-7", true},
		{"inc-42", true},
		{"SRE2-10", true},
		{"https://itsm.example.com/incidents/INC-1234", true},
		{"http://itsm.example.com/i?id=7&view=full#top", true},
		{"HTTPS://ITSM.EXAMPLE.COM/X", true},
		{"https://" + strings.Repeat("a", MaxIncidentRef-len("https://")), true},
		{"https://" + strings.Repeat("a", MaxIncidentRef-len("https://")+1), false},
		{"none-really", false},
		{"INC1234", false},
		{"INC-", false},
		{"-1234", false},
		{"1234-5", false},
		{"INC-12a", false},
		{"INC-1 opened", false},
		{"INC_1-2", false},
		{"ftp://itsm.example.com/INC-1", false},
		{"javascript:alert(1)", false},
		{"https://", false},
		{"https:///path", false},
		{"//itsm.example.com/INC-1", false},
		{"itsm.example.com/INC-1", false},
		{"https://user:secret@itsm.example.com/INC-1", false},
		{"https://itsm.example.com/INC-1?a=<!here>", false},
		{"https://itsm.example.com/a b", false},
		{"https://itsm.example.com/\x00", false},
		{"https://itsm.example.com/ação", false},
		{"mailto:oncall@example.com", false},
	} {
		t.Run(tc.ref, func(t *testing.T) {
			err := ValidateIncidentRef(tc.ref)
			if tc.ok {
				require.NoError(t, err)
				return
			}
			require.Equal(t, KindInvalid, KindOf(err))
			e := err.(*Error)
			require.Equal(t, "incident_ref_invalid", e.Code)
			require.Equal(t, tc.ref, e.Args["ref"])
			require.Equal(t, MaxIncidentRef, e.Args["max"])
		})
	}
}

func TestStep_GivenARecordedIncident_WhenItIsRecordedAgainOrReplaced_ThenOnlyReplaceChangesItKeepingBothValues(t *testing.T) {
	recorded := func() Occurrence {
		o := occ(Failed)
		d := t0.Add(15 * time.Minute)
		o.FailedAt, o.IncidentDeadline, o.Attempts = &t0, &d, 1
		o.IncidentRef, o.IncidentBy, o.IncidentAt = "INC-1", "U0PRIMARY", ptr(t0.Add(5*time.Minute))
		return o
	}
	at := env(t0.Add(20 * time.Minute))
	responder := Actor{User: "U0ONCALL", Responder: true}

	// Without --replace: refused, as before, naming the recorded reference.
	out, err := Step(recorded(), Event{Kind: EvIncident, Actor: responder, Text: "INC-2"}, at)
	require.Equal(t, KindConflict, KindOf(err))
	require.Equal(t, "incident_already_recorded", err.(*Error).Code)
	require.Equal(t, "INC-1", out.Occ.IncidentRef)

	// With --replace: the new reference; who recorded first, and when, stay.
	out, err = Step(recorded(), Event{Kind: EvIncident, Actor: responder, Text: "https://itsm.example.com/INC-2", Replace: true}, at)
	require.NoError(t, err)
	require.Equal(t, "https://itsm.example.com/INC-2", out.Occ.IncidentRef)
	require.Equal(t, "U0PRIMARY", out.Occ.IncidentBy)
	require.Equal(t, t0.Add(5*time.Minute), *out.Occ.IncidentAt)
	require.True(t, out.Checkin, "the check-in entry gets the new reference")
	require.Len(t, out.Records, 1)
	require.Equal(t, RecIncidentReplaced, out.Records[0].Kind)
	require.Equal(t, "U0ONCALL", out.Records[0].Actor)
	require.Equal(t, map[string]string{"ref": "https://itsm.example.com/INC-2", "previous_ref": "INC-1", "previous_by": "U0PRIMARY"}, out.Records[0].Fields)
	require.Len(t, out.Notices, 1, "the incident message is updated")
	n := out.Notices[0]
	require.Equal(t, NoticeIncident, n.Kind)
	require.True(t, n.Update)
	require.Equal(t, "INC-1", n.Text, "the message shows the reference it replaced")
	require.Equal(t, "U0ONCALL", n.Actor)

	// The same reference again, an invalid one, or a stranger: refused, nothing changes.
	for _, ev := range []Event{
		{Kind: EvIncident, Actor: responder, Text: "INC-1", Replace: true},
		{Kind: EvIncident, Actor: responder, Text: "none-really", Replace: true},
		{Kind: EvIncident, Actor: nobody, Text: "INC-3", Replace: true},
	} {
		out, err := Step(recorded(), ev, at)
		require.Error(t, err, ev.Text)
		require.Equal(t, recorded(), out.Occ)
		require.Empty(t, out.Notices)
		require.Equal(t, RecRefused, out.Records[0].Kind)
		require.Equal(t, "true", out.Records[0].Fields["replace"], "the audit says it was a --replace")
	}

	// --replace with nothing recorded yet simply records it.
	o := recorded()
	o.IncidentRef, o.IncidentBy, o.IncidentAt = "", "", nil
	out, err = Step(o, Event{Kind: EvIncident, Actor: responder, Text: "INC-2", Replace: true}, at)
	require.NoError(t, err)
	require.Equal(t, "INC-2", out.Occ.IncidentRef)
	require.Equal(t, RecIncident, out.Records[0].Kind)
}

func TestStep_GivenAnInvalidIncidentReference_ThenItIsRefusedAsInvalidAndTheCountdownGoesOn(t *testing.T) {
	o := occ(Failed)
	d := t0.Add(15 * time.Minute)
	o.FailedAt, o.IncidentDeadline = &t0, &d
	out, err := Step(o, Event{Kind: EvIncident, Actor: owner, Text: "none-really"}, env(t0.Add(time.Minute)))
	require.Equal(t, KindInvalid, KindOf(err))
	require.Equal(t, o, out.Occ)
	require.Empty(t, out.Disarm)
	require.Equal(t, "incident_ref_invalid", out.Records[0].Fields["reason"])
	require.Equal(t, "none-really", out.Records[0].Fields["ref"])
}
