//go:build unix && !linux

package runner

import "errors"

// waitExitNoReap is not available here: the runner reaps first and sweeps the
// group after, accepting the (tiny) risk of a reused group id.
func waitExitNoReap(pid int) error { return errors.ErrUnsupported }
