package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// TestInitRunsAsWritten writes the starter files, checks the property
// file (exit 0), and runs every tcpcheck command line of the workflow as
// written: each names a command and flags that exist, and passes.
func TestInitRunsAsWritten(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	out, errOut, code := runCmd(t, "", "init")
	if code != 0 {
		t.Fatalf("init: exit %d: %s", code, errOut)
	}
	for _, f := range initFiles() {
		if !strings.Contains(out, "wrote "+f.path) {
			t.Errorf("init does not say it wrote %s: %q", f.path, out)
		}
		if _, err := os.Stat(f.path); err != nil {
			t.Error(err)
		}
	}
	if _, errOut, code := runCmd(t, "", "verify", "tcpcheck.yaml"); code != 0 {
		t.Fatalf("verify tcpcheck.yaml: exit %d: %s", code, errOut)
	}

	data, err := os.ReadFile(filepath.Join(".github", "workflows", "tcpcheck.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var wf struct {
		Name string `yaml:"name"`
		On   any    `yaml:"on"`
		Jobs map[string]struct {
			RunsOn string `yaml:"runs-on"`
			Steps  []struct {
				Uses string `yaml:"uses"`
				Run  string `yaml:"run"`
			} `yaml:"steps"`
		} `yaml:"jobs"`
	}
	if err := yaml.Unmarshal(data, &wf); err != nil {
		t.Fatalf("the workflow is not YAML: %v", err)
	}
	if wf.On == nil || len(wf.Jobs) == 0 {
		t.Fatalf("the workflow has no trigger or no job: %+v", wf)
	}
	ran := 0
	for _, job := range wf.Jobs {
		for _, st := range job.Steps {
			fields := strings.Fields(st.Run)
			if len(fields) == 0 || fields[0] != "tcpcheck" {
				continue
			}
			ran++
			_, errOut, code := runCmd(t, "", fields[1:]...)
			if code != 0 {
				t.Errorf("workflow step %q: exit %d: %s", st.Run, code, errOut)
			}
		}
	}
	if ran == 0 {
		t.Fatal("the workflow runs no tcpcheck command")
	}
	if _, err := os.Stat("tcpcheck.xml"); err != nil {
		t.Errorf("the workflow's verify did not write the JUnit report it uploads: %v", err)
	}
}

func TestInitRefusesToOverwrite(t *testing.T) {
	dir := t.TempDir()
	wf := filepath.Join(dir, ".github", "workflows", "tcpcheck.yml")
	if err := os.MkdirAll(filepath.Dir(wf), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(wf, []byte("mine\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, errOut, code := runCmd(t, "", "init", "--dir", dir)
	if code != 2 || !strings.Contains(errOut, "tcpcheck.yml exists") || !strings.Contains(errOut, "--force") {
		t.Errorf("exit %d, stderr %q; want exit 2 naming the file and --force", code, errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, "tcpcheck.yaml")); err == nil {
		t.Error("init wrote tcpcheck.yaml although it refused to overwrite the workflow")
	}
	if b, _ := os.ReadFile(wf); string(b) != "mine\n" {
		t.Error("init changed the existing workflow")
	}
	if _, errOut, code := runCmd(t, "", "init", "--dir", dir, "--force"); code != 0 {
		t.Fatalf("--force: exit %d: %s", code, errOut)
	}
	if b, _ := os.ReadFile(wf); string(b) != starterWorkflow {
		t.Error("init --force did not overwrite the workflow")
	}
	if _, errOut, code := runCmd(t, "", "init", "--dir", filepath.Join(dir, "missing")); code != 2 || !strings.Contains(errOut, "--dir") {
		t.Errorf("missing --dir: exit %d, stderr %q; want exit 2 naming --dir", code, errOut)
	}
}
