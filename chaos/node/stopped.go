package node

import (
	"bytes"
	"fmt"
	"os"
	"time"
)

// waitStopped waits until /proc reports process pid stopped (state T), or within passes.
func waitStopped(pid int, within time.Duration) error {
	deadline := time.Now().Add(within)
	path := fmt.Sprintf("/proc/%d/stat", pid)
	for {
		stat, err := os.ReadFile(path)
		if err != nil {
			return fmt.Errorf("chaos node: read %s: %w", path, err)
		}
		// The state follows the command name, which is in parentheses and may hold spaces.
		if i := bytes.LastIndexByte(stat, ')'); i >= 0 && i+2 < len(stat) && stat[i+2] == 'T' {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("chaos node: process %d not stopped %v after SIGSTOP", pid, within)
		}
		time.Sleep(time.Millisecond)
	}
}
