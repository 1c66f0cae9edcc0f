//go:build unix && !linux

package runner

import "syscall"

func setDeathSignal(*syscall.SysProcAttr) {}

// KillOrphanGroup kills the process group pgid that a previous bot process left
// running. Without /proc it cannot read the run's marker, so it only kills a group
// whose leader is gone (the script itself was killed with the bot).
func KillOrphanGroup(pgid int, marker string) (bool, error) {
	if pgid <= 1 || marker == "" {
		return false, nil
	}
	if err := syscall.Kill(pgid, 0); err == nil {
		return false, nil // the leader runs: possibly not ours
	}
	if err := signalGroup(pgid, syscall.SIGKILL); err != nil {
		return false, err
	}
	return true, nil
}
