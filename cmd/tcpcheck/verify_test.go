package main

import (
	"encoding/json"
	"encoding/xml"
	"github.com/tcpcheck/tcpcheck/report"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tcpcheck/tcpcheck/checker"
)

// demo holds one property of each outcome: one that holds, one violated
// against its expectation, one violated as expected, and a reachable one
// with a witness.
const demo = "testdata/props/demo.yaml"

func TestVerifyFormats(t *testing.T) {
	for _, format := range report.FormatNames {
		t.Run(format, func(t *testing.T) {
			out, errOut, code := runCmd(t, "", "verify", demo, "--format", format)
			if code != ExitViolated {
				t.Fatalf("exit %d, want 1: %s", code, errOut)
			}
			golden(t, "verify-demo."+format+".golden", out)
			again, _, _ := runCmd(t, "", "verify", demo, "--format", format)
			if again != out {
				t.Error("two runs gave different output")
			}
		})
	}
}

func TestVerifyColour(t *testing.T) {
	out, _, _ := runCmd(t, "", "verify", demo, "--color", "always", "--property", "a-never-in-time-wait")
	if !strings.Contains(out, "\x1b[31m") {
		t.Error("--color always gives no colour")
	}
	out, _, _ = runCmd(t, "", "verify", demo, "--property", "a-never-in-time-wait")
	if strings.Contains(out, "\x1b[") {
		t.Error("output that is not a terminal has colour")
	}
}

func TestVerifyExtraOutputsMatchFormats(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{"json": filepath.Join(dir, "r.json"), "junit": filepath.Join(dir, "r.xml"), "sarif": filepath.Join(dir, "r.sarif")}
	_, errOut, code := runCmd(t, "", "verify", demo, "--format", "github", "--json", files["json"], "--junit", files["junit"],
		"--sarif", files["sarif"], "--save-traces", filepath.Join(dir, "traces"))
	if code != ExitViolated {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for format, path := range files {
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		// SARIF points the steps at the saved traces, so it is compared
		// with a run that saves them in the same place (the same bytes).
		want, _, _ := runCmd(t, "", "verify", demo, "--format", format, "--save-traces", filepath.Join(dir, "traces"))
		if string(got) != want {
			t.Errorf("--%s file differs from --format %s", format, format)
		}
	}

	// The JSON report carries the counterexample, and explain reads it.
	var rep struct {
		Schema  string `json:"schema"`
		Summary struct {
			ExitCode int `json:"exit_code"`
		} `json:"summary"`
		Results []struct {
			Property string             `json:"property"`
			Status   string             `json:"status"`
			Line     int                `json:"line"`
			Trace    *checker.TraceView `json:"trace"`
		} `json:"results"`
	}
	data, _ := os.ReadFile(files["json"])
	if err := json.Unmarshal(data, &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Schema != report.Schema || rep.Summary.ExitCode != ExitViolated || len(rep.Results) != 4 {
		t.Fatalf("report: schema %q, exit %d, %d results", rep.Schema, rep.Summary.ExitCode, len(rep.Results))
	}
	fail := rep.Results[1]
	if fail.Property != "a-never-in-time-wait" || fail.Status != report.StatusFail || fail.Line != 9 || fail.Trace == nil || len(fail.Trace.Steps) == 0 {
		t.Errorf("the failing result: %+v", fail)
	}
	story, errOut, code := runCmd(t, "", "explain", files["json"], "--property", "a-never-in-time-wait", "--files", demo)
	if code != ExitOK || !strings.Contains(story, "Property a-never-in-time-wait is violated") || !strings.Contains(story, "RFC 9293") {
		t.Errorf("explain of the report: exit %d: %s\n%s", code, errOut, story)
	}
	_, errOut, code = runCmd(t, "", "explain", files["json"])
	if code != ExitUsage || !strings.Contains(errOut, "choose one with --property: a-never-in-time-wait, b-reaches-close-wait, a-time-wait-b-closed") {
		t.Errorf("explain of a report with three traces and no --property: exit %d: %s", code, errOut)
	}
	saved, _, code := runCmd(t, "", "explain", filepath.Join(dir, "traces", "a-never-in-time-wait.json"), "--files", demo)
	if code != ExitOK || saved != story {
		t.Errorf("the saved trace and the report's trace tell different stories")
	}

	// JUnit: one test case per property, the failure with its trace.
	var suites struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Suites   []struct {
			Cases []struct {
				Failure *struct {
					Text string `xml:",chardata"`
				} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	data, _ = os.ReadFile(files["junit"])
	if err := xml.Unmarshal(data, &suites); err != nil {
		t.Fatal(err)
	}
	if suites.Tests != 4 || suites.Failures != 1 || len(suites.Suites) != 1 || suites.Suites[0].Cases[1].Failure == nil ||
		!strings.Contains(suites.Suites[0].Cases[1].Failure.Text, "<SEQ=100><CTL=SYN>") {
		t.Errorf("JUnit: %+v", suites)
	}

	// SARIF: the result points at the property's line.
	var log struct {
		Version string `json:"version"`
		Runs    []struct {
			Tool struct {
				Driver struct {
					Rules []json.RawMessage `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Results []struct {
				RuleID    string `json:"ruleId"`
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct {
							URI string `json:"uri"`
						} `json:"artifactLocation"`
						Region struct {
							StartLine int `json:"startLine"`
						} `json:"region"`
					} `json:"physicalLocation"`
				} `json:"locations"`
				CodeFlows []json.RawMessage `json:"codeFlows"`
			} `json:"results"`
		} `json:"runs"`
	}
	data, _ = os.ReadFile(files["sarif"])
	if err := json.Unmarshal(data, &log); err != nil {
		t.Fatal(err)
	}
	if log.Version != "2.1.0" || len(log.Runs) != 1 || len(log.Runs[0].Results) != 1 || len(log.Runs[0].Tool.Driver.Rules) != 4 {
		t.Fatalf("SARIF: %+v", log)
	}
	res := log.Runs[0].Results[0]
	loc := res.Locations[0].PhysicalLocation
	if res.RuleID != "a-never-in-time-wait" || loc.ArtifactLocation.URI != demo || loc.Region.StartLine != 9 || len(res.CodeFlows) != 1 {
		t.Errorf("SARIF result: %+v", res)
	}
}

func TestVerifyExitCodes(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"holds", []string{"--property", "no-duplicates"}, ExitOK, "Verified: 1 property"},
		{"expected violation", []string{"--property", "b-reaches-close-wait,a-time-wait-b-closed"}, ExitOK, "Verified: 2 properties"},
		{"violated", []string{"--property", "a-never-in-time-wait"}, ExitViolated, "FAIL"},
		{"inconclusive", []string{"--property", "no-duplicates,a-time-wait-b-closed", "--max-states", "50"}, ExitInconclusive, "nothing is verified"},
		{"violation beats inconclusive", []string{"--max-states", "2000"}, ExitViolated, "INCONCLUSIVE"},
		{"depth bound", []string{"--property", "no-duplicates", "--max-depth", "3"}, ExitInconclusive, "INCONCLUSIVE"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, errOut, code := runCmd(t, "", append([]string{"verify", demo}, tc.args...)...)
			if code != tc.code || !strings.Contains(out, tc.want) {
				t.Errorf("exit %d (want %d), stderr %q\n%s", code, tc.code, errOut, out)
			}
			if tc.code == ExitInconclusive && strings.Contains(out, "Verified") {
				t.Error("an inconclusive run says Verified")
			}
		})
	}
}

func TestVerifyInconclusiveGolden(t *testing.T) {
	out, _, code := runCmd(t, "", "verify", demo, "--property", "no-duplicates,a-time-wait-b-closed", "--max-states", "50")
	if code != ExitInconclusive {
		t.Fatalf("exit %d", code)
	}
	golden(t, "verify-inconclusive.text.golden", out)
}

func TestVerifyStatsAreMasked(t *testing.T) {
	for _, format := range []string{"text", "json", "junit"} {
		out, _, _ := runCmd(t, "", "verify", demo, "--stats", "--format", format, "--property", "no-duplicates")
		golden(t, "verify-stats."+format+".golden", mask(out))
	}
}

func TestVerifyUsageErrors(t *testing.T) {
	dir, empty := t.TempDir(), t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("properties:\n  - name: x\n    kind: invariant\n    formula: A.state == NOT-A-STATE\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"verify", bad}, bad + ":4:"},
		{[]string{"verify", filepath.Join(dir, "missing.yaml")}, "missing.yaml:1:1: cannot read"},
		{[]string{"verify", demo, "--format", "xml"}, `--format is "xml": expected one of text, json, junit, sarif, github`},
		{[]string{"verify", demo, "--variant", "rfc9999"}, `unknown variant "rfc9999"`},
		{[]string{"verify", demo, "--property", "nope"}, `no property "nope"`},
		{[]string{"verify", demo, "--model", "nope"}, `no model "nope"`},
		{[]string{"verify", demo, "--strategy", "random"}, `unknown strategy "random"`},
		{[]string{"verify", demo, "--max-memory", "lots"}, `"lots" is not a size`},
		{[]string{"verify", demo, "--max-memory", "99999999999999999999GiB"}, `--max-memory: "99999999999999999999GiB" is too large: the largest size accepted is 9223372036854775807 bytes`},
		{[]string{"verify", demo, "--max-states", "-1"}, "--max-states is -1"},
		{[]string{"verify", demo, "--max-time", "soon"}, `invalid argument "soon"`},
		{[]string{"verify", "../../docs/examples/handshake.yaml", "--model", "client-server"}, "nothing to check: no properties in ../../docs/examples/handshake.yaml with these filters"},
		{[]string{"verify", empty}, "nothing to check: no properties in " + empty},
	} {
		_, errOut, code := runCmd(t, "", tc.args...)
		if code != ExitUsage || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 and %q", tc.args, code, errOut, tc.want)
		}
	}
	// In GitHub format, problems in the files become annotations.
	out, _, code := runCmd(t, "", "verify", bad, "--format", "github")
	if code != ExitUsage || !strings.HasPrefix(out, "::error file="+filepath.ToSlash(bad)+",line=4,") {
		t.Errorf("exit %d, %q", code, out)
	}
}

func TestParseBytes(t *testing.T) {
	for in, want := range map[string]int64{"4096": 4096, "1K": 1024, "512MiB": 512 << 20, "2GB": 2 << 30, "1.5g": 3 << 29} {
		if got, err := parseBytes(in); err != nil || got != want {
			t.Errorf("parseBytes(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "lots", "-1", "0", "3 parsecs"} {
		if _, err := parseBytes(in); err == nil {
			t.Errorf("parseBytes(%q) succeeded", in)
		}
	}
	// The largest size is exact; one byte more, in any spelling, is an
	// overflow and says so, not that the size is not positive.
	if got, err := parseBytes("9223372036854775807"); err != nil || got != math.MaxInt64 {
		t.Errorf("parseBytes(MaxInt64) = %d, %v", got, err)
	}
	if got, err := parseBytes("8388607T"); err != nil || got != 8388607<<40 {
		t.Errorf("parseBytes(8388607T) = %d, %v", got, err)
	}
	for _, in := range []string{"9223372036854775808", "8388608T", "99999999999999999999GiB", "9999999999999999999999999999999", "8388608.5T"} {
		_, err := parseBytes(in)
		if err == nil || !strings.Contains(err.Error(), "too large") || !strings.Contains(err.Error(), "9223372036854775807") {
			t.Errorf("parseBytes(%q) = %v; want an overflow naming the largest size", in, err)
		}
	}
}

func TestProgressLine(t *testing.T) {
	var b strings.Builder
	e := &env{stderr: &b}
	p := progressPrinter(e)
	p(checker.Progress{Generated: 1234567, Distinct: 800000, Queue: 12345, StatesPerSecond: 650000, Depth: 12, Elapsed: 1800 * time.Millisecond})
	for _, want := range []string{"1.23M generated", "800.0k distinct", "12.3k queued", "650.0k states/s", "1.8s elapsed"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("progress line %q lacks %q", b.String(), want)
		}
	}
	p(checker.Progress{Done: true})
	if !strings.HasSuffix(b.String(), "\r\x1b[K") {
		t.Error("the progress line is not cleared at the end")
	}
}

func TestGraphTraceLive(t *testing.T) {
	live, errOut, code := runCmd(t, "", "graph", demo, "--kind", "trace", "--property", "a-never-in-time-wait")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	dir := t.TempDir()
	if _, errOut, code := runCmd(t, "", "verify", demo, "--save-traces", dir); code != ExitViolated {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	saved, _, _ := runCmd(t, "", "graph", demo, "--kind", "trace", "--trace", filepath.Join(dir, "a-never-in-time-wait.json"))
	if live != saved {
		t.Error("a live trace and a saved one draw differently")
	}
	_, errOut, code = runCmd(t, "", "graph", demo, "--kind", "trace", "--property", "no-duplicates")
	if code != ExitUsage || !strings.Contains(errOut, "property no-duplicates has no trace to draw: it holds in all 744556 reachable states\n") {
		t.Errorf("exit %d: %s", code, errOut)
	}
}

func TestDocsExampleVerifiesAndDrawsWhole(t *testing.T) {
	const example = "../../docs/examples/handshake.yaml"
	if _, errOut, code := runCmd(t, "", "verify", example); code != ExitOK {
		t.Fatalf("verify %s: exit %d: %s", example, code, errOut)
	}
	out, errOut, code := runCmd(t, "", "graph", example, "--kind", "reachable", "--model", "handshake")
	if code != ExitOK || errOut != "" || strings.Contains(out, "CUT") {
		t.Errorf("graph of the example: exit %d: %s", code, errOut)
	}
	// The README says how many states the drawing has.
	n := regexp.MustCompile(`: (\d+) states, \d+ transitions`).FindStringSubmatch(out)
	readme, err := os.ReadFile("../../README.md")
	if err != nil || n == nil {
		t.Fatalf("no state count in the graph, or no README: %v", err)
	}
	if want := "the " + n[1] + " states of\n  [docs/examples/handshake.yaml]"; !strings.Contains(string(readme), want) {
		t.Errorf("the README does not say %q", want)
	}
}

// TestVerifyNecessityNamesTheModelsVariant checks that a necessity claim is
// reported on its model's own variant: the counterexample runs on the
// mutant, but the claim is about the unmodified protocol.
func TestVerifyNecessityNamesTheModelsVariant(t *testing.T) {
	out, errOut, code := runCmd(t, "", "verify", "--property", "time-wait-necessary")
	if code != ExitOK {
		t.Fatalf("exit %d, stderr %q\n%s", code, errOut, out)
	}
	if !strings.Contains(out, "(necessity on delayed-segments, variant rfc9293)") || !strings.Contains(out, "mutation no-time-wait") {
		t.Errorf("the necessity result does not name rfc9293 and the mutation:\n%s", out)
	}
}

// TestVerifyMutationThatDoesNotFitIsAnInputError checks that a necessity
// claim whose mutation does not apply to the chosen variant (TIME-WAIT
// removed from a table without it) is exit 2, an input error, not 4.
func TestVerifyMutationThatDoesNotFitIsAnInputError(t *testing.T) {
	out, errOut, code := runCmd(t, "", "verify", "--variant", "no-time-wait", "--property", "time-wait-necessary")
	if code != ExitUsage || !strings.Contains(out, "cannot remove state TIME-WAIT") {
		t.Errorf("exit %d (want %d), stderr %q\n%s", code, ExitUsage, errOut, out)
	}
}

// Only the first maxLoadErrors problems are printed (or annotated), then
// how many more there are: 100,000 copies of one property once printed
// 11.7 MB of errors.
func TestVerifyLoadErrorsAreCapped(t *testing.T) {
	var b strings.Builder
	b.WriteString("properties:\n  - &p {name: dup, kind: invariant, formula: A.closed}\n")
	for i := 0; i < 100; i++ {
		b.WriteString("  - *p\n")
	}
	path := filepath.Join(t.TempDir(), "dups.yaml")
	writeTestFile(t, path, b.String())
	_, errOut, code := runCmd(t, "", "verify", path)
	lines := strings.Split(strings.TrimRight(errOut, "\n"), "\n")
	if code != ExitUsage || len(lines) != 1+maxLoadErrors+1 || lines[0] != "tcpcheck: 100 problems in the property files:" ||
		lines[len(lines)-1] != "  and 80 more (only the first 20 are shown)" {
		t.Errorf("exit %d, %d lines:\n%s", code, len(lines), errOut)
	}
	out, _, code := runCmd(t, "", "verify", path, "--format", "github")
	lines = strings.Split(strings.TrimRight(out, "\n"), "\n")
	if code != ExitUsage || len(lines) != maxLoadErrors+1 || !strings.HasPrefix(lines[0], "::error file=") ||
		lines[len(lines)-1] != "tcpcheck: and 80 more problems in the property files (only the first 20 are annotated)" {
		t.Errorf("github: exit %d, %d lines:\n%s", code, len(lines), out)
	}
}

// TestMutantsSaysWhatItSkips: --mutants runs mutants only, and names the
// selected properties it skipped for having none.
func TestMutantsSaysWhatItSkips(t *testing.T) {
	out, errOut, code := runCmd(t, "", "verify", "--mutants", "testdata/props/mutants.yaml")
	if code != ExitOK || !strings.Contains(out, "with-mutant") || strings.Contains(out, "without-mutant") {
		t.Errorf("exit %d, stdout:\n%s", code, out)
	}
	if want := "tcpcheck: --mutants: skipped 1 property with no mutant: without-mutant\n"; errOut != want {
		t.Errorf("stderr %q, want %q", errOut, want)
	}
	_, errOut, code = runCmd(t, "", "verify", "--mutants", "--property", "without-mutant", "testdata/props/mutants.yaml")
	if want := "nothing to check: --mutants runs each property's mutant, and 1 property selected has none: without-mutant"; code != ExitUsage || !strings.Contains(errOut, want) {
		t.Errorf("exit %d, stderr %q, want %q", code, errOut, want)
	}
	_, errOut, _ = runCmd(t, "", "verify", "--mutants", "--property", "no-half-open")
	if errOut != "" {
		t.Errorf("a property with a mutant: stderr %q", errOut)
	}
}

// TestSingularWording: one inconclusive property is "it", and a trace of
// one step is "1 step".
func TestSingularWording(t *testing.T) {
	out, _, code := runCmd(t, "", "verify", "--property", "no-half-open", "--max-states", "10")
	if want := "Inconclusive: 1 property was not decided, so nothing is verified about it ("; code != ExitInconclusive || !strings.Contains(out, want) {
		t.Errorf("exit %d, output lacks %q:\n%s", code, want, out)
	}
	dir := t.TempDir()
	props := filepath.Join(dir, "one.yaml")
	if err := os.WriteFile(props, []byte(`properties:
  - name: a-opens-at-once
    model: client-server
    kind: invariant
    formula: A.state == CLOSED
    expect: violated
`), 0o644); err != nil {
		t.Fatal(err)
	}
	out, _, code = runCmd(t, "", "verify", props)
	if want := "a state breaks it after 1 step\n"; code != ExitOK || !strings.Contains(out, want) {
		t.Errorf("exit %d, output lacks %q:\n%s", code, want, out)
	}
}

// TestReferenceModel: the built-in reference model is for graph; verify
// neither completes it nor takes it, and says why.
func TestReferenceModel(t *testing.T) {
	out, _, _ := runCmd(t, "", "__complete", "verify", "--model", "")
	if strings.Contains(out, "reference") || !strings.Contains(out, "client-server") {
		t.Errorf("verify --model completes:\n%s", out)
	}
	out, _, _ = runCmd(t, "", "__complete", "graph", "--model", "")
	if !strings.Contains(out, "reference") {
		t.Errorf("graph --model completes:\n%s", out)
	}
	_, errOut, code := runCmd(t, "", "verify", "--model", "reference")
	if want := `no model "reference" in the property files: reference is built in for graph --kind reachable`; code != ExitUsage || !strings.Contains(errOut, want) {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}

// TestChartMarksTheBreak: the chart of TIME-WAIT assassination marks the
// step that breaks the property and the delayed segment behind it (B's
// ACK of step 6, delivered in step 10), and renders at a readable size.
func TestChartMarksTheBreak(t *testing.T) {
	out, errOut, code := runCmd(t, "", "graph", "--kind", "trace", "--property", "time-wait-assassination")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{
		`label="<SEQ=301><ACK=102><CTL=ACK>  ⟵ delayed until step 10"`,
		`“connection reset”\n✗ breaks time-wait-assassination"`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the chart lacks %s", want)
		}
	}
	if n := strings.Count(out, "delayed until"); n != 1 {
		t.Errorf("%d segments marked delayed; want 1", n)
	}
	requireDot(t)
	svg, _, code := runCmd(t, "", "graph", "--kind", "trace", "--property", "time-wait-assassination", "-T", "svg")
	m := regexp.MustCompile(`<svg width="([0-9]+)pt" height="([0-9]+)pt"`).FindStringSubmatch(svg)
	if code != ExitOK || m == nil {
		t.Fatalf("exit %d, no size in the SVG", code)
	}
	w, _ := strconv.Atoi(m[1])
	h, _ := strconv.Atoi(m[2])
	if w < 400 || w > 1000 || h < 600 || h > 1400 {
		t.Errorf("the chart is %d x %d points; want 400-1000 wide and 600-1400 high", w, h)
	}
}

// TestVerifyVacuous: a vacuous pass fails the run, says why in text and
// is marked in JSON; vacuous: expected makes it pass, still marked.
func TestVerifyVacuous(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "vacuous.yaml")
	const src = `properties:
  - name: listen-on-the-active-side
    model: handshake
    kind: leads-to
    formula: A.state == LISTEN ~> A.state == CLOSED
models:
  - name: handshake
    a: {open: active}
    b: {open: passive}
    network: {capacity: 1}
`
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := runCmd(t, "", "verify", file)
	if code != ExitViolated || !strings.Contains(out, "holds only vacuously, which proves nothing (say vacuous: expected if that is meant): holds vacuously: no reachable state satisfies P") {
		t.Errorf("exit %d, want %d:\n%s%s", code, ExitViolated, out, errOut)
	}
	js, _, _ := runCmd(t, "", "verify", file, "--format", "json")
	if !strings.Contains(js, `"vacuous": true`) || !strings.Contains(js, `"status": "fail"`) {
		t.Errorf("JSON does not mark the vacuous failure:\n%s", js)
	}
	meant := strings.Replace(src, "A.state == CLOSED\n", "A.state == CLOSED\n    vacuous: expected\n", 1)
	if err := os.WriteFile(file, []byte(meant), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errOut, code = runCmd(t, "", "verify", file)
	if code != ExitOK || !strings.Contains(out, "holds vacuously") {
		t.Errorf("with vacuous: expected, exit %d, want 0:\n%s%s", code, out, errOut)
	}
	js, _, _ = runCmd(t, "", "verify", file, "--format", "json")
	if !strings.Contains(js, `"vacuous": true,`) || !strings.Contains(js, `"vacuous_expected": true`) || !strings.Contains(js, `"status": "pass"`) {
		t.Errorf("JSON of the meant vacuous pass:\n%s", js)
	}
}
