package bot

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestCheckLine(t *testing.T) {
	upper := strings.ToUpper
	tests := []struct {
		name   string
		check  Check
		escape func(string) string
		want   string
	}{
		{"given a passed check, then a tick and its text", Check{OK: true, Text: "disk"}, nil, "✅ disk"},
		{"given a failed check with a detail, then a cross, the text and the detail", Check{Text: "disk", Detail: "90% full"}, nil, "❌ disk — 90% full"},
		{"given a manual item, then a box to tick", Check{Manual: true, OK: true, Text: "tell the team"}, nil, "☐ tell the team"},
		{"given an escape, then the text and detail are escaped, the mark is not", Check{Text: "a", Detail: "b"}, upper, "❌ A — B"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.check.Line(tt.escape))
		})
	}
}
