//go:build unix

package runner

import (
	"errors"
	"syscall"
)

// groupAttr puts the script in a new process group led by itself, so that the
// whole group (script and every descendant that stays in it) can be signalled.
func groupAttr() *syscall.SysProcAttr {
	a := &syscall.SysProcAttr{Setpgid: true}
	setDeathSignal(a)
	return a
}

// signalGroup sends sig to every process of the group pgid; an empty group is not an error.
func signalGroup(pgid int, sig syscall.Signal) error {
	if pgid <= 0 {
		return nil
	}
	err := syscall.Kill(-pgid, sig)
	if errors.Is(err, syscall.ESRCH) {
		return nil
	}
	return err
}
