package runbook

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
)

func TestCleanText_GivenTerminalEscapesAndBidiOverrides_ThenTheyAreRemoved(t *testing.T) {
	cases := []struct {
		name, in, want string
	}{
		{"plain ASCII unchanged", "copying 42 rows", "copying 42 rows"},
		{"Portuguese unchanged", "Janela concluída às 19:00 — ação", "Janela concluída às 19:00 — ação"},
		{"tab and newline kept", "a\tb\nc", "a\tb\nc"},
		{"SGR colour", "\x1b[31mred\x1b[0m text", "red text"},
		{"CSI with params and intermediates", "a\x1b[1;2 qb", "ab"},
		{"cursor movement hides text", "ok\x1b[2K\x1b[1Gfailed", "okfailed"},
		{"OSC title ended by BEL", "\x1b]0;pwned\x07after", "after"},
		{"OSC 8 hyperlink ended by ST", "\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\", "click"},
		{"OSC unterminated drops the rest", "before\x1b]52;c;aGVsbG8=", "before"},
		{"DCS string", "a\x1bPq#0;2;0;0;0\x1b\\b", "ab"},
		{"two-byte ESC sequence", "a\x1b7b\x1bcc", "abc"},
		{"charset designation", "a\x1b(Bb", "ab"},
		{"lone ESC at the end", "abc\x1b", "abc"},
		{"carriage return overwrite", "safe\rEVIL", "safeEVIL"},
		{"backspace and bell", "ab\bc\x07", "abc"},
		{"NUL and DEL", "a\x00b\x7fc", "abc"},
		{"C1 CSI as a code point", "a\u009b31mb", "a31mb"},
		{"C1 as a raw byte", "a\x9b31mb", "a31mb"},
		{"RLO override", "file\u202Etxt.exe", "filetxt.exe"},
		{"every bidi embedding and override", "\u202Aa\u202Bb\u202Cc\u202Dd\u202Ee", "abcde"},
		{"every bidi isolate", "\u2066a\u2067b\u2068c\u2069", "abc"},
		{"other punctuation of that block kept", "a\u2014b\u2026c\u2070", "a\u2014b\u2026c\u2070"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, CleanText(tc.in))
		})
	}
}

func FuzzCleanText(f *testing.F) {
	f.Add("\x1b[31mred\x1b[0m")
	f.Add("\x1b]0;t\x07x\u202E\u2066y")
	f.Add("a\x9bb\xc2\x9bc")
	f.Fuzz(func(t *testing.T, s string) {
		out := CleanText(s)
		if CleanText(out) != out {
			t.Fatalf("not idempotent: %q -> %q -> %q", s, out, CleanText(out))
		}
		for i, r := range out {
			if r == utf8.RuneError {
				continue // invalid bytes other than C1 are left as they are
			}
			if r < 0x20 && r != '\t' && r != '\n' || r == 0x7f || r >= 0x80 && r <= 0x9f ||
				r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 {
				t.Fatalf("%U left at %d in %q (from %q)", r, i, out, s)
			}
		}
		if strings.ContainsRune(out, 0x1b) {
			t.Fatalf("ESC left in %q", out)
		}
	})
}
