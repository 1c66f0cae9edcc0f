//go:build linux

package runner

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// setDeathSignal makes the kernel kill the script when the bot dies (its direct child only;
// descendants are left to KillOrphanGroup at the next start).
func setDeathSignal(a *syscall.SysProcAttr) { a.Pdeathsig = syscall.SIGKILL }

// KillOrphanGroup kills the process group pgid that a previous bot process left
// running, but only when it is still that run: some process of the group carries
// RUNBOOK_RUN_ID=marker in its environment (descendants inherit it). It reports
// whether it killed anything. A group id reused by an unrelated program is left alone.
func KillOrphanGroup(pgid int, marker string) (bool, error) {
	if pgid <= 1 || marker == "" {
		return false, nil
	}
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return false, err
	}
	want := []byte("\x00" + RunIDVar + "=" + marker + "\x00")
	found := false
	for _, e := range entries {
		if found || strings.Trim(e.Name(), "0123456789") != "" {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// stat: pid (comm) state ppid pgrp … — comm may hold spaces, so read after the last ')'.
		var state string
		var ppid, pgrp int
		if i := bytes.LastIndexByte(stat, ')'); i < 0 {
			continue
		} else if _, err := fmt.Sscanf(string(stat[i+1:]), " %s %d %d", &state, &ppid, &pgrp); err != nil || pgrp != pgid || state == "Z" {
			continue
		}
		environ, _ := os.ReadFile(filepath.Join("/proc", e.Name(), "environ"))
		found = bytes.Contains(append([]byte{0}, environ...), want)
	}
	if !found {
		return false, nil
	}
	if err := signalGroup(pgid, syscall.SIGKILL); err != nil {
		return false, err
	}
	return true, nil
}
