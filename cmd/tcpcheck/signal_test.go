package main

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The signal tests run tcpcheck as a child process: the test binary runs
// main's run when this variable is set, so no separate build is needed.
const childEnv = "TCPCHECK_TEST_RUN_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// bigSuite is the reference model (215 million states, minutes to
// explore) with a property that needs the whole search and one whose
// witness is found at once, so that an interrupted run has a trace to
// save as well as a property to leave undecided.
const bigSuite = `models:
  - name: reference
    a: {open: active, close: true}
    b: {open: passive, close: true}
    network: {capacity: 3, reorder: true, loss: unbounded}
    retries: 2
    user-timeout: true
    reopens: 1
properties:
  - name: retries-bounded
    kind: invariant
    model: reference
    formula: forall(X, X.retries <= 2)
  - name: established
    kind: reachable
    model: reference
    formula: A.state == ESTABLISHED
`

// startChild runs tcpcheck with args in a child process and waits until
// its search is under way: until its resident memory passes 64 MiB,
// which the store of the reference model reaches within a second.
func startChild(t *testing.T, args ...string) (*exec.Cmd, *strings.Builder) {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("reads the child's memory from /proc")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, args...)
	cmd.Env = append(os.Environ(), childEnv+"=1")
	var errOut strings.Builder
	cmd.Stderr = &errOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	deadline := time.Now().Add(60 * time.Second)
	for rssKiB(cmd.Process.Pid) < 64<<10 {
		if time.Now().After(deadline) {
			t.Fatalf("the search did not get under way in a minute: %s", errOut.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	return cmd, &errOut
}

// rssKiB reads a process's resident set size from /proc, or 0.
func rssKiB(pid int) int {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "VmRSS:" {
			n, _ := strconv.Atoi(f[1])
			return n
		}
	}
	return 0
}

// exitCodeOf waits for the child and returns its exit code.
func exitCodeOf(t *testing.T, cmd *exec.Cmd) int {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		var ee *exec.ExitError
		if err != nil && !errors.As(err, &ee) {
			t.Fatal(err)
		}
		return cmd.ProcessState.ExitCode()
	case <-time.After(60 * time.Second):
		t.Fatal("the child did not exit within a minute of the signal")
		return -1
	}
}

// TestInterruptWritesEveryOutput sends SIGINT to a verify under way on
// a model far too big to finish, and checks that it stops the search,
// writes every requested output saying so, and exits 3.
func TestInterruptWritesEveryOutput(t *testing.T) {
	dir := t.TempDir()
	suite := filepath.Join(dir, "big.yaml")
	if err := os.WriteFile(suite, []byte(bigSuite), 0o644); err != nil {
		t.Fatal(err)
	}
	out := map[string]string{
		"-o": filepath.Join(dir, "report.txt"), "--json": filepath.Join(dir, "report.json"),
		"--junit": filepath.Join(dir, "report.xml"), "--sarif": filepath.Join(dir, "report.sarif"),
	}
	traces := filepath.Join(dir, "traces")
	args := []string{"verify", suite, "--no-progress", "--save-traces", traces}
	for flag, path := range out {
		args = append(args, flag, path)
	}
	cmd, errOut := startChild(t, args...)
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	if code := exitCodeOf(t, cmd); code != ExitInconclusive {
		t.Fatalf("exit %d, want 3; stderr: %s", code, errOut)
	}
	if !strings.Contains(errOut.String(), "interrupt: stopping the search") {
		t.Errorf("stderr does not say the search is stopping: %q", errOut)
	}
	read := func(path string) string {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	for flag, path := range out {
		if s := read(path); !strings.Contains(s, "search interrupted after") {
			t.Errorf("%s %s does not say the search was interrupted:\n%s", flag, path, s)
		}
	}
	text := read(out["-o"])
	for _, want := range []string{"INCONCLUSIVE retries-bounded", "PASS         established", "Interrupted: 1 property was not decided", "SIGINT or SIGTERM"} {
		if !strings.Contains(text, want) {
			t.Errorf("the text report lacks %q:\n%s", want, text)
		}
	}
	var rep struct {
		Summary struct {
			Inconclusive, Pass int
			ExitCode           int `json:"exit_code"`
			Interrupted        bool
		}
		Results []struct{ Property, Status, Message string }
	}
	if err := json.Unmarshal([]byte(read(out["--json"])), &rep); err != nil {
		t.Fatal(err)
	}
	if !rep.Summary.Interrupted || rep.Summary.Inconclusive != 1 || rep.Summary.Pass != 1 || rep.Summary.ExitCode != 3 {
		t.Errorf("JSON summary %+v", rep.Summary)
	}
	if len(rep.Results) != 2 || rep.Results[0].Status != "inconclusive" || !strings.HasPrefix(rep.Results[0].Message, "search interrupted after") {
		t.Errorf("JSON results %+v", rep.Results)
	}
	if s := read(out["--junit"]); !strings.Contains(s, "<skipped message=\"inconclusive: search interrupted") {
		t.Errorf("JUnit does not skip the interrupted property:\n%s", s)
	}
	if s := read(filepath.Join(traces, "established.json")); !strings.Contains(s, `"property": "established"`) {
		t.Errorf("the witness of the decided property was not saved:\n%s", s)
	}
}

// TestSecondSignalExitsAtOnce sends SIGINT and then SIGTERM: the second
// ends the run at once with 128+15, writing nothing.
func TestSecondSignalExitsAtOnce(t *testing.T) {
	dir := t.TempDir()
	suite := filepath.Join(dir, "big.yaml")
	if err := os.WriteFile(suite, []byte(bigSuite), 0o644); err != nil {
		t.Fatal(err)
	}
	report := filepath.Join(dir, "report.json")
	cmd, errOut := startChild(t, "verify", suite, "--no-progress", "--json", report)
	// Both signals wait in the handler's buffer, so the second is seen
	// even if the first has not yet stopped the search.
	_ = cmd.Process.Signal(os.Interrupt)
	_ = cmd.Process.Signal(syscall.SIGTERM)
	if code := exitCodeOf(t, cmd); code != 143 {
		t.Fatalf("exit %d, want 143; stderr: %s", code, errOut)
	}
	if _, err := os.Stat(report); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the run that a second signal ended wrote %s (%v)", report, err)
	}
}
