package ical_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"
	"github.com/stretchr/testify/require"

	"github.com/runbook-bot/runbook-bot/runbook/ical"
)

func TestWrite_GivenLongAndHostileText_WhenWritten_ThenLinesAreFoldedEscapedAndReadBack(t *testing.T) {
	start := time.Date(2026, 12, 4, 19, 0, 0, 0, time.FixedZone("UTC-3", -3*3600))
	desc := strings.Repeat("Responsável: Marcos Paulo; backup, Bianca \\ ", 6) + "\nlinha 2\x1b[31m"
	var buf bytes.Buffer
	require.NoError(t, ical.Write(&buf, ical.Calendar{ProdID: "-//t//t//EN", Name: "janelas"}, []ical.Event{{
		UID: "seed-dev-data-1796497200@runbook-bot", Start: start, End: start.Add(30 * time.Minute), Stamp: start,
		Summary: "seed-dev-data — confirmado, ❄", Description: desc, Categories: []string{"runbook", "a,b"}, Status: "CONFIRMED",
	}}))
	for _, l := range strings.Split(strings.TrimSuffix(buf.String(), "\r\n"), "\r\n") {
		require.LessOrEqual(t, len(l), 75, "folded at 75 octets: %q", l)
		require.NotContains(t, l, "\x1b")
	}
	require.Contains(t, buf.String(), "DTSTART:20261204T220000Z\r\n", "in UTC")
	cal, err := ics.ParseCalendar(&buf)
	require.NoError(t, err)
	evs := cal.Events()
	require.Len(t, evs, 1)
	got, err := evs[0].GetStartAt()
	require.NoError(t, err)
	require.True(t, got.Equal(start))
	require.Equal(t, "seed-dev-data-1796497200@runbook-bot", evs[0].Id())
	d := evs[0].GetProperty(ics.ComponentPropertyDescription).Value
	require.Contains(t, d, "Responsável: Marcos Paulo")
	require.Contains(t, d, "linha 2")
}
