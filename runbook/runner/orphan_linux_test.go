//go:build linux

package runner

import (
	"fmt"
	"os/exec"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestKillOrphanGroup_GivenALeftoverGroup_WhenItsMarkerMatches_ThenEveryProcessIsKilled(t *testing.T) {
	// Given: a group whose leader is gone and whose descendant still runs, as after the bot died.
	cmd := exec.Command("bash", "-c", "sleep 1000 >/dev/null 2>&1 & echo $!; exit 0")
	cmd.Env = append(ScriptEnv(nil, nil), "PATH=/usr/bin:/bin", RunIDVar+"=job-123")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	out, err := cmd.Output()
	require.NoError(t, err)
	pgid := cmd.Process.Pid
	var child int
	_, err = fmt.Sscan(string(out), &child)
	require.NoError(t, err)
	t.Cleanup(func() { _ = syscall.Kill(-pgid, syscall.SIGKILL) })

	// When: another run's marker is given, nothing is killed.
	killed, err := KillOrphanGroup(pgid, "other-run")
	require.NoError(t, err)
	require.False(t, killed)
	require.NoError(t, syscall.Kill(child, 0), "the process is left alone")

	// When: the run's own marker is given, the group dies.
	killed, err = KillOrphanGroup(pgid, "job-123")
	require.NoError(t, err)
	require.True(t, killed)
	require.Eventually(t, func() bool { return processGone(child) }, 5*time.Second, 10*time.Millisecond)
}
