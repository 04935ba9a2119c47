package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestVerifyHTML writes the demo report as HTML beside the text output,
// and compares it with its golden file.
func TestVerifyHTML(t *testing.T) {
	path := filepath.Join(t.TempDir(), "report.html")
	_, errOut, code := runCmd(t, "", "verify", demo, "--html", path)
	if code != ExitViolated {
		t.Fatalf("exit %d, want 1: %s", code, errOut)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "verify-demo.html.golden", string(data))
}

// TestExplainHTML writes one trace as HTML.
func TestExplainHTML(t *testing.T) {
	path := filepath.Join(t.TempDir(), "trace.html")
	_, errOut, code := runCmd(t, "", "explain", "testdata/trace-faults.json", "--files", "testdata/props/faults.yaml", "--html", path)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<title>tcpcheck explain: no-fault-scenario</title>", `id="trace-0"`, `class="chart"`, `class="diagram"`} {
		if !strings.Contains(string(data), want) {
			t.Errorf("the page lacks %s", want)
		}
	}
}

// TestHTMLOutputChecked refuses an --html path in a missing directory
// before any search, as every output file is.
func TestHTMLOutputChecked(t *testing.T) {
	path := filepath.Join(t.TempDir(), "missing", "report.html")
	_, errOut, code := runCmd(t, "", "verify", demo, "--html", path)
	if code != ExitUsage || !strings.Contains(errOut, "--html") {
		t.Fatalf("exit %d, want 2 naming --html: %s", code, errOut)
	}
	_, errOut, code = runCmd(t, "", "explain", "testdata/trace-faults.json", "--files", "testdata/props/faults.yaml", "--html", path)
	if code != ExitUsage || !strings.Contains(errOut, "--html") {
		t.Fatalf("explain: exit %d, want 2 naming --html: %s", code, errOut)
	}
}
