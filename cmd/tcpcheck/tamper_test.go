package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/tcpcheck/tcpcheck/checker"
)

// errPos finds the line:col an error gives after the file's name.
var errPos = regexp.MustCompile(`\.json:(\d+):(\d+): `)

// TestTamperedTracesAreRefused: a trace that says what its replay does
// not show is refused with exit code 2, at the line:col of the first wrong
// field, saying what the replay expected there. Each case was told as fact
// (exit 0) before traces were replayed.
func TestTamperedTracesAreRefused(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(v *checker.TraceView)
		// at is what the file holds where the error points; want is in
		// the error.
		at, want string
	}{
		{"verdict holds", func(v *checker.TraceView) { v.Verdict = "holds" },
			`"holds"`, `verdict is "holds": the replay of model faults (variant no-time-wait) expected "violated"`},
		{"verdict bogus", func(v *checker.TraceView) { v.Verdict = "bogus" },
			`"bogus"`, `verdict is "bogus": the replay of model faults (variant no-time-wait) expected "violated"`},
		{"active OPEN into TIME-WAIT", func(v *checker.TraceView) { v.Steps[0].After.A.State = "TIME-WAIT" },
			`"TIME-WAIT"`, `steps[0].after.a.state is "TIME-WAIT": the replay of model faults (variant no-time-wait) expected "SYN-SENT"`},
		{"before is not the previous after", func(v *checker.TraceView) { v.Steps[3].Before.B.State = "LISTEN" },
			`"LISTEN"`, `steps[3].before.b.state is "LISTEN": the replay of model faults (variant no-time-wait) expected "SYN-RECEIVED"`},
		{"step 99", func(v *checker.TraceView) { v.Steps[0].N = 99 },
			`99`, `steps[0].n is 99: the replay of model faults (variant no-time-wait) expected 1`},
		{"step -7", func(v *checker.TraceView) { v.Steps[1].N = -7 },
			`-7`, `steps[1].n is -7: the replay of model faults (variant no-time-wait) expected 2`},
		{"no steps, yet step 12 breaks it", func(v *checker.TraceView) { v.Steps, v.Message = []checker.StepView{}, "step 12 breaks it" },
			`"steps"`, `steps: no state of the replayed run breaks it, so the run shows nothing about invariant property no-fault-scenario`},
		{"a safety trace that repeats forever", func(v *checker.TraceView) { v.LoopStart = 0 },
			`"loop_start"`, `loop_start: 0, but the replay expected -1, since a counterexample of a invariant property is a finite run`},
		{"a message the run does not show", func(v *checker.TraceView) { v.Message = "holds in all 5 reachable states" },
			`"holds in all 5 reachable states"`, `message is "holds in all 5 reachable states": the replay of model faults (variant no-time-wait) expected "a state breaks it after 10 steps"`},
		{"a row the step did not take", func(v *checker.TraceView) { v.Steps[0].Row = "CLOSED/passive-open" },
			`"CLOSED/passive-open"`, `steps[0].row is "CLOSED/passive-open": the replay of model faults (variant no-time-wait) expected "CLOSED/connect"`},
		{"a step the model cannot take", func(v *checker.TraceView) { v.Steps[0].Action = "timeout" },
			`"timeout"`, `steps[0].action: "timeout" is not a transition of model faults (variant no-time-wait) from where the previous step left the run: the replay expected "call"`},
		{"another model", func(v *checker.TraceView) { v.Model = "client-server" },
			`"client-server"`, `model is "client-server": property no-fault-scenario runs on model faults, which the replay expected`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := faultTrace(t)
			tc.edit(v)
			data, err := v.MarshalIndent()
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(t.TempDir(), "tampered.json")
			if err := os.WriteFile(path, data, 0o644); err != nil {
				t.Fatal(err)
			}
			for _, args := range [][]string{
				{"explain", path, "--files", faultsFile},
				{"graph", "--kind", "trace", "--trace", path, faultsFile},
			} {
				out, errOut, code := runCmd(t, "", args...)
				if code != ExitUsage || out != "" || !strings.Contains(errOut, tc.want) {
					t.Fatalf("%s: exit %d, stdout %d bytes, stderr %q; want exit 2 and %q", args[0], code, len(out), errOut, tc.want)
				}
				m := errPos.FindStringSubmatch(errOut)
				if m == nil {
					t.Fatalf("%s: no line:col in %q", args[0], errOut)
				}
				line, _ := strconv.Atoi(m[1])
				col, _ := strconv.Atoi(m[2])
				lines := strings.Split(string(data), "\n")
				if line > len(lines) || col > len(lines[line-1]) || !strings.HasPrefix(lines[line-1][col-1:], tc.at) {
					t.Errorf("%s: the error points at %d:%d, not at %s:\n%s", args[0], line, col, tc.at, errOut)
				}
			}
		})
	}
}

// TestSavedTracesReplay: every counterexample and witness of the default
// set, and of its mutants (liveness lassos and necessity claims among
// them), is explained as saved; a lasso whose cycle is moved is refused.
func TestSavedTracesReplay(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the default set twice")
	}
	dir := t.TempDir()
	for _, args := range [][]string{{"verify"}, {"verify", "--mutants"}} {
		traces := filepath.Join(dir, strings.Join(args, ""))
		runCmd(t, "", append(args, "--save-traces", traces)...)
		files, _ := filepath.Glob(filepath.Join(traces, "*.json"))
		if len(files) < 8 {
			t.Fatalf("%v saved %d traces", args, len(files))
		}
		for _, f := range files {
			if _, errOut, code := runCmd(t, "", "explain", f); code != ExitOK {
				t.Errorf("%s: exit %d: %s", f, code, errOut)
			}
		}
	}
	lasso := filepath.Join(dir, "verify", "eventually-closed-without-fair-network.json")
	if out, errOut, code := runCmd(t, "", "explain", lasso, "--no-story"); code != ExitOK || !strings.Contains(out, "(the steps below repeat forever)") || !strings.Contains(out, "(back to step 7)") {
		t.Errorf("the lasso's cycle is not told: exit %d: %s%s", code, errOut, out)
	}
	data, err := os.ReadFile(lasso)
	if err != nil {
		t.Fatal(err)
	}
	// A necessity claim's message says what the search without the
	// mutation found, which explain runs again.
	nec := filepath.Join(dir, "verify", "time-wait-necessary.json")
	necData, err := os.ReadFile(nec)
	if err != nil {
		t.Fatal(err)
	}
	writeTestFile(t, nec, strings.Replace(string(necData), "\"message\": \"necessary (", "\"message\": \"not needed (", 1))
	if _, errOut, code := runCmd(t, "", "explain", nec); code != ExitUsage || !strings.Contains(errOut, "message is") {
		t.Errorf("a necessity claim with an edited message: exit %d: %s", code, errOut)
	}
	moved := regexp.MustCompile(`"loop_start": \d+`).ReplaceAllString(string(data), `"loop_start": 0`)
	writeTestFile(t, lasso, moved)
	if _, errOut, code := runCmd(t, "", "explain", lasso); code != ExitUsage || !strings.Contains(errOut, "loop_start: 0, but the replayed run does not come back") {
		t.Errorf("a moved cycle: exit %d: %s", code, errOut)
	}
}
