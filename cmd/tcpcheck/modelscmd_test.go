package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tcpcheck/tcpcheck/checker"
	"github.com/tcpcheck/tcpcheck/properties"
)

func TestModelsListGolden(t *testing.T) {
	out, errOut, code := runCmd(t, "", "models")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	golden(t, "models.txt.golden", out)
}

func TestModelsPrintGolden(t *testing.T) {
	out, errOut, code := runCmd(t, "", "models", "delayed-segments")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	golden(t, "models-delayed-segments.yaml.golden", out)
}

// TestModelsRoundTrip prints every default model, loads the output back
// under a new name, and checks that the two explore the same number of
// states: nothing the model inherits or defaults is lost.
func TestModelsRoundTrip(t *testing.T) {
	s, err := properties.LoadDefault()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, m := range s.Models {
		out, errOut, code := runCmd(t, "", "models", m.Name, "--as", "copy-of-"+m.Name)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", m.Name, code, errOut)
		}
		for _, key := range []string{"variant:", "capacity:", "reorder:", "loss:", "duplicates:", "retries:", "user-timeout:", "reopens:", "reuse-isn:", "a: {open:", "b: {open:"} {
			if !strings.Contains(out, key) {
				t.Errorf("%s: output lacks %q:\n%s", m.Name, key, out)
			}
		}
		path := filepath.Join(dir, m.Name+".yaml")
		if err := os.WriteFile(path, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
		back, err := properties.Load([]string{path})
		if err != nil {
			t.Fatalf("%s: the output does not load: %v\n%s", m.Name, err, out)
		}
		var copied *properties.Model
		for _, bm := range back.Models {
			if bm.Name == "copy-of-"+m.Name {
				copied = bm
			}
		}
		if copied == nil {
			t.Fatalf("%s: the output defines no model copy-of-%s", m.Name, m.Name)
		}
		want, got := distinct(t, m.Model), distinct(t, copied.Model)
		if got != want {
			t.Errorf("%s: %d states, but its printed copy has %d", m.Name, want, got)
		}
	}
}

func distinct(t *testing.T, m checker.Model) int {
	t.Helper()
	rep, err := checker.Check(m, nil, checker.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return rep.Stats.Distinct
}

func TestModelsErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"models", "nope"}, `unknown model "nope" (expected one of client-server,`},
		{[]string{"models", "--as", "x"}, "--as renames the model printed: give a model NAME"},
		{[]string{"models", "a", "b"}, "accepts at most 1 arg"},
		{[]string{"models", "--files", "missing.yaml"}, "missing.yaml"},
	} {
		_, errOut, code := runCmd(t, "", tc.args...)
		if code != 2 || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 and %q", tc.args, code, errOut, tc.want)
		}
	}
}
