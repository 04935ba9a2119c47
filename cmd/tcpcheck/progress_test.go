package main

import (
	"bytes"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tcpcheck/tcpcheck/checker"
)

// TestProgressRateIsCurrent feeds progress reports with a fake clock: the
// rate printed is that of the last interval, not the average since the
// start, and the ETA to --max-states follows from it.
func TestProgressRateIsCurrent(t *testing.T) {
	var b bytes.Buffer
	l := &progressLines{w: &b, props: map[string][]string{"m": {"p1", "p2"}}, opt: checker.Options{MaxStates: 4000}}
	l.report(checker.Progress{Model: "m", Distinct: 1000, Queue: 10, Elapsed: 1 * time.Second, StoreBytes: 2048})
	// 500 new states in the last 2 s: 250 states/s now, although the
	// average since the start is 500 states/s.
	l.report(checker.Progress{Model: "m", Distinct: 1500, Queue: 20, Elapsed: 3 * time.Second, StoreBytes: 3 << 20})
	l.report(checker.Progress{Model: "m", Distinct: 2000, Elapsed: 4 * time.Second, Done: true})
	want := "tcpcheck: progress: model m (p1, p2): 1000 distinct states, 10 queued, 1000 states/s, memory 2.0KiB, elapsed 1s, 25% of --max-states, ETA 3s\n" +
		"tcpcheck: progress: model m (p1, p2): 1500 distinct states, 20 queued, 250 states/s, memory 3.0MiB, elapsed 3s, 37% of --max-states, ETA 10s\n" +
		"tcpcheck: progress: model m (p1, p2): done, 2000 distinct states, elapsed 4s\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}

// TestProgressNearestBound reports the bound closest to being reached,
// and a new search starts its rate afresh.
func TestProgressNearestBound(t *testing.T) {
	var b bytes.Buffer
	l := &progressLines{w: &b, props: map[string][]string{}, opt: checker.Options{MaxStates: 1_000_000, MaxTime: 10 * time.Second}}
	l.report(checker.Progress{Model: "a", Distinct: 100, Elapsed: 5 * time.Second})
	l.report(checker.Progress{Model: "b", Distinct: 300, Elapsed: 2 * time.Second})
	want := "tcpcheck: progress: model a: 100 distinct states, 0 queued, 20 states/s, memory 0B, elapsed 5s, 50% of --max-time, ETA 5s\n" +
		"tcpcheck: progress: model b: 300 distinct states, 0 queued, 150 states/s, memory 0B, elapsed 2s, 20% of --max-time, ETA 8s\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}

var progressLineRE = regexp.MustCompile(`^tcpcheck: progress: model client-server \(([^)]*)\): (\d+) distinct states, (\d+) queued, (\d+) states/s, memory [0-9.]+(B|KiB|MiB|GiB), elapsed [0-9.]+(ms|s)(, (\d+)% of --max-states(, ETA [0-9.a-z]+)?)?$`)

// TestVerifyProgressLines runs a search long enough for several intervals
// off a terminal: the lines come in order, with every field, then a last
// line says the search is done.
func TestVerifyProgressLines(t *testing.T) {
	for _, mode := range []string{"auto", "always"} {
		_, errOut, code := runCmd(t, "", "verify", "--model", "client-server", "--progress", mode, "--progress-interval", "20ms", "--max-states", "700000")
		if code != 0 && code != 3 {
			t.Fatalf("%s: exit %d, stderr %s", mode, code, errOut)
		}
		lines := strings.Split(strings.TrimSuffix(errOut, "\n"), "\n")
		if len(lines) < 4 {
			t.Fatalf("%s: want at least 3 progress lines and a done line, got %q", mode, errOut)
		}
		last := lines[len(lines)-1]
		if !strings.HasPrefix(last, "tcpcheck: progress: model client-server (") || !strings.Contains(last, "): done, ") {
			t.Errorf("%s: last line %q: want the done line", mode, last)
		}
		prev := -1
		for _, ln := range lines[:len(lines)-1] {
			m := progressLineRE.FindStringSubmatch(ln)
			if m == nil {
				t.Fatalf("%s: line %q does not have the fields of a progress line", mode, ln)
			}
			if !strings.Contains(m[1], "no-half-open") && !strings.Contains(m[1], "more") {
				t.Errorf("%s: line %q does not name the model's properties", mode, ln)
			}
			if m[8] == "" {
				t.Errorf("%s: line %q has no percentage of --max-states", mode, ln)
			}
			n, _ := strconv.Atoi(m[2])
			if n < prev {
				t.Errorf("%s: distinct states went down: %d then %d", mode, prev, n)
			}
			prev = n
		}
	}
}

func TestVerifyProgressNever(t *testing.T) {
	for _, args := range [][]string{
		{"--progress", "never", "--progress-interval", "1ms"},
		{"--no-progress", "--progress-interval", "1ms"},
		{"--progress-interval", "1h"},
	} {
		args = append([]string{"verify", "--model", "client-server"}, args...)
		_, errOut, code := runCmd(t, "", args...)
		if code != 0 || errOut != "" {
			t.Errorf("%v: exit %d, stderr %q; want exit 0 and nothing on standard error", args, code, errOut)
		}
	}
}

func TestVerifyProgressBadValues(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--progress", "sometimes"}, `--progress is "sometimes": expected auto, always or never`},
		{[]string{"--progress-interval", "0"}, "--progress-interval is 0s: expected a positive duration"},
		{[]string{"--progress-interval", "-1s"}, "--progress-interval is -1s: expected a positive duration"},
		{[]string{"--progress-interval", "often"}, `invalid argument "often" for "--progress-interval"`},
		{[]string{"--no-progress", "--progress", "always"}, "--no-progress and --progress always contradict"},
	} {
		_, errOut, code := runCmd(t, "", append([]string{"verify"}, tc.args...)...)
		if code != 2 || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 and %q", tc.args, code, errOut, tc.want)
		}
	}
}
