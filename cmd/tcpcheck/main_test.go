package main

import (
	"bytes"
	"flag"
	"github.com/tcpcheck/tcpcheck/report"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/tcpcheck/tcpcheck/checker"
	"github.com/tcpcheck/tcpcheck/properties"
	"github.com/tcpcheck/tcpcheck/spec"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// runCmd runs tcpcheck in-process and returns its output and exit code.
func runCmd(t *testing.T, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(args, strings.NewReader(stdin), &out, &errOut)
	return out.String(), errOut.String(), code
}

// timings match what changes from run to run (times, rates and memory)
// in output with --stats, so that it can be compared with a golden file.
var timings = []*regexp.Regexp{
	regexp.MustCompile(`("(?:elapsed_seconds|states_per_second|store_bytes|bytes_per_state)": )[0-9.e+-]+()`),
	regexp.MustCompile(`( time=")[0-9.]+(")`),
	regexp.MustCompile(`(elapsed )[0-9.]+[µnm]?s`),
	regexp.MustCompile(`(memory )[0-9.]+ [KMG]?i?B`),
	regexp.MustCompile(`(\()[0-9.]+( bytes/state\))`),
	regexp.MustCompile(`()[0-9]+( states/s)`),
}

func mask(s string) string {
	for _, re := range timings {
		s = re.ReplaceAllString(s, "${1}X$2")
	}
	return s
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./cmd/tcpcheck -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (run go test ./cmd/tcpcheck -update if the change is intended)\n--- got ---\n%s", path, got)
	}
}

// requireDot skips a test when Graphviz is not installed, except in CI.
func requireDot(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("dot"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("Graphviz's dot is not installed; CI must install the graphviz package")
		}
		t.Skip("Graphviz's dot is not installed")
	}
}

func TestHelpDocumentsExitCodes(t *testing.T) {
	out, _, code := runCmd(t, "", "--help")
	if code != ExitOK {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"0  every property holds", "1  a property is violated", "2  usage or input error", "3  inconclusive", "4  internal error"} {
		if !strings.Contains(out, want) {
			t.Errorf("--help lacks %q", want)
		}
	}
}

func TestVersion(t *testing.T) {
	out, _, code := runCmd(t, "", "version")
	if code != ExitOK || !strings.HasPrefix(out, "tcpcheck ") || !strings.Contains(out, report.Schema) {
		t.Errorf("exit %d, output %q", code, out)
	}
}

func TestCompletion(t *testing.T) {
	for _, sh := range []string{"bash", "zsh", "fish", "powershell"} {
		out, _, code := runCmd(t, "", "completion", sh)
		if code != ExitOK || len(out) < 100 {
			t.Errorf("completion %s: exit %d, %d bytes", sh, code, len(out))
		}
	}
	// Flag values complete through cobra's hidden __complete command.
	out, _, code := runCmd(t, "", "__complete", "spec", "--variant", "")
	if code != ExitOK || !strings.Contains(out, "rfc793") {
		t.Errorf("completing --variant: exit %d, %q", code, out)
	}
}

func TestUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"spec", "--variant", "bogus"}, `unknown variant "bogus"`},
		{[]string{"spec", "--format", "html"}, `--format is "html": expected text or markdown`},
		{[]string{"spec", "--state", "ESTAB"}, `unknown TCP state "ESTAB"`},
		{[]string{"spec", "--no-such-flag"}, "unknown flag: --no-such-flag"},
		{[]string{"spec", "extra"}, "unknown command"},
		{[]string{"nosuchcommand"}, `unknown command "nosuchcommand"`},
		{[]string{"graph", "--kind", "pie"}, `--kind is "pie": expected spec, reachable or trace`},
		{[]string{"graph", "-T", "gif"}, `-T is "gif": expected dot, svg or png`},
		{[]string{"graph", "--kind", "trace"}, "--kind trace needs --trace FILE"},
		{[]string{"graph", "--kind", "reachable", "--model", "nope"}, `unknown model "nope"`},
		{[]string{"graph", "--kind", "reachable", "--max-states", "0"}, "--max-states is 0"},
		{[]string{"explain"}, "explain takes one FILE, found 0 arguments: expected a trace saved by verify --save-traces DIR, or a report written by verify --format json"},
		{[]string{"explain", "a.json", "b.json"}, "explain takes one FILE, found 2 arguments"},
		{[]string{"explain", "testdata/does-not-exist.json"}, "cannot read testdata/does-not-exist.json: no such file or directory: expected a trace saved by verify --save-traces DIR, or a report written by verify --format json"},
		{[]string{"verify", "--propery", "x"}, "unknown flag: --propery (did you mean --property?)"},
		{[]string{"explain", "--colr", "never", "x.json"}, "unknown flag: --colr (did you mean --color?)"},
		{[]string{"graph", "--zzzzzz"}, "unknown flag: --zzzzzz\n"},
		{[]string{"--color", "sometimes", "spec"}, `--color is "sometimes"`},
	} {
		_, errOut, code := runCmd(t, "", tc.args...)
		if code != ExitUsage || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 and %q", tc.args, code, errOut, tc.want)
		}
	}
}

func TestSpecText(t *testing.T) {
	out, _, code := runCmd(t, "", "spec")
	if code != ExitOK {
		t.Fatalf("exit %d", code)
	}
	golden(t, "spec.txt.golden", out)
	if strings.Count(out, "\n  ") < spec.Default().NumRows() {
		t.Errorf("the table lists fewer lines than the %d rows", spec.Default().NumRows())
	}
}

func TestSpecMarkdown(t *testing.T) {
	out, _, code := runCmd(t, "", "spec", "--format", "markdown", "--state", "SYN-SENT", "--notes")
	if code != ExitOK {
		t.Fatalf("exit %d", code)
	}
	golden(t, "spec-syn-sent.md.golden", out)
}

func TestSpecDiff(t *testing.T) {
	for _, v := range spec.VariantNames() {
		out, _, code := runCmd(t, "", "spec", "--variant", v, "--diff")
		if code != ExitOK {
			t.Fatalf("%s: exit %d", v, code)
		}
		golden(t, "spec-diff-"+v+".txt.golden", out)
	}
	out, _, _ := runCmd(t, "", "spec", "--variant", "rfc793", "--diff", "--format", "markdown")
	golden(t, "spec-diff-rfc793.md.golden", out)
}

func TestGraphSpecIsDeterministicDOT(t *testing.T) {
	a, _, code := runCmd(t, "", "graph")
	b, _, _ := runCmd(t, "", "graph")
	if code != ExitOK || a != b || !strings.HasPrefix(a, "digraph tcp {") {
		t.Fatalf("exit %d; deterministic %v; output starts %q", code, a == b, a[:min(len(a), 20)])
	}
	want, err := os.ReadFile("../../graphs/testdata/spec-rfc9293.dot")
	if err != nil {
		t.Fatal(err)
	}
	if a != string(want) {
		t.Error("tcpcheck graph differs from the graphs package's golden spec diagram")
	}
}

func TestGraphRendersSVG(t *testing.T) {
	requireDot(t)
	dir := t.TempDir()
	for _, args := range [][]string{
		{"graph", "-T", "svg", "-o", filepath.Join(dir, "spec.svg")},
		{"graph", "--variant", "linux", "--all", "-T", "png", "-o", filepath.Join(dir, "linux.png")},
		{"graph", "--kind", "reachable", "--max-states", "30", "-T", "svg", "-o", filepath.Join(dir, "reach.svg")},
		{"graph", "--kind", "trace", "--trace", "testdata/trace-faults.json", faultsFile, "-T", "svg", "-o", filepath.Join(dir, "trace.svg")},
	} {
		_, errOut, code := runCmd(t, "", args...)
		if code != ExitOK {
			t.Errorf("%v: exit %d: %s", args, code, errOut)
			continue
		}
		if strings.Contains(errOut, "warn") {
			t.Errorf("%v: Graphviz warned: %s", args, errOut)
		}
		data, err := os.ReadFile(args[len(args)-1])
		if err != nil || len(data) == 0 {
			t.Errorf("%v: no image: %v", args, err)
		}
	}
}

// TestGraphFormatFromExtension: without -T, -o's extension names the
// format, as it does for explain (graph used to write DOT into a .png
// file); an explicit -T still wins.
func TestGraphFormatFromExtension(t *testing.T) {
	requireDot(t)
	dir := t.TempDir()
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-o", filepath.Join(dir, "a.png")}, "\x89PNG"},
		{[]string{"-o", filepath.Join(dir, "a.svg")}, "<?xml"},
		{[]string{"-o", filepath.Join(dir, "a.dot")}, "digraph"},
		{[]string{"-o", filepath.Join(dir, "a.gv")}, "digraph"},
		{[]string{"-o", filepath.Join(dir, "c.SVG")}, "<?xml"},
		{[]string{"-T", "dot", "-o", filepath.Join(dir, "b.png")}, "digraph"},
		{[]string{"-T", "svg", "-o", filepath.Join(dir, "b.dot")}, "<?xml"},
	} {
		args := append([]string{"graph"}, c.args...)
		_, errOut, code := runCmd(t, "", args...)
		if code != ExitOK {
			t.Errorf("%v: exit %d: %s", args, code, errOut)
			continue
		}
		data, err := os.ReadFile(args[len(args)-1])
		if err != nil || !strings.HasPrefix(string(data), c.want) {
			t.Errorf("%v: file starts %q (%v), want %q", args, data[:min(len(data), 8)], err, c.want)
		}
	}
}

func TestGraphWithoutGraphviz(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	_, errOut, code := runCmd(t, "", "graph", "-T", "svg")
	if code != ExitUsage || !strings.Contains(errOut, "install the graphviz package") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
	// DOT needs no Graphviz.
	if _, _, code := runCmd(t, "", "graph"); code != ExitOK {
		t.Errorf("graph without -T: exit %d", code)
	}
}

func TestGraphReachableCutIsNoted(t *testing.T) {
	out, errOut, code := runCmd(t, "", "graph", "--kind", "reachable", "--max-states", "25")
	if code != ExitOK || !strings.Contains(out, "CUT at 25 states") || !strings.Contains(errOut, "cut at 25 states") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}

// faultsFile defines the model and the property of faultTrace; explain
// and graph need it to replay the trace.
const faultsFile = "testdata/props/faults.yaml"

// faultTrace is a trace with a loss, a duplicate and segments still in
// flight at the end, on the no-time-wait variant: the counterexample of
// no-fault-scenario in faultsFile.
func faultTrace(t *testing.T) *checker.TraceView {
	t.Helper()
	s, err := properties.Load([]string{faultsFile})
	if err != nil {
		t.Fatal(err)
	}
	results, err := s.Run(properties.RunOptions{Properties: []string{"no-fault-scenario"}})
	if err != nil {
		t.Fatal(err)
	}
	rep := report.Build(s, results, "", false)
	if rep.Results[0].Trace == nil {
		t.Fatalf("no-fault-scenario has no counterexample: %s", rep.Results[0].Message)
	}
	return rep.Results[0].Trace
}

func TestTraceJSONAndExplain(t *testing.T) {
	data, err := faultTrace(t).MarshalIndent()
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "trace-faults.json", string(data))

	out, errOut, code := runCmd(t, "", "explain", "testdata/trace-faults.json", "--files", faultsFile)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	golden(t, "explain-faults.txt.golden", out)

	// Standard input works too.
	data, _ = os.ReadFile("testdata/trace-faults.json")
	if in, errOut, code := runCmd(t, string(data), "explain", "-", "--files", faultsFile); code != ExitOK || in != out {
		t.Errorf("standard input: exit %d: %s", code, errOut)
	}
}

func TestExplainChart(t *testing.T) {
	dir := t.TempDir()
	dotFile := filepath.Join(dir, "chart.dot")
	if _, errOut, code := runCmd(t, "", "explain", "testdata/trace-faults.json", "--files", faultsFile, "-o", dotFile); code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	live, _, _ := runCmd(t, "", "graph", "--kind", "trace", "--trace", "testdata/trace-faults.json", faultsFile)
	saved, _ := os.ReadFile(dotFile)
	if live != string(saved) {
		t.Error("explain -o and graph --kind trace draw the same trace differently")
	}
	requireDot(t)
	svg := filepath.Join(dir, "chart.svg")
	if _, errOut, code := runCmd(t, "", "explain", "testdata/trace-faults.json", "--files", faultsFile, "-o", svg); code != ExitOK || errOut != "" {
		t.Fatalf("exit %d: %s", code, errOut)
	}
}

func TestExplainBadInput(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	for _, tc := range []struct {
		content, want string
	}{
		{"not json", "bad.json:1:1: cannot read the JSON"},
		{`{"steps": []}`, `no "schema" field`},
		{`{"schema": "tcpcheck/trace/v9"}`, `has schema "tcpcheck/trace/v9": expected a trace (schema "tcpcheck/trace/v1")`},
		{`{"schema": "tcpcheck/trace/v1", "initial": {"a": {"state": "OPEN"}, "b": {"state": "CLOSED"}}, "loop_start": -1}`, `bad.json:1:1: the trace names no property`},
		{`{"schema": "tcpcheck/trace/v1", "property": "no-such-property"}`, `bad.json:1:45: property "no-such-property" is not in the property files read`},
		{`{"schema": "tcpcheck/trace/v1", "property": "no-half-open", "model": "delayed-segments", "variant": "rfc9293", "initial": {"a": {"state": "OPEN"}}, "loop_start": -1}`,
			`bad.json:1:139: initial.a.state is "OPEN": the replay of model delayed-segments (variant rfc9293) expected "CLOSED"`},
		{`{"schema": "tcpcheck/trace/v1", "property": "no-half-open", "model": "delayed-segments", "variant": "rfc9293", "loop_start": 5,
		   "steps": [{"actor": "C", "action": "fly"}]}`,
			`bad.json:2:26: steps[0].actor: "C" is not a transition of model delayed-segments (variant rfc9293) from where the previous step left the run: the replay expected "A" or "B"`},
		{`{"schema": "tcpcheck/trace/v1", "schema": "tcpcheck/trace/v1"}`, `bad.json:1:33: cannot read the JSON: duplicate key "schema"`},
		{`{"schema": "tcpcheck/trace/v1", "steps": [{"n": "one"}]}`, `bad.json:1:49: steps[0].n is a string: expected a number`},
		{`{"schema": "tcpcheck/report/v1", "results": []}`, "has no counterexample"},
	} {
		p := write("bad.json", tc.content)
		_, errOut, code := runCmd(t, "", "explain", p)
		if code != ExitUsage || !strings.Contains(errOut, tc.want) {
			t.Errorf("%s: exit %d, stderr %q; want exit 2 and %q", tc.content, code, errOut, tc.want)
		}
	}
}

func TestDocsPicturesAreCurrent(t *testing.T) {
	for _, tc := range []struct {
		file string
		args []string
	}{
		{"../../docs/states.dot", []string{"graph"}},
		{"../../docs/counterexample.dot", []string{"graph", "--kind", "trace", "--property", "time-wait-assassination"}},
	} {
		want, err := os.ReadFile(tc.file)
		if err != nil {
			t.Fatal(err)
		}
		got, errOut, code := runCmd(t, "", tc.args...)
		if code != ExitOK {
			t.Fatalf("%v: exit %d: %s", tc.args, code, errOut)
		}
		if got != string(want) {
			t.Errorf("%s is out of date: run go generate ./cmd/tcpcheck", tc.file)
		}
	}
}

func TestPanicIsInternalError(t *testing.T) {
	// A nil standard output makes the version command panic; run must
	// recover and report an internal error instead of crashing.
	var errOut bytes.Buffer
	code := run([]string{"version"}, strings.NewReader(""), nil, &errOut)
	if code != ExitInternal || !strings.Contains(errOut.String(), "internal error") {
		t.Errorf("exit %d, stderr %q", code, errOut.String())
	}
}

func TestVersionFrom(t *testing.T) {
	setting := func(kv ...string) []debug.BuildSetting {
		var out []debug.BuildSetting
		for i := 0; i < len(kv); i += 2 {
			out = append(out, debug.BuildSetting{Key: kv[i], Value: kv[i+1]})
		}
		return out
	}
	const rev = "0123456789abcdef0123456789abcdef01234567"
	for _, tc := range []struct {
		release string
		bi      *debug.BuildInfo
		want    string
	}{
		{"v1.2.3", &debug.BuildInfo{Main: debug.Module{Version: "v0.1.0"}}, "v1.2.3"},
		{"", &debug.BuildInfo{Main: debug.Module{Version: "v0.1.0"}}, "v0.1.0"},
		{"", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: setting("vcs.revision", rev, "vcs.modified", "false")}, "0123456789ab"},
		{"", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: setting("vcs.revision", rev, "vcs.modified", "true")}, "0123456789ab+dirty"},
		{"", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, "devel"},
		{"", nil, "devel"},
	} {
		if got := versionFrom(tc.release, tc.bi); got != tc.want {
			t.Errorf("versionFrom(%q, %+v) = %q, want %q", tc.release, tc.bi, got, tc.want)
		}
	}
}

// TestVersionOfACheckout builds tcpcheck in this checkout as a user does,
// with VCS stamping on, and requires its version to name the commit.
func TestVersionOfACheckout(t *testing.T) {
	if testing.Short() {
		t.Skip("builds tcpcheck")
	}
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	head, err := exec.Command("git", "rev-parse", "HEAD").Output()
	if err != nil {
		t.Skipf("not in a git checkout: %v", err)
	}
	top, err := exec.Command("git", "rev-parse", "--show-toplevel").Output()
	if err != nil {
		t.Fatal(err)
	}
	// A clone, as a user makes one: go does not stamp builds in a git
	// worktree, whose .git is a file.
	clone := filepath.Join(t.TempDir(), "tcpcheck")
	for _, args := range [][]string{
		{"clone", "-q", "--shared", "--no-checkout", strings.TrimSpace(string(top)), clone},
		{"-C", clone, "checkout", "-q", strings.TrimSpace(string(head))},
	} {
		if out, err := exec.Command("git", args...).CombinedOutput(); err != nil {
			t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	exe := filepath.Join(t.TempDir(), "tcpcheck")
	build := exec.Command("go", "build", "-buildvcs=true", "-o", exe, "./cmd/tcpcheck")
	build.Dir = clone
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build in a clone: %v\n%s", err, out)
	}
	out, err := exec.Command(exe, "version").Output()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(out), "devel") || !strings.Contains(string(out), string(head[:12])) {
		t.Errorf("tcpcheck version of a build at %s printed %q: expected the commit, not devel", head[:12], out)
	}
}
