package runbook

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestStep_GivenARunOfAScriptFromGit_WhenStarted_ThenTheAuditNamesItsCommit(t *testing.T) {
	tests := []struct {
		name   string
		commit string
		want   string
		has    bool
	}{
		{name: "given a script from a commit then run_started names it", commit: "9f3c2e1d0b8a7f6e5d4c3b2a1f0e9d8c7b6a5f4e", want: "9f3c2e1d0b8a7f6e5d4c3b2a1f0e9d8c7b6a5f4e", has: true},
		{name: "given a local script then run_started has no commit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := Step(occ(Confirmed), Event{Kind: EvRunStart, Actor: owner, Preflight: &Preflight{}, Argv: []string{"scripts/seed.sh"}, Commit: tt.commit}, env(t0.Add(time.Minute)))
			require.NoError(t, err)
			var started *Record
			for i := range out.Records {
				if out.Records[i].Kind == RecRunStarted {
					started = &out.Records[i]
				}
			}
			require.NotNil(t, started)
			got, has := started.Fields["commit"]
			require.Equal(t, tt.has, has)
			require.Equal(t, tt.want, got)
		})
	}
}
