package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tcpcheck/tcpcheck/checker"
	"github.com/tcpcheck/tcpcheck/properties"
)

// result makes a property's result with the given verdict; matches says
// whether it is the expected one.
func result(name string, v checker.Verdict, matches bool) properties.Result {
	return properties.Result{
		Property: &properties.Property{Name: name, Kind: "invariant", ModelName: "m", Expect: checker.Holds},
		Outcome:  checker.Outcome{Property: name, Verdict: v, Message: "because"},
		Matches:  matches,
	}
}

func failed(name string, err error) properties.Result {
	return properties.Result{Property: &properties.Property{Name: name, Kind: "invariant", ModelName: "m"}, Err: err}
}

// TestExitCodePolicy: an error before a failure before an inconclusive
// result before success; an error in the input is 2, any other 4.
func TestExitCodePolicy(t *testing.T) {
	suite := &properties.Suite{}
	for _, tc := range []struct {
		name    string
		results []properties.Result
		code    int
		counts  [4]int // pass, fail, inconclusive, errors
	}{
		{"all pass", []properties.Result{result("a", checker.Holds, true), result("b", checker.Violated, true)}, ExitOK, [4]int{2, 0, 0, 0}},
		{"a failure", []properties.Result{result("a", checker.Holds, true), result("b", checker.Violated, false)}, ExitViolated, [4]int{1, 1, 0, 0}},
		{"inconclusive", []properties.Result{result("a", checker.Inconclusive, false), result("b", checker.Holds, true)}, ExitInconclusive, [4]int{1, 0, 1, 0}},
		{"a failure beats inconclusive", []properties.Result{result("a", checker.Inconclusive, false), result("b", checker.Violated, false)}, ExitViolated, [4]int{0, 1, 1, 0}},
		{"an input error beats a failure", []properties.Result{result("a", checker.Violated, false), failed("b", fmt.Errorf("x: %w", checker.ErrModel))}, ExitUsage, [4]int{0, 1, 0, 1}},
		{"an internal error beats an input error", []properties.Result{failed("a", fmt.Errorf("x: %w", checker.ErrMutation)), failed("b", errors.New("bug"))}, ExitInternal, [4]int{0, 0, 0, 2}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep := Build(suite, tc.results, "", false)
			require.Equal(t, tc.code, rep.ExitCode)
			require.Equal(t, tc.counts, [4]int{rep.Pass, rep.Fail, rep.Inconclusive, rep.Errors})
			for i, r := range rep.Results {
				if tc.results[i].Err != nil {
					require.Equal(t, StatusError, r.Status)
					require.NotZero(t, r.ExitCode)
				}
			}
		})
	}
}

// TestEveryFormatRendersTheValue: every format renders from the Report
// alone, the same value giving the same bytes, and the JSON carries the
// schema and the tool the caller set.
func TestEveryFormatRendersTheValue(t *testing.T) {
	rep := Build(&properties.Suite{}, []properties.Result{result("a", checker.Holds, true), result("b", checker.Violated, false)}, "rfc1337", false)
	rep.Tool = "v9.9.9"
	for _, f := range FormatNames {
		var one, two bytes.Buffer
		require.NoError(t, Write(&one, rep, f, nil))
		require.NoError(t, Write(&two, rep, f, &Options{}))
		require.Equal(t, one.String(), two.String(), f)
		require.Contains(t, one.String(), "b", f)
	}
	var js bytes.Buffer
	require.NoError(t, Write(&js, rep, "json", nil))
	var head struct {
		Schema string `json:"schema"`
		Tool   struct {
			Version string `json:"version"`
		} `json:"tool"`
		Variant string `json:"variant"`
	}
	require.NoError(t, json.Unmarshal(js.Bytes(), &head))
	require.Equal(t, Schema, head.Schema)
	require.Equal(t, "v9.9.9", head.Tool.Version)
	require.Equal(t, "rfc1337", head.Variant)

	require.ErrorContains(t, Write(&js, rep, "yaml", nil), `unknown output format "yaml"`)
	require.False(t, IsFormat("yaml"))
}

// TestReadTraceErrors: what is not a counterexample says what it is and
// what was expected.
func TestReadTraceErrors(t *testing.T) {
	for _, tc := range []struct{ data, property, want string }{
		{"[1,", "", "in.json:1:4: cannot read the JSON: the JSON ends too early"},
		{`{}`, "", `in.json:1:1: is not a tcpcheck counterexample: it has no "schema" field`},
		{`{"schema": "x/v9"}`, "", `in.json:1:12: has schema "x/v9": expected a trace`},
		{`{"schema": "tcpcheck/trace/v1"}`, "p", "in.json is a single trace; --property applies to reports only"},
		{`{"schema": "tcpcheck/report/v1", "results": []}`, "", "in.json has no counterexample"},
		{`{"schema": "tcpcheck/report/v1", "results": [{"property": "a", "trace": {"schema": "tcpcheck/trace/v1"}}]}`, "b", `in.json has no trace for property "b" (properties with one: a)`},
	} {
		_, err := ReadTrace("in.json", []byte(tc.data), tc.property)
		require.ErrorContains(t, err, tc.want, tc.data)
	}
}

// TestTraceFileNames: every property gets a file of its own, also where
// names differ only in characters a file name cannot hold or in case, and
// the choice depends on the set of names, not on their order.
func TestTraceFileNames(t *testing.T) {
	names := []string{"a_b", "a/b", "a b", "Foo", "foo", "foo-2", "plain", "x.y"}
	got := TraceFileNames(names)
	require.Equal(t, map[string]string{
		"a_b":   "a_b.json", // already safe, so it keeps its own name
		"a b":   "a_b-2.json",
		"a/b":   "a_b-3.json",
		"Foo":   "Foo.json",
		"foo":   "foo-3.json", // foo-2.json is property foo-2's
		"foo-2": "foo-2.json",
		"plain": "plain.json",
		"x.y":   "x.y.json",
	}, got)
	reversed := append([]string(nil), names...)
	slices.Reverse(reversed)
	require.Equal(t, got, TraceFileNames(reversed))
	seen := map[string]string{}
	for name, file := range got {
		key := strings.ToLower(file)
		require.Empty(t, seen[key], "%s and %s share %s", seen[key], name, file)
		seen[key] = name
	}
}

func TestEscape(t *testing.T) {
	for _, tc := range []struct{ in, line, text string }{
		{"plain text, é and →", "plain text, é and →", "plain text, é and →"},
		{"\x1b[2J", `\x1b[2J`, `\x1b[2J`},
		{"a\nb\tc\r", `a\nb\tc\r`, "a\nb\tc\\r"},
		{"bell\x07 del\x7f c1\u009b", `bell\x07 del\x7f c1\u009b`, `bell\x07 del\x7f c1\u009b`},
		{"\u202eevil\u2066", `\u202eevil\u2066`, `\u202eevil\u2066`},
		{"bad \xff byte", `bad \xff byte`, `bad \xff byte`},
	} {
		require.Equal(t, tc.line, EscapeLine(tc.in), "EscapeLine(%q)", tc.in)
		require.Equal(t, tc.text, EscapeText(tc.in), "EscapeText(%q)", tc.in)
	}
}

// TestTextOutputsEscape: a result whose texts hold escape sequences is
// written with them escaped in the text and GitHub formats; in colour, the
// only escape sequences are the painter's own.
func TestTextOutputsEscape(t *testing.T) {
	const evil = "\x1b[2J"
	r := result("p"+evil, checker.Violated, false)
	r.Property.ModelName = "m" + evil
	r.Outcome.Message = "msg" + evil
	rep := Build(&properties.Suite{}, []properties.Result{r}, "", false)
	for _, format := range []string{"text", "github"} {
		for _, color := range []bool{false, true} {
			var b bytes.Buffer
			require.NoError(t, Write(&b, rep, format, &Options{Color: color}))
			out := b.String()
			require.NotContains(t, out, evil, "%s (colour %v)", format, color)
			require.Contains(t, out, `p\x1b[2J`, "%s (colour %v)", format, color)
			require.Contains(t, out, `msg\x1b[2J`, "%s (colour %v)", format, color)
			if !color {
				require.NotContains(t, out, "\x1b", format)
			}
		}
	}
}
