package node

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"time"
)

// ErrNotRunning is returned when a signal is sent to a node whose process is not running.
var ErrNotRunning = errors.New("node process not running")

// Process is the parent's handle on one node child process. Start launches it (again, after a
// crash or stop, on the same store dir and ports); the signal methods inject process faults.
// Methods are safe for concurrent use.
type Process struct {
	cfg Config
	exe string

	mu     sync.Mutex
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	exited chan struct{} // closed when the current process has exited
	paused bool
}

// NewProcess returns a handle for a node run by executable exe (normally os.Executable(), whose
// main or TestMain calls MaybeRun). Nothing starts until Start.
func NewProcess(exe string, cfg Config) *Process { return &Process{cfg: cfg, exe: exe} }

// Config returns the node's configuration.
func (p *Process) Config() Config { return p.cfg }

// Start launches the node and waits until it accepts client connections (or timeout). The child
// dies with the parent: it gets SIGKILL if the parent's thread exits (Pdeathsig), and exits by
// itself when its stdin, held by the parent, closes. It runs in its own process group.
func (p *Process) Start(timeout time.Duration) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cmd != nil {
		return fmt.Errorf("chaos node %s: already running (pid %d)", p.cfg.Name, p.cmd.Process.Pid)
	}
	raw, err := json.Marshal(p.cfg)
	if err != nil {
		return err
	}
	cmd := exec.Command(p.exe, "-test.run=^$") // the flag only matters to a test binary
	cmd.Env = append(os.Environ(), EnvConfig+"="+string(raw))
	// Own process group: a Ctrl-C at the terminal reaches the parent only, which then kills
	// the nodes itself (Close) instead of racing their graceful shutdown.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL, Setpgid: true}
	stderr, err := os.OpenFile(p.cfg.LogFile+".stderr", os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("chaos node %s: open stderr log: %w", p.cfg.Name, err)
	}
	defer stderr.Close()
	cmd.Stderr = stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("chaos node %s: start: %w", p.cfg.Name, err)
	}
	exited := make(chan struct{})
	ready := make(chan error, 1)
	go func() {
		line, err := bufio.NewReader(stdout).ReadString('\n')
		if err == nil && line != readyLine+"\n" {
			err = fmt.Errorf("unexpected first line %q", line)
		}
		ready <- err
		_, _ = io.Copy(io.Discard, stdout)
		_ = cmd.Wait()
		close(exited)
	}()
	p.cmd, p.stdin, p.exited, p.paused = cmd, stdin, exited, false
	select {
	case err := <-ready:
		if err == nil {
			return nil
		}
		p.killLocked()
		return fmt.Errorf("chaos node %s: did not report ready (see %s.stderr): %w", p.cfg.Name, p.cfg.LogFile, err)
	case <-time.After(timeout):
		p.killLocked()
		return fmt.Errorf("chaos node %s: not ready within %v", p.cfg.Name, timeout)
	}
}

// Running reports whether the node's process is running (paused counts as running).
func (p *Process) Running() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.cmd != nil
}

// Paused reports whether the process is stopped by SIGSTOP.
func (p *Process) Paused() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.paused
}

// Kill crashes the node: SIGKILL, no shutdown code runs. It waits until the process is gone.
func (p *Process) Kill() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cmd == nil {
		return fmt.Errorf("chaos node %s: kill: %w", p.cfg.Name, ErrNotRunning)
	}
	p.killLocked()
	return nil
}

func (p *Process) killLocked() {
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.exited
	_ = p.stdin.Close()
	p.cmd, p.paused = nil, false
}

// Terminate stops the node gracefully (SIGTERM: raft leaderships handed over, stores flushed)
// and waits up to timeout before killing it.
func (p *Process) Terminate(timeout time.Duration) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cmd == nil {
		return fmt.Errorf("chaos node %s: terminate: %w", p.cfg.Name, ErrNotRunning)
	}
	if p.paused {
		_ = p.cmd.Process.Signal(syscall.SIGCONT)
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.exited:
		_ = p.stdin.Close()
		p.cmd, p.paused = nil, false
		return nil
	case <-time.After(timeout):
		p.killLocked()
		return fmt.Errorf("chaos node %s: no graceful exit within %v; killed", p.cfg.Name, timeout)
	}
}

// Pause freezes the process (SIGSTOP); Resume continues it (SIGCONT). It returns once the
// kernel reports the process stopped: a signal is delivered asynchronously, and a node still
// answering right after Pause would make the fault's start a lie.
func (p *Process) Pause() error {
	if err := p.signal(syscall.SIGSTOP, true); err != nil {
		return err
	}
	p.mu.Lock()
	pid := p.cmd.Process.Pid
	p.mu.Unlock()
	return waitStopped(pid, 5*time.Second)
}

// Resume continues a paused process (SIGCONT).
func (p *Process) Resume() error { return p.signal(syscall.SIGCONT, false) }

func (p *Process) signal(sig syscall.Signal, paused bool) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cmd == nil {
		return fmt.Errorf("chaos node %s: %v: %w", p.cfg.Name, sig, ErrNotRunning)
	}
	if err := p.cmd.Process.Signal(sig); err != nil {
		return fmt.Errorf("chaos node %s: %v: %w", p.cfg.Name, sig, err)
	}
	p.paused = paused
	return nil
}

// Close kills the process if it is running. It is safe to call more than once.
func (p *Process) Close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cmd != nil {
		p.killLocked()
	}
}
