package runbook

import (
	"encoding/base64"
	"encoding/hex"
	"strings"
	"testing"
)

// streamRedact redacts s as the runner does a line longer than chunk: piece
// by piece, each cut where Cut says, and returns the pieces.
func streamRedact(r *Redactor, s string, chunk int) []string {
	var out []string
	for len(s) > chunk {
		n := r.Cut(s[:chunk])
		if n <= 0 || n > chunk {
			panic("Cut out of range")
		}
		out = append(out, r.Redact(s[:n]))
		s = s[n:]
	}
	return append(out, r.Redact(s))
}

// leaks returns the first of forms found in the joined pieces, or in one piece
// a half of the secret, or "".
func leaks(pieces []string, secret string, forms []string) string {
	joined := strings.Join(pieces, "")
	for _, f := range forms {
		if strings.Contains(joined, f) {
			return f
		}
	}
	for _, half := range []string{secret[:len(secret)/2], secret[len(secret)/2:]} {
		if strings.Contains(joined, half) {
			return half
		}
	}
	return ""
}

func TestCut_GivenASecretAtEveryOffsetAroundTheCut_WhenStreamed_ThenNoPieceHoldsAnyPartOfIt(t *testing.T) {
	const chunk = 1 << 10
	const secret = "Zq7Lm2Xw9Kp4Rt6V"
	ghp := "ghp_" + strings.Repeat("Hk3", 12)
	r := NewRedactor([]string{"DEPLOY_TOKEN=" + secret}, nil)
	cases := []struct {
		name, text string
		filler     byte
	}{
		{"plain among letters", secret, 'A'},
		{"plain among blanks", secret, ' '},
		{"base64 among letters", base64.StdEncoding.EncodeToString([]byte(secret)), 'A'},
		{"hex among digits", hex.EncodeToString([]byte(secret)), '0'},
		{"a github token never told", ghp, 'A'},
		{"a URL password", "postgres://app:" + secret + "@db/x", 'A'},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for off := chunk - len(tc.text) - 70; off <= chunk+2; off++ {
				line := strings.Repeat(string(tc.filler), off) + tc.text + strings.Repeat(string(tc.filler), 300)
				pieces := streamRedact(r, line, chunk)
				if tc.text == ghp {
					if l := leaks(pieces, ghp, []string{ghp}); l != "" {
						t.Fatalf("offset %d: %q leaks", off, l)
					}
					continue
				}
				if l := leaks(pieces, secret, append([]string{secret}, encodedForms(secret)...)); l != "" {
					t.Fatalf("offset %d: %q leaks", off, l)
				}
			}
		})
	}
}

func TestCut_GivenNoSecret_ThenItCutsAfterTheLastBlankOfTheSecondHalfOnARuneBoundary(t *testing.T) {
	r := NewRedactor(nil, nil)
	s := strings.Repeat("a", 100) + " " + strings.Repeat("b", 100)
	if got := r.Cut(s); got != 101 {
		t.Errorf("Cut after the blank: got %d, want 101", got)
	}
	s = strings.Repeat("é", 100) // 200 bytes, no blank
	n := r.Cut(s)
	if n <= 0 || n > len(s)-minCutOverlap || s[n-2:n] != "é" {
		t.Errorf("Cut(%d bytes of é) = %d: not on a rune boundary before the overlap", len(s), n)
	}
}

func FuzzRedactAcrossChunks(f *testing.F) {
	f.Add("Zq7Lm2Xw9Kp4Rt6V", 900, byte('A'), uint8(0))
	f.Add("s3cr3t/p@ss+w0rd?~", 1000, byte(' '), uint8(1))
	f.Add("correct horse battery", 1010, byte('x'), uint8(2))
	f.Add("hunter2hunter2", 1020, byte('='), uint8(3))
	f.Fuzz(func(t *testing.T, secret string, off int, filler byte, form uint8) {
		const chunk = 1 << 10
		if len(secret) < minEncodedLen || len(secret) > 200 || strings.ContainsAny(secret, "\x00\r\n[]*\x1b") ||
			secret != CleanText(secret) || commonValues[strings.ToLower(secret)] || off < 0 || off > 2*chunk {
			return
		}
		r := NewRedactor([]string{"DEPLOY_TOKEN=" + secret}, nil)
		forms := append([]string{secret}, encodedForms(secret)...)
		printed := forms[int(form)%len(forms)]
		fill := string(filler)
		if strings.Contains(secret, fill) || strings.Contains(printed, fill) || fill != CleanText(fill) {
			return // a filler that is part of the secret makes "the secret" ambiguous
		}
		line := strings.Repeat(fill, off) + printed + strings.Repeat(fill, chunk/2)
		joined := strings.Join(streamRedact(r, line, chunk), "")
		for _, f := range forms {
			if strings.Contains(joined, f) && !strings.Contains("[DEPLOY_TOKEN]", f) {
				t.Fatalf("form %q of the secret survives (printed %q at %d)", f, printed, off)
			}
		}
		if !strings.Contains(joined, "[DEPLOY_TOKEN]") {
			t.Fatalf("the printed form %q at %d was not masked", printed, off)
		}
	})
}
