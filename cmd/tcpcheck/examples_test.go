package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// exampleExit lists the --help examples that are meant to end with an
// exit code other than 0; every other example must succeed.
var exampleExit = map[string]int{
	// RFC 1337's fix makes the expected assassination impossible.
	"tcpcheck verify --variant rfc1337 --property time-wait-assassination": ExitViolated,
	// Linux's ABORT sends RST,ACK, which RFC 9293 does not.
	"tcpcheck conform --vantage client --chart charts --html conform.html testdata/captures/corpus/abort.client.pcap": ExitViolated,
}

// myProperties is the property file of the README's "Writing a property",
// which the examples call my-properties.yaml.
func myProperties(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range fence.FindAllStringSubmatch(string(data), -1) {
		if m[1] == "yaml" && strings.Contains(m[2], "never-both-in-time-wait") {
			return m[2]
		}
	}
	t.Fatal("README.md has no yaml block defining never-both-in-time-wait")
	return ""
}

// shellCommand is a shell with tcpcheck (this test binary, running main)
// first on its PATH, working in a fresh directory that has the README's
// my-properties.yaml and the repository's docs and properties.
func shellDir(t *testing.T) (dir string, env []string) {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	bin := t.TempDir()
	script := "#!/bin/sh\n" + childEnv + "=1 exec '" + exe + "' \"$@\"\n"
	if err := os.WriteFile(filepath.Join(bin, "tcpcheck"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	dir = repoDir(t)
	if err := os.WriteFile(filepath.Join(dir, "my-properties.yaml"), []byte(myProperties(t)), 0o644); err != nil {
		t.Fatal(err)
	}
	env = append(os.Environ(), "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"), "NO_COLOR=1")
	return dir, env
}

// runShell runs one command line in dir and returns its combined output
// and exit code.
func runShell(t *testing.T, dir string, env []string, line string) (string, int) {
	t.Helper()
	cmd := exec.Command("sh", "-c", line)
	cmd.Dir, cmd.Env = dir, env
	out, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); ok {
		return string(out), ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return string(out), 0
}

// TestHelpExamples runs every example of every command's --help, in
// order, as a shell would: each command's examples in a directory of
// their own, where the earlier examples' files (report.json, traces/) are
// there for the later ones.
func TestHelpExamples(t *testing.T) {
	requireDot(t)
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("no sh to run the examples")
	}
	root := newRootCmd(newEnv(nil, nil, nil))
	var cmds []*cobra.Command
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c.Example != "" {
			cmds = append(cmds, c)
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	if len(cmds) < 4 {
		t.Fatalf("found examples in %d commands; verify, graph, spec and explain have them", len(cmds))
	}
	n := 0
	for _, c := range cmds {
		t.Run(c.Name(), func(t *testing.T) {
			dir, env := shellDir(t)
			for _, line := range strings.Split(c.Example, "\n") {
				line = strings.TrimSpace(line)
				if line == "" {
					continue
				}
				n++
				out, code := runShell(t, dir, env, line)
				if want := exampleExit[line]; code != want {
					t.Errorf("$ %s\nexit %d, want %d:\n%s", line, code, want, out)
				}
			}
		})
	}
	if n < 15 {
		t.Errorf("ran %d examples; expected more", n)
	}
}

// ciWorkflow returns the "tcpcheck verify" command of the README's
// GitHub Actions workflow, as one line.
func ciWorkflow(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`(?m)^ *run: >\n((?: {10}.*\n)+)`)
	for _, m := range fence.FindAllStringSubmatch(string(data), -1) {
		if m[1] != "yaml" || !strings.Contains(m[2], "runs-on:") {
			continue
		}
		for _, r := range re.FindAllStringSubmatch(m[2], -1) {
			line := strings.Join(strings.Fields(r[1]), " ")
			if strings.HasPrefix(line, "tcpcheck verify") {
				return line
			}
		}
	}
	t.Fatal("README.md has no workflow with a folded run: tcpcheck verify step")
	return ""
}

// TestCIWorkflowExample runs the README's CI command on the README's own
// property file, and checks that it writes what the workflow uploads.
func TestCIWorkflowExample(t *testing.T) {
	line := ciWorkflow(t)
	if !strings.Contains(line, "my-properties.yaml") {
		t.Fatalf("the workflow runs %q; the test expects it to name my-properties.yaml", line)
	}
	dir, env := shellDir(t)
	out, code := runShell(t, dir, env, line)
	if code != ExitOK {
		t.Fatalf("$ %s\nexit %d:\n%s", line, code, out)
	}
	for _, f := range []string{"tcpcheck.sarif", "tcpcheck.xml", "traces/never-both-in-time-wait.json"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("the workflow uploads %s, which the command did not write: %v", f, err)
		}
	}
	// The workflow's explain line retells a saved trace.
	out, code = runShell(t, dir, env, "tcpcheck explain traces/never-both-in-time-wait.json --files my-properties.yaml --no-text-chart")
	if code != ExitOK || !strings.Contains(out, "never-both-in-time-wait") {
		t.Errorf("explain of the saved trace: exit %d:\n%s", code, out)
	}
}
