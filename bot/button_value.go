package bot

import (
	"strconv"
	"strings"
	"time"

	"github.com/runbook-bot/runbook-bot/runbook"
)

// A button's value is the text a chat keeps with a button and gives back when
// it is pressed (Slack's button "value", at most 2,000 characters). It names
// the job and the occurrence the message was posted for, versioned:
//
//	v1/<job>/<occurrence id>/<window, Unix seconds>   e.g. v1/seed-dev-data/42/1796497200
//
// A job id is a script's file name, so it never holds a "/"; the value is the
// job id plus at most 43 characters. A value without any "/" is the job id
// alone: that is what buttons held before they carried their occurrence, so a
// button on a message posted by an older version of the bot still works and
// acts on whatever the verb targets now, as the typed command would.
// Anything else (an unknown version, a wrong shape, a bad number) is refused
// with bad_button, and nothing is done.
const buttonValueV1 = "v1"

// ButtonValue is the text form of b's job and occurrence, for adapters that keep a button's data as text.
func ButtonValue(b Button) string {
	if b.Occ == 0 {
		return b.Job
	}
	return buttonValueV1 + "/" + b.Job + "/" + strconv.FormatInt(b.Occ, 10) + "/" + strconv.FormatInt(b.Window.Unix(), 10)
}

// ParseButtonValue reads a value made by ButtonValue (or an old job-only one, with occ 0 and a zero window).
func ParseButtonValue(v string) (job string, occ int64, window time.Time, err error) {
	bad := runbook.NewError(runbook.KindInvalid, "bad_button", nil)
	if v == "" {
		return "", 0, time.Time{}, bad
	}
	if !strings.Contains(v, "/") {
		return v, 0, time.Time{}, nil // a message from before buttons carried their occurrence: acts as typed
	}
	parts := strings.Split(v, "/")
	if len(parts) != 4 || parts[0] != buttonValueV1 || parts[1] == "" {
		return "", 0, time.Time{}, bad
	}
	occ, err = strconv.ParseInt(parts[2], 10, 64)
	if err != nil || occ <= 0 {
		return "", 0, time.Time{}, bad
	}
	secs, err := strconv.ParseInt(parts[3], 10, 64)
	if err != nil || secs <= 0 {
		return "", 0, time.Time{}, bad
	}
	return parts[1], occ, time.Unix(secs, 0).UTC(), nil
}
