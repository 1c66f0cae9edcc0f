package records

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/runbook-bot/runbook-bot/runbook"
)

func TestCarryCheckins_GivenARecordsBranchBehindItsTarget_ThenOnlyItsNewOrChangedEntriesAreCarried(t *testing.T) {
	put := func(data []byte, e Entry) []byte {
		out, err := PutEntry(data, runbook.LangEN, e)
		require.NoError(t, err)
		return out
	}
	merged, updated, fresh := sampleEntry("41-1"), sampleEntry("42-1"), sampleEntry("43-1")
	base := put(put(nil, merged), updated) // where the branches parted
	updated.IncidentRef = "INC-9"          // the bot updated 42-1 on its branch
	ours := put(put(base, updated), fresh) // and added 43-1
	// the target, with a person's edit to 41-1
	theirs := []byte(strings.Replace(string(base), "- **Learnings:** —", "- **Learnings:** fixed by hand", 1))

	got := string(CarryCheckins(base, ours, theirs))

	assert.Contains(t, got, "fixed by hand", "the person's edit of an entry the bot did not change is kept")
	assert.Contains(t, got, "- **Incident:** INC-9", "the bot's update is carried")
	assert.Equal(t, 1, strings.Count(got, openMarker("43-1")), "the new entry is carried once")
	assert.Equal(t, 1, strings.Count(got, openMarker("42-1")))
	assert.Equal(t, got, string(CarryCheckins(base, ours, []byte(got))), "carrying again changes nothing")
	assert.Equal(t, string(ours), string(CarryCheckins(nil, ours, nil)), "onto nothing: the bot's document")
}

func TestCarryDelays_GivenNewLinesOnTheRecordsBranch_ThenTheyAreAddedOnceInOrder(t *testing.T) {
	base := []byte("# Runbook\n\n## Delay log\n\n- old line\n")
	ours := []byte("# Runbook\n\n## Delay log\n\n- old line\n- bot line 1\n- bot line 2\n")
	theirs := []byte("# Runbook\n\nEdited intro.\n\n## Delay log\n\n- old line\n- a person's line\n")

	got, err := CarryDelays(base, ours, theirs, runbook.LangEN)
	require.NoError(t, err)

	assert.Equal(t, "# Runbook\n\nEdited intro.\n\n## Delay log\n\n- old line\n- a person's line\n- bot line 1\n- bot line 2\n", string(got))
	again, err := CarryDelays(base, ours, got, runbook.LangEN)
	require.NoError(t, err)
	assert.Equal(t, string(got), string(again))
}
