package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tcpcheck/tcpcheck/checker"
	"github.com/tcpcheck/tcpcheck/graphs"
	"github.com/tcpcheck/tcpcheck/report"
)

// evil holds the escape sequences a hostile file might carry: clear the
// screen, paint red, retitle the window, and a bidirectional override.
const evil = "\x1b[2J\x1b[31m\x1b]0;pwned\x07\u202eevil"

// evilTrace saves faultTrace with evil in every text field that explain
// prints, and returns the file's path.
func evilTrace(t *testing.T, dir string) string {
	t.Helper()
	v := faultTrace(t)
	v.Property, v.Model, v.Message = "p"+evil, "m"+evil, "msg"+evil
	for i := range v.Steps {
		s := &v.Steps[i]
		s.Event, s.Note, s.Cite, s.Row, s.Classified = evil, evil, evil, evil, evil
		if s.Notice != "" {
			s.Notice = evil
		}
		for j := range s.Sent {
			s.Sent[j].Text = "<SEQ=1>" + evil
		}
		if s.Segment != nil {
			s.Segment.Text = "<SEQ=2>" + evil
		}
	}
	data, err := v.MarshalIndent()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "evil.json")
	writeTestFile(t, path, string(data))
	return path
}

// noControl fails the test if out holds a control character other than a
// line feed or a tab, or the bidirectional override.
func noControl(t *testing.T, what, out string) {
	t.Helper()
	for i, r := range out {
		if (r < 0x20 && r != '\n' && r != '\t') || r == 0x7f || r == '\u202e' {
			t.Errorf("%s: control character %q at byte %d: %q", what, r, i, out[max(0, i-20):min(len(out), i+20)])
			return
		}
	}
}

// Text from a saved trace reaches the terminal escaped: in the story, the
// text chart and DOT, and in error messages that quote the file. A trace
// with such text is refused, since the replay never writes it, so the
// renderers are given the view directly.
func TestExplainEscapesControlCharacters(t *testing.T) {
	dir := t.TempDir()
	path := evilTrace(t, dir)
	for _, args := range [][]string{{"explain", path}, {"graph", "--kind", "trace", "--trace", path}} {
		out, errOut, code := runCmd(t, "", args...)
		if code != ExitUsage || !strings.Contains(errOut, `property "p\x1b[2J\x1b[31m\x1b]0;pwned\a\u202eevil" is not in the property files read`) {
			t.Errorf("%s: exit %d: %q %q", args[0], code, out, errOut)
		}
		noControl(t, args[0]+"'s error", errOut)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	v, err := checker.DecodeTraceView(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	report.WriteStory(&b, v)
	report.WriteTextChart(&b, v)
	out := b.String()
	noControl(t, "the story", out)
	if !strings.Contains(out, `Property p\x1b[2J\x1b[31m\x1b]0;pwned\x07\u202eevil is violated on model m\x1b[2J`) {
		t.Errorf("the story does not show the escapes visibly:\n%s", out)
	}
	if !strings.Contains(out, `user is told "\x1b[2J`) {
		t.Errorf("a notice is not escaped once, within quotes:\n%s", out)
	}
	noControl(t, "DOT", report.EscapeText(string(graphs.DOT(graphs.Sequence(v)))))

	// A report whose property names hold escapes, asked for a property
	// it does not have: the error lists the names it has.
	v = faultTrace(t)
	v.Property = evil
	rep, err := json.Marshal(map[string]any{"schema": "tcpcheck/report/v1", "results": []any{map[string]any{"property": evil, "trace": v}}})
	if err != nil {
		t.Fatal(err)
	}
	reportPath := filepath.Join(dir, "report.json")
	writeTestFile(t, reportPath, string(rep))
	_, errOut, code := runCmd(t, "", "explain", reportPath, "--property", "x")
	if code != ExitUsage || !strings.Contains(errOut, `properties with one: \x1b[2J`) {
		t.Errorf("exit %d: %q", code, errOut)
	}
	noControl(t, "explain's error", errOut)
}

// A property named with escapes is a load error, and the error shows the
// name escaped.
func TestVerifyEscapesBadNames(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "p.yaml")
	writeTestFile(t, path, "properties:\n  - name: \"\\e[2J\\e[31mevil\"\n    kind: invariant\n    formula: A.closed\n")
	for _, format := range []string{"text", "github"} {
		out, errOut, code := runCmd(t, "", "verify", path, "--format", format)
		if code != ExitUsage || !strings.Contains(out+errOut, `p.yaml:2:11: property name "\x1b[2J\x1b[31mevil" holds '\x1b'`) {
			t.Errorf("%s: exit %d: %q %q", format, code, out, errOut)
		}
		noControl(t, format, out+errOut)
	}
	// A line of the file quoted under an error is escaped as well. (YAML
	// refuses C0 controls in a file, but not a bidirectional override.)
	writeTestFile(t, path, "properties:\n  - name: p\n    kind: invariant\n    formula: A.closed && \u202eB.closed\n")
	_, errOut, code := runCmd(t, "", "verify", path)
	if code != ExitUsage || !strings.Contains(errOut, `A.closed && \u202eB.closed`) {
		t.Errorf("exit %d: %q", code, errOut)
	}
	noControl(t, "a quoted line", errOut)
}
