package runbook

import (
	"encoding/json"
	"sort"
	"strconv"
	"strings"
)

// Msg is text for people as a catalogue code and its arguments: the chat layer
// renders it in the reader's language, so the domain holds no sentences.
type Msg struct {
	Code string            `json:"code"`
	Args map[string]string `json:"args,omitempty"`
}

// M builds a Msg from a code and its arguments as name, value pairs.
func M(code string, kv ...string) Msg {
	m := Msg{Code: code}
	if len(kv) > 1 {
		m.Args = make(map[string]string, len(kv)/2)
		for i := 0; i+1 < len(kv); i += 2 {
			m.Args[kv[i]] = kv[i+1]
		}
	}
	return m
}

// TextMsg is a Msg shown exactly as text is written (MsgText): output of other
// programs, and what older rows stored as a plain string.
func TextMsg(text string) Msg { return M(MsgText, "text", text) }

// IsZero reports whether m carries nothing.
func (m Msg) IsZero() bool { return m.Code == "" }

// Arg returns the argument name, "" when absent.
func (m Msg) Arg(name string) string { return m.Args[name] }

// String is the code and its arguments (name="value", sorted) for logs and
// errors; a MsgText is its text. Use the chat layer's rendering for people.
func (m Msg) String() string {
	if m.Code == MsgText {
		return m.Args["text"]
	}
	names := make([]string, 0, len(m.Args))
	for k := range m.Args {
		names = append(names, k)
	}
	sort.Strings(names)
	var b strings.Builder
	b.WriteString(m.Code)
	for _, k := range names {
		b.WriteString(" " + k + "=" + strconv.Quote(m.Args[k]))
	}
	return b.String()
}

// UnmarshalJSON reads a Msg, or a plain string as older rows stored it (a TextMsg).
func (m *Msg) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*m = Msg{}
		if s != "" {
			*m = TextMsg(s)
		}
		return nil
	}
	type plain Msg
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	*m = Msg(p)
	return nil
}
