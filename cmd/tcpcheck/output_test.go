package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// writeFile writes a file a test needs.
func writeTestFile(t *testing.T, path, data string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// dirNames lists a directory's entries, temporaries included.
func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	return names
}

// A bad output path is reported before any work: before the property
// files are even loaded, so a broken file does not hide it, and with the
// flag and the path named.
func TestVerifyChecksOutputsFirst(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	writeTestFile(t, bad, "properties:\n  - name: x\n    kind: nonsense\n")
	notDir := filepath.Join(dir, "file")
	writeTestFile(t, notDir, "")
	missing := filepath.Join(dir, "nonexistent", "x.txt")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-o", missing}, "-o " + missing + ": the directory " + filepath.Join(dir, "nonexistent") + " does not exist"},
		{[]string{"--json", missing}, "--json " + missing + ": the directory"},
		{[]string{"--junit", filepath.Join(notDir, "x.xml")}, "--junit " + filepath.Join(notDir, "x.xml") + ": " + notDir + " is not a directory"},
		{[]string{"--sarif", dir}, "--sarif " + dir + " is a directory: expected the path of a file to write"},
		{[]string{"--save-traces", notDir}, "--save-traces " + notDir + " is not a directory"},
		{[]string{"--save-traces", filepath.Join(notDir, "traces")}, "--save-traces " + filepath.Join(notDir, "traces") + ": " + notDir + " is not a directory"},
	} {
		args := append([]string{"verify", bad}, tc.args...)
		out, errOut, code := runCmd(t, "", args...)
		if code != ExitUsage || !strings.Contains(errOut, tc.want) || out != "" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit 2 and %q", args, code, out, errOut, tc.want)
		}
		if strings.Contains(errOut, "bad.yaml") {
			t.Errorf("%v: the property file was loaded before the outputs were checked: %s", args, errOut)
		}
	}
	if got := dirNames(t, dir); strings.Join(got, " ") != "bad.yaml file" {
		t.Errorf("the checks left files behind: %v", got)
	}
}

// A directory that does not take new files is found before the search.
func TestVerifyUnwritableOutputDirectory(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ro")
	if err := os.Mkdir(dir, 0o555); err != nil {
		t.Fatal(err)
	}
	if f, err := os.CreateTemp(dir, "probe"); err == nil {
		f.Close()
		os.Remove(f.Name())
		t.Skip("this user may write in a read-only directory (root?)")
	}
	path := filepath.Join(dir, "r.json")
	_, errOut, code := runCmd(t, "", "verify", demo, "--json", path)
	if code != ExitUsage || !strings.Contains(errOut, "--json "+path+": cannot create files in the directory "+dir) {
		t.Errorf("exit %d: %s", code, errOut)
	}
}

// When one output cannot be written, none is: a file left from an earlier
// run keeps its contents, and no temporary file stays behind.
func TestVerifyOutputsAllOrNothing(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.json")
	writeTestFile(t, good, "earlier\n")
	traces := filepath.Join(dir, "traces")
	// A directory where a trace must go fails only when the traces are
	// written, after the search and after the other outputs.
	if err := os.MkdirAll(filepath.Join(traces, "b-reaches-close-wait.json"), 0o755); err != nil {
		t.Fatal(err)
	}
	_, errOut, code := runCmd(t, "", "verify", demo, "-o", good, "--format", "json", "--junit", filepath.Join(dir, "r.xml"), "--save-traces", traces)
	if code != ExitUsage || !strings.Contains(errOut, "--save-traces "+filepath.Join(traces, "b-reaches-close-wait.json")+" is a directory") {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if data, _ := os.ReadFile(good); string(data) != "earlier\n" {
		t.Errorf("-o file was rewritten by a run that failed: %q", data)
	}
	if got := dirNames(t, dir); strings.Join(got, " ") != "good.json traces" {
		t.Errorf("files left in %s: %v", dir, got)
	}
	if got := dirNames(t, traces); strings.Join(got, " ") != "b-reaches-close-wait.json" {
		t.Errorf("files left in %s: %v", traces, got)
	}
}

// The staged outputs of a run that fails are removed, and so is the
// directory of traces made for them.
func TestStagedDiscard(t *testing.T) {
	dir := t.TempDir()
	var st staged
	if err := st.add("-o", filepath.Join(dir, "a.txt"), []byte("a")); err != nil {
		t.Fatal(err)
	}
	if err := st.mkdir("--save-traces", filepath.Join(dir, "t", "u")); err != nil {
		t.Fatal(err)
	}
	if err := st.add("--save-traces", filepath.Join(dir, "t", "u", "p.json"), []byte("{}")); err != nil {
		t.Fatal(err)
	}
	if err := st.add("--json", filepath.Join(dir, "gone", "b.json"), []byte("b")); err == nil || !strings.Contains(err.Error(), "--json "+filepath.Join(dir, "gone", "b.json")) {
		t.Errorf("staging into a missing directory: %v", err)
	}
	st.discard()
	if got := dirNames(t, dir); len(got) != 0 {
		t.Errorf("discard left %v", got)
	}

	// Committed, the files have their contents and ordinary permissions.
	st = staged{}
	path := filepath.Join(dir, "c.txt")
	if err := st.add("-o", path, []byte("c")); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); err == nil {
		t.Error("the file exists before commit")
	}
	if err := st.commit(); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if data, _ := os.ReadFile(path); err != nil || string(data) != "c" || fi.Mode().Perm() != 0o644 {
		t.Errorf("committed file: %v %q", err, data)
	}
	if got := dirNames(t, dir); strings.Join(got, " ") != "c.txt" {
		t.Errorf("commit left %v", got)
	}
}

// Two outputs naming one file are an error before the search, however
// the path is spelled.
func TestVerifyOutputsNameOneFile(t *testing.T) {
	dir := t.TempDir()
	r := filepath.Join(dir, "r.json")
	link := filepath.Join(dir, "link.json")
	writeTestFile(t, r, "earlier\n")
	if err := os.Symlink(r, link); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "t"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-o", r, "--json", r}, "-o and --json both name " + r + ": each output needs a file of its own"},
		{[]string{"--junit", r, "--sarif", filepath.Join(dir, ".", "sub", "..", "r.json")}, "--junit and --sarif both name"},
		{[]string{"--json", r, "--sarif", link}, "--json " + r + " and --sarif " + link + " are the same file"},
		{[]string{"--json", filepath.Join(dir, "u"), "--save-traces", filepath.Join(dir, "u")}, "--json and --save-traces both name"},
		{[]string{"--json", filepath.Join(dir, "t", "a-never-in-time-wait.json"), "--save-traces", filepath.Join(dir, "t")}, "is where --save-traces saves the trace of property a-never-in-time-wait"},
	} {
		args := append([]string{"verify", demo}, tc.args...)
		_, errOut, code := runCmd(t, "", args...)
		if code != ExitUsage || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 and %q", args, code, errOut, tc.want)
		}
	}
	if data, _ := os.ReadFile(r); string(data) != "earlier\n" {
		t.Errorf("the file was written: %q", data)
	}
}

// Properties whose names differ only in case save their traces in files
// that differ in more than case, so that neither is lost on a file system
// that ignores case; the text report names the file each is in.
func TestSaveTracesNamesAreUnique(t *testing.T) {
	dir := t.TempDir()
	props := filepath.Join(dir, "p.yaml")
	writeTestFile(t, props, `properties:
  - name: foo
    kind: invariant
    formula: A.state != TIME-WAIT
  - name: Foo
    kind: invariant
    formula: B.state != CLOSE-WAIT
`)
	traces := filepath.Join(dir, "traces")
	out, errOut, code := runCmd(t, "", "verify", props, "--save-traces", traces)
	if code != ExitViolated {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if got := dirNames(t, traces); strings.Join(got, " ") != "Foo.json foo-2.json" {
		t.Fatalf("traces saved as %v, want Foo.json and foo-2.json", got)
	}
	for file, prop := range map[string]string{"Foo.json": "Foo", "foo-2.json": "foo"} {
		story, errOut, code := runCmd(t, "", "explain", filepath.Join(traces, file), "--files", props, "--no-text-chart")
		if code != ExitOK || !strings.HasPrefix(story, "Property "+prop+" is violated") {
			t.Errorf("%s: exit %d: %s%s", file, code, errOut, story)
		}
		if !strings.Contains(out, "tcpcheck explain DIR/"+file+" --files "+props+",") {
			t.Errorf("the text report does not point at %s:\n%s", file, out)
		}
	}
}

// graph -o and explain -o check their file before drawing, and
// leave nothing but the file behind.
func TestGraphAndChartOutputs(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "nonexistent", "g.dot")
	_, errOut, code := runCmd(t, "", "graph", "--kind", "trace", "--trace", filepath.Join(dir, "no-trace.json"), "-o", missing)
	if code != ExitUsage || !strings.Contains(errOut, "-o "+missing+": the directory") {
		t.Errorf("graph: exit %d: %s", code, errOut)
	}
	_, errOut, code = runCmd(t, "", "explain", filepath.Join(dir, "no-trace.json"), "-o", missing)
	if code != ExitUsage || !strings.Contains(errOut, "-o "+missing+": the directory") {
		t.Errorf("explain: exit %d: %s", code, errOut)
	}
	_, errOut, code = runCmd(t, "", "explain", "testdata/trace-faults.json", "--files", faultsFile, "--output", dir)
	if code != ExitUsage || !strings.Contains(errOut, "cannot tell the image format") {
		t.Errorf("explain --output DIR: exit %d: %s", code, errOut)
	}
	_, errOut, code = runCmd(t, "", "explain", "testdata/trace-faults.json", "--files", faultsFile, "-o", dir, "--format", "dot")
	if code != ExitUsage || !strings.Contains(errOut, "-o "+dir+" is a directory") {
		t.Errorf("explain -o DIR --format dot: exit %d: %s", code, errOut)
	}
	if _, errOut, code := runCmd(t, "", "graph", "-o", filepath.Join(dir, "g.dot")); code != ExitOK {
		t.Fatalf("graph: exit %d: %s", code, errOut)
	}
	if _, errOut, code := runCmd(t, "", "explain", "testdata/trace-faults.json", "--files", faultsFile, "-o", filepath.Join(dir, "c.dot")); code != ExitOK {
		t.Fatalf("explain: exit %d: %s", code, errOut)
	}
	// The old spellings still work, and draw the same chart.
	if _, errOut, code := runCmd(t, "", "explain", "testdata/trace-faults.json", "--files", faultsFile, "--chart", filepath.Join(dir, "old"), "--image-format", "dot"); code != ExitOK {
		t.Fatalf("explain --chart --image-format: exit %d: %s", code, errOut)
	}
	c, _ := os.ReadFile(filepath.Join(dir, "c.dot"))
	if old, _ := os.ReadFile(filepath.Join(dir, "old")); len(c) == 0 || string(old) != string(c) {
		t.Error("explain --chart --image-format dot draws another chart than -o c.dot")
	}
	help, _, _ := runCmd(t, "", "explain", "--help")
	if strings.Contains(help, "--chart string") || strings.Contains(help, "--image-format string") || !strings.Contains(help, "-o, --output") || !strings.Contains(help, "-T, --format") {
		t.Errorf("explain --help should list -T/--format and -o/--output only:\n%s", help)
	}
	if got := dirNames(t, dir); strings.Join(got, " ") != "c.dot g.dot old" {
		t.Errorf("files in %s: %v", dir, got)
	}
}

// TestBuiltinPropertyLocations: SARIF and GitHub annotations do not
// point a built-in property at defaults/properties.yaml, a path that is
// in tcpcheck's source and not in the user's repository; SARIF names the
// property by a logical location instead.
func TestBuiltinPropertyLocations(t *testing.T) {
	args := []string{"verify", "--variant", "rfc1337", "--property", "time-wait-assassination,half-open-after-crash"}
	sarif, _, code := runCmd(t, "", append(args, "--format", "sarif")...)
	if code != ExitViolated {
		t.Fatalf("exit %d", code)
	}
	golden(t, "verify-builtin.sarif.golden", sarif)
	var log struct {
		Runs []struct {
			Results []struct {
				RuleID    string
				Locations []struct {
					PhysicalLocation map[string]any
					LogicalLocations []struct{ Name, FullyQualifiedName string }
				}
			}
		}
	}
	if err := json.Unmarshal([]byte(sarif), &log); err != nil {
		t.Fatal(err)
	}
	if len(log.Runs) != 1 || len(log.Runs[0].Results) != 1 {
		t.Fatalf("expected one result (the failure): %s", sarif)
	}
	r := log.Runs[0].Results[0]
	if len(r.Locations) != 1 || r.Locations[0].PhysicalLocation != nil || len(r.Locations[0].LogicalLocations) != 1 ||
		r.Locations[0].LogicalLocations[0].Name != "time-wait-assassination" {
		t.Errorf("result %s is located at %+v; want no physical location and a logical one naming the property", r.RuleID, r.Locations)
	}
	if strings.Contains(sarif, `"uri": "defaults/`) {
		t.Error("the SARIF log points at defaults/, which the user's repository does not have")
	}
	gh, _, _ := runCmd(t, "", append(args, "--format", "github")...)
	golden(t, "verify-builtin.github.golden", gh)
	if strings.Contains(gh, "file=defaults") || !strings.Contains(gh, "::error title=tcpcheck%3A time-wait-assassination fail::built-in property (defaults/properties.yaml:") {
		t.Errorf("github annotations:\n%s", gh)
	}
}

// TestSARIFStepsPointAtSavedTrace: with --save-traces, each step of a
// SARIF code flow points at that step in the saved trace file, so code
// scanning walks through the counterexample line by line (without it,
// every step can only point at the property).
func TestSARIFStepsPointAtSavedTrace(t *testing.T) {
	dir := t.TempDir()
	sarifFile, traces := filepath.Join(dir, "r.sarif"), filepath.Join(dir, "traces")
	_, errOut, code := runCmd(t, "", "verify", demo, "--property", "a-never-in-time-wait",
		"-o", filepath.Join(dir, "r.txt"), "--sarif", sarifFile, "--save-traces", traces)
	if code != ExitViolated {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	data, err := os.ReadFile(sarifFile)
	if err != nil {
		t.Fatal(err)
	}
	var log struct {
		Runs []struct {
			Results []struct {
				CodeFlows []struct {
					ThreadFlows []struct {
						Locations []struct {
							Location struct {
								PhysicalLocation struct {
									ArtifactLocation struct{ URI string }
									Region           struct{ StartLine, StartColumn int }
								}
							}
							ExecutionOrder int
						}
					}
				}
			}
		}
	}
	if err := json.Unmarshal(data, &log); err != nil {
		t.Fatal(err)
	}
	if len(log.Runs) != 1 || len(log.Runs[0].Results) != 1 || len(log.Runs[0].Results[0].CodeFlows) != 1 {
		t.Fatalf("expected one result with a code flow: %s", data)
	}
	locs := log.Runs[0].Results[0].CodeFlows[0].ThreadFlows[0].Locations
	if len(locs) < 5 {
		t.Fatalf("the counterexample has %d steps; it has more", len(locs))
	}
	want := "file://" + filepath.ToSlash(filepath.Join(traces, "a-never-in-time-wait.json"))
	trace, err := os.ReadFile(filepath.Join(traces, "a-never-in-time-wait.json"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(trace), "\n")
	prev := 0
	for _, l := range locs {
		p := l.Location.PhysicalLocation
		if p.ArtifactLocation.URI != want {
			t.Fatalf("step %d points at %q, want %q", l.ExecutionOrder, p.ArtifactLocation.URI, want)
		}
		line, col := p.Region.StartLine, p.Region.StartColumn
		if line <= prev || line >= len(lines) || col < 1 || col > len(lines[line-1]) || lines[line-1][col-1] != '{' {
			t.Fatalf("step %d points at %d:%d, which is not the start of a later step", l.ExecutionOrder, line, col)
		}
		if got, want := strings.TrimSpace(lines[line]), fmt.Sprintf(`"n": %d,`, l.ExecutionOrder); got != want {
			t.Errorf("step %d points at %d:%d, whose next line is %q, want %q", l.ExecutionOrder, line, col, got, want)
		}
		prev = line
	}
}
