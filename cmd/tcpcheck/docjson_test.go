package main

import (
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// TestOutputFormatsJSONExample checks the JSON example of
// docs/output-formats.md against a real run of the command the page says
// printed it: the same keys everywhere, and the same values, except
// those that vary from run to run and an object cut short with
// "...": "...".
func TestOutputFormatsJSONExample(t *testing.T) {
	data, err := os.ReadFile("../../docs/output-formats.md")
	if err != nil {
		t.Fatal(err)
	}
	page := string(data)
	i := strings.Index(page, "## json")
	if i < 0 {
		t.Fatal("docs/output-formats.md has no json section")
	}
	m := regexp.MustCompile("(?s)This is what\\s+`(tcpcheck [^`]+)`.*?```json\n(.*?)```").FindStringSubmatch(page[i:])
	if m == nil {
		t.Fatal("the json section has no \"This is what `tcpcheck ...`\" before its example")
	}
	args := strings.Fields(m[1])[1:]
	var doc any
	if err := json.Unmarshal([]byte(m[2]), &doc); err != nil {
		t.Fatalf("the example is not JSON: %v", err)
	}
	out, errOut, code := runCmd(t, "", args...)
	if code != ExitOK && code != ExitViolated {
		t.Fatalf("tcpcheck %s: exit %d: %s", m[1], code, errOut)
	}
	var real any
	if err := json.Unmarshal([]byte(out), &real); err != nil {
		t.Fatal(err)
	}
	for _, d := range diffJSON("", doc, real) {
		t.Errorf("the example differs from a run of %s: %s", m[1], d)
	}
}

// varying are the fields whose values change from run to run.
var varying = map[string]bool{"version": true, "elapsed_seconds": true, "states_per_second": true, "store_bytes": true, "bytes_per_state": true}

// diffJSON lists where doc, the documented value, disagrees with real.
func diffJSON(path string, doc, real any) []string {
	switch d := doc.(type) {
	case map[string]any:
		r, ok := real.(map[string]any)
		if !ok {
			return []string{fmt.Sprintf("%s: the page shows an object, the run gives %v", path, real)}
		}
		var out []string
		_, cut := d["..."]
		var keys []string
		for k := range d {
			keys = append(keys, k)
		}
		for k := range r {
			if _, ok := d[k]; !ok {
				if !cut {
					out = append(out, fmt.Sprintf("%s.%s: in the run, not on the page", path, k))
				}
			}
		}
		sort.Strings(keys)
		for _, k := range keys {
			if k == "..." {
				continue
			}
			rv, ok := r[k]
			if !ok {
				out = append(out, fmt.Sprintf("%s.%s: on the page, not in the run", path, k))
				continue
			}
			if varying[k] {
				if reflect.TypeOf(rv) != reflect.TypeOf(d[k]) {
					out = append(out, fmt.Sprintf("%s.%s: the page shows %v, the run gives %v", path, k, d[k], rv))
				}
				continue
			}
			out = append(out, diffJSON(path+"."+k, d[k], rv)...)
		}
		sort.Strings(out)
		return out
	case []any:
		r, ok := real.([]any)
		if !ok || len(r) != len(d) {
			return []string{fmt.Sprintf("%s: the page shows %d elements, the run gives %v", path, len(d), real)}
		}
		var out []string
		for i := range d {
			out = append(out, diffJSON(fmt.Sprintf("%s[%d]", path, i), d[i], r[i])...)
		}
		return out
	}
	if !reflect.DeepEqual(doc, real) {
		return []string{fmt.Sprintf("%s: the page shows %v, the run gives %v", path, doc, real)}
	}
	return nil
}
