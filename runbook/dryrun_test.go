package runbook

import (
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestDryRunArgv_GivenACommand_WhenMadeADryRun_ThenExactlyOneModePlan(t *testing.T) {
	cases := []struct {
		name     string
		in, want []string
	}{
		{"no mode: appended", []string{"seed.sh"}, []string{"seed.sh", "--mode", "plan"}},
		{"no mode, other args kept", []string{"seed.sh", "--env", "dev"}, []string{"seed.sh", "--env", "dev", "--mode", "plan"}},
		{"--mode apply", []string{"sync.sh", "--mode", "apply"}, []string{"sync.sh", "--mode", "plan"}},
		{"--mode apply in the middle", []string{"sync.sh", "--mode", "apply", "--x"}, []string{"sync.sh", "--mode", "plan", "--x"}},
		{"--mode=apply", []string{"sync.sh", "--mode=apply"}, []string{"sync.sh", "--mode", "plan"}},
		{"--mode=apply then --mode plan", []string{"sync.sh", "--mode=apply", "--mode", "plan"}, []string{"sync.sh", "--mode", "plan"}},
		{"--mode plan then --mode=apply", []string{"sync.sh", "--mode", "plan", "--mode=apply"}, []string{"sync.sh", "--mode", "plan"}},
		{"repeated, args between kept in order", []string{"s", "a", "--mode", "apply", "b", "--mode=apply", "c"}, []string{"s", "a", "--mode", "plan", "b", "c"}},
		{"single-dash Go flag", []string{"s", "-mode=apply", "-mode", "apply"}, []string{"s", "--mode", "plan"}},
		{"validate becomes plan", []string{"sync.sh", "--mode", "validate"}, []string{"sync.sh", "--mode", "plan"}},
		{"verify becomes plan", []string{"sync.sh", "--mode=verify"}, []string{"sync.sh", "--mode", "plan"}},
		{"plan stays", []string{"sync.sh", "--mode", "plan"}, []string{"sync.sh", "--mode", "plan"}},
		{"--mode without value", []string{"sync.sh", "--mode"}, []string{"sync.sh", "--mode", "plan"}},
		{"--mode= empty", []string{"sync.sh", "--mode="}, []string{"sync.sh", "--mode", "plan"}},
		{"a flag after --mode is its value", []string{"s", "--mode", "--force"}, []string{"s", "--mode", "plan"}},
		{"argv[0] is the script, never a flag", []string{"--mode"}, []string{"--mode", "--mode", "plan"}},
		{"look-alikes kept", []string{"s", "--modes", "x", "--model=a", "mode"}, []string{"s", "--modes", "x", "--model=a", "mode", "--mode", "plan"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := slices.Clone(tc.in)
			assert.Equal(t, tc.want, DryRunArgv(tc.in))
			assert.Equal(t, in, tc.in, "input not modified")
		})
	}
}

func TestModeFlags_GivenACommand_ThenEveryModeFlagIsCounted(t *testing.T) {
	cases := []struct {
		in   []string
		want int
	}{
		{[]string{"s"}, 0},
		{[]string{"s", "--mode", "apply"}, 1},
		{[]string{"s", "--mode=apply", "--mode", "plan"}, 2},
		{[]string{"s", "-mode=apply", "--mode"}, 2},
		{[]string{"--mode", "x"}, 0},
		{[]string{"s", "--mode", "--mode=apply"}, 1}, // the second is the first's value
	}
	for _, tc := range cases {
		assert.Equal(t, tc.want, ModeFlags(tc.in), "%q", tc.in)
	}
}

// otherArgs drops argv[0] and every mode flag with its value.
func otherArgs(argv []string) []string {
	var out []string
	for i := 1; i < len(argv); i++ {
		switch {
		case argv[i] == "--mode" || argv[i] == "-mode":
			i++
		case strings.HasPrefix(argv[i], "--mode=") || strings.HasPrefix(argv[i], "-mode="):
		default:
			out = append(out, argv[i])
		}
	}
	return out
}

func FuzzDryRunArgv(f *testing.F) {
	f.Add("scripts/sync.sh\x00--mode=apply")
	f.Add("s\x00--mode\x00apply\x00--mode=apply\x00-mode\x00x")
	f.Add("s\x00--mode")
	f.Add("--mode\x00--mode\x00--mode=plan\x00plan")
	f.Add("s\x00a\x00--mode=\x00b")
	f.Fuzz(func(t *testing.T, joined string) {
		argv := strings.Split(joined, "\x00")
		in := slices.Clone(argv)
		out := DryRunArgv(argv)
		if !slices.Equal(in, argv) {
			t.Fatalf("input modified: %q -> %q", in, argv)
		}
		if out[0] != argv[0] {
			t.Fatalf("script changed: %q -> %q", argv[0], out[0])
		}
		modes := 0
		for i := 1; i < len(out); i++ {
			a := out[i]
			if a == "--mode" || a == "-mode" || strings.HasPrefix(a, "--mode=") || strings.HasPrefix(a, "-mode=") {
				modes++
				if a != "--mode" || i+1 >= len(out) || out[i+1] != "plan" {
					t.Fatalf("mode flag %q not followed by plan in %q (from %q)", a, out, argv)
				}
				i++
			}
		}
		if modes != 1 || ModeFlags(out) != 1 {
			t.Fatalf("want exactly one --mode plan, got %d in %q (from %q)", modes, out, argv)
		}
		if got, want := otherArgs(out), otherArgs(argv); !slices.Equal(got, want) {
			t.Fatalf("other args changed: %q -> %q (argv %q, out %q)", want, got, argv, out)
		}
	})
}
