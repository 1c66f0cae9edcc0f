package main

import (
	"flag"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseNoArgs(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		wantErr string // "" none; else a usageError containing it
	}{
		{"given flags only, then they are parsed", []string{"--json"}, ""},
		{"given a positional argument, then it is named", []string{"--json", "extra"}, `unexpected argument "extra"`},
		{"given an unknown flag, then a usage error", []string{"--nope"}, "nope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := flag.NewFlagSet("status", flag.ContinueOnError)
			asJSON := fs.Bool("json", false, "")
			err := parseNoArgs(fs, tt.args)
			if tt.wantErr == "" {
				require.NoError(t, err)
				assert.True(t, *asJSON)
				return
			}
			var ue usageError
			require.ErrorAs(t, err, &ue)
			assert.Contains(t, ue.Error(), tt.wantErr)
		})
	}
}
