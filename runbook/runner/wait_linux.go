//go:build linux

package runner

import (
	"syscall"
	"unsafe"
)

// waitid constants (linux/wait.h).
const (
	pPID    = 1         // P_PID
	wNOWAIT = 0x1000000 // WNOWAIT: leave the child waitable
)

// waitExitNoReap blocks until the process pid has exited without reaping it,
// so its pid (the group id) cannot be reused while the group is swept.
func waitExitNoReap(pid int) error {
	var info [128]byte // siginfo_t
	for {
		_, _, e := syscall.Syscall6(syscall.SYS_WAITID, pPID, uintptr(pid),
			uintptr(unsafe.Pointer(&info[0])), syscall.WEXITED|wNOWAIT, 0, 0)
		switch e {
		case 0:
			return nil
		case syscall.EINTR:
			continue
		default:
			return e
		}
	}
}
