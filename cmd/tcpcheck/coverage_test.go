package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestVerifyCoverageGolden pins the coverage section of the text and JSON
// reports on the smallest default model.
func TestVerifyCoverageGolden(t *testing.T) {
	for _, format := range []string{"text", "json"} {
		out, errOut, code := runCmd(t, "", "verify", "--model", "host-crash", "--coverage", "--format", format)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", format, code, errOut)
		}
		golden(t, "verify-coverage."+format+".golden", out)
	}
}

// TestVerifyCoverageJSON checks the JSON coverage against itself: every
// row is fired or never fired, counts agree, a row the model must take
// fired, and the field is absent without --coverage.
func TestVerifyCoverageJSON(t *testing.T) {
	type row struct {
		ID    string `json:"id"`
		State string `json:"state"`
		Count int    `json:"count"`
	}
	var rep struct {
		Coverage []struct {
			Model      string `json:"model"`
			Rows       int    `json:"rows"`
			Fired      int    `json:"fired"`
			FiredRows  []row  `json:"fired_rows"`
			NeverFired []row  `json:"never_fired_rows"`
		} `json:"coverage"`
	}
	out, errOut, code := runCmd(t, "", "verify", "--model", "client-server", "--coverage", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Coverage) != 1 || rep.Coverage[0].Model != "client-server" {
		t.Fatalf("coverage %+v: want one entry, for client-server", rep.Coverage)
	}
	c := rep.Coverage[0]
	if c.Fired != len(c.FiredRows) || c.Rows != len(c.FiredRows)+len(c.NeverFired) || c.Fired == 0 || len(c.NeverFired) == 0 {
		t.Errorf("rows %d, fired %d, fired rows %d, never fired %d: inconsistent", c.Rows, c.Fired, len(c.FiredRows), len(c.NeverFired))
	}
	found := false
	for _, r := range c.FiredRows {
		if r.Count <= 0 {
			t.Errorf("fired row %s has count %d", r.ID, r.Count)
		}
		if !strings.HasPrefix(r.ID, r.State+"/") {
			t.Errorf("row %s is listed under state %s", r.ID, r.State)
		}
		found = found || r.ID == "CLOSED/connect"
	}
	if !found {
		t.Error("CLOSED/connect (an active open, arc 2) did not fire on client-server")
	}
	for _, r := range c.NeverFired {
		if r.Count != 0 {
			t.Errorf("never-fired row %s has count %d", r.ID, r.Count)
		}
	}
	plain, _, _ := runCmd(t, "", "verify", "--model", "client-server", "--format", "json")
	if strings.Contains(plain, `"coverage"`) {
		t.Error("the JSON report has coverage without --coverage")
	}
	text, _, _ := runCmd(t, "", "verify", "--model", "client-server")
	if strings.Contains(text, "coverage of model") {
		t.Error("the text report has coverage without --coverage")
	}
}
