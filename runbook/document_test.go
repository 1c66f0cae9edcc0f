package runbook

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestOwnerName(t *testing.T) {
	tests := []struct {
		name  string
		owner Owner
		want  string
	}{
		{"given a person and a team, then the team is in parentheses", Owner{Person: "Ana", Team: "Platform"}, "Ana (Platform)"},
		{"given only a person, then the person", Owner{Person: "Ana"}, "Ana"},
		{"given only a team, then the team without parentheses", Owner{Team: "Platform"}, "Platform"},
		{"given nobody, then empty", Owner{}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.owner.Name())
		})
	}
}
