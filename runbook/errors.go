package runbook

import (
	"errors"
	"fmt"
	"strings"
)

// Kind classifies an error by what the user can do about it.
type Kind string

// Error kinds. Anything that is not one of these is internal: shown to users as
// a generic failure and logged in full.
const (
	KindNotFound   Kind = "not_found"
	KindNotAllowed Kind = "not_allowed"
	KindInvalid    Kind = "invalid"
	KindConflict   Kind = "conflict"
	KindInternal   Kind = "internal"
)

// Error is a domain error with a kind, a message key for the catalogue and its arguments.
type Error struct {
	Kind Kind
	Code string         // catalogue key, e.g. "not_owner"
	Args map[string]any // values for the message template
	Err  error          // optional cause
}

// Error implements error with a stable, English, developer-facing text.
func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s", e.Kind, e.Code)
	if len(e.Args) > 0 {
		fmt.Fprintf(&b, " %v", e.Args)
	}
	if e.Err != nil {
		fmt.Fprintf(&b, ": %v", e.Err)
	}
	return b.String()
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// NewError builds a domain error: its kind, catalogue key and the values for
// the message template (no format string: the catalogues word the message).
func NewError(kind Kind, code string, args map[string]any) *Error {
	return &Error{Kind: kind, Code: code, Args: args}
}

// KindOf returns the kind of err, KindInternal for errors without one.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return KindInternal
}

// Problem is one thing wrong in the runbook document: where, and what as a Msg
// the chat layer renders (Problem.String is for logs).
type Problem struct {
	File string `json:"file"`
	Line int    `json:"line"`
	Msg  Msg    `json:"msg"`
}

// String formats the problem as FILE:LINE: code name="value"…, for logs and
// errors; people read it rendered by the chat layer's catalogue.
func (p Problem) String() string { return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Msg) }

// Problems is every problem found in a document; it is an error when non-empty.
type Problems []Problem

// Error joins the problems one per line.
func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}
