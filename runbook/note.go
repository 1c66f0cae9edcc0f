package runbook

import (
	"encoding/json"
	"strings"
)

// noteMark starts a line the bot adds to a run's output (the tail): a Msg as
// JSON. Output lines are cleaned of control characters (CleanText), so no
// script can print one; the chat layer renders it in the reader's language.
const noteMark = "\x1e"

// noteArgBytes caps each argument of a note, so that a note stays whole within
// TailLineBytes.
const noteArgBytes = 240

// NoteLine is a line carrying m, for a run's output; long arguments are
// clipped so that it stays whole within TailLineBytes.
func NoteLine(m Msg) string {
	for limit := noteArgBytes; ; limit /= 2 {
		n := m
		if len(m.Args) > 0 {
			n.Args = make(map[string]string, len(m.Args))
			for k, v := range m.Args {
				n.Args[k] = strings.ToValidUTF8(ClipLine(v, limit), "")
			}
		}
		b, _ := json.Marshal(n)
		if len(noteMark)+len(b) <= TailLineBytes || limit < 16 {
			return noteMark + string(b)
		}
	}
}

// ParseNoteLine reads a line made by NoteLine; ok is false for any other line.
func ParseNoteLine(line string) (m Msg, ok bool) {
	rest, found := strings.CutPrefix(line, noteMark)
	if !found || json.Unmarshal([]byte(rest), &m) != nil || m.IsZero() {
		return Msg{}, false
	}
	return m, true
}
