package runbook

import "strings"

// DryRunMode is the one mode a dry run gives a script.
const DryRunMode = "plan"

// modeFlag reports whether a is a mode flag, and whether it takes the next
// argument as its value ("--mode X") rather than carrying it ("--mode=X").
// Go's single-dash spellings count too: scripts written with package flag accept them.
func modeFlag(a string) (flag, takesValue bool) {
	switch {
	case a == "--mode" || a == "-mode":
		return true, true
	case strings.HasPrefix(a, "--mode=") || strings.HasPrefix(a, "-mode="):
		return true, false
	}
	return false, false
}

// DryRunArgv returns argv for the script's own dry run. Every mode flag
// ("--mode X", "--mode=X", "-mode X", "-mode=X", however often) is removed with
// its value, and exactly one "--mode plan" takes the place of the first (it is
// appended when there was none); every other argument keeps its order.
// argv[0] is the script, never a flag.
//
// The read-only modes some scripts also offer (validate, verify) become plan
// too: a script honouring the first or the last of several flags, or one reading
// a value the bot did not expect, must still get nothing but plan.
func DryRunArgv(argv []string) []string {
	if len(argv) == 0 {
		return nil
	}
	out := make([]string, 1, len(argv)+2)
	out[0] = argv[0]
	placed := false
	for i := 1; i < len(argv); i++ {
		flag, takesValue := modeFlag(argv[i])
		if !flag {
			out = append(out, argv[i])
			continue
		}
		if takesValue {
			i++ // its value, whatever it looks like
		}
		if !placed {
			out = append(out, "--mode", DryRunMode)
			placed = true
		}
	}
	if !placed {
		out = append(out, "--mode", DryRunMode)
	}
	return out
}

// ModeFlags counts the mode flags of argv, as DryRunArgv reads them: more than
// one makes a command ambiguous (the script decides which one wins).
func ModeFlags(argv []string) int {
	n := 0
	for i := 1; i < len(argv); i++ {
		if flag, takesValue := modeFlag(argv[i]); flag {
			n++
			if takesValue {
				i++
			}
		}
	}
	return n
}
