package jsonpos

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestPositions(t *testing.T) {
	n, err := Parse([]byte("{\n  \"a\": [1, \"x\"],\n\t\"b\": {\"c\": null}\n}"))
	if err != nil {
		t.Fatal(err)
	}
	a := n.Field("a")
	if a.Line != 2 || a.Col != 3 || a.Value.Line != 2 || a.Value.Col != 8 {
		t.Errorf("a at %d:%d, its value at %d:%d; want 2:3 and 2:8", a.Line, a.Col, a.Value.Line, a.Value.Col)
	}
	if e := a.Value.Elems[1]; e.Kind != String || e.Text != "x" || e.Line != 2 || e.Col != 12 {
		t.Errorf("a[1] = %+v; want the string x at 2:12", e)
	}
	if c := n.Get("b").Field("c"); c.Line != 3 || c.Col != 8 || c.Value.Kind != Null || c.Value.Col != 13 {
		t.Errorf("b.c = %+v; want its key at 3:8 and null at 3:13", c)
	}
}

func TestErrors(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`{"a": 1, "a": 2}`, `1:10: duplicate key "a": the object already has it at 1:2`},
		{"{\"a\": {\n \"b\": 1,\n \"b\": 1}}", `3:2: duplicate key "b"`},
		{`{"a": 1} x`, "1:10:"},
		{`{"a": 1} {}`, `1:10: unexpected "{" after the end`},
		{`{"a": `, "1:7: the JSON ends too early"},
		{`[1, 2`, "1:6: the JSON ends too early"},
		{``, "1:1: the JSON ends too early"},
		{`{"a" 1}`, "1:6:"},
		{strings.Repeat("[", 100), "nested more than 64 levels"},
	} {
		_, err := Parse([]byte(tc.in))
		if err == nil || !strings.HasPrefix(err.Error(), tc.want[:strings.Index(tc.want, ":")+1]) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %v; want %q", tc.in, err, tc.want)
		}
	}
}

// FuzzParse checks that Parse never panics, accepts what encoding/json
// accepts unless a key repeats or the nesting is too deep, and places
// every value inside the input.
func FuzzParse(f *testing.F) {
	for _, s := range []string{`{"a": [1, "x", true, null, {"b": -1.5e3}]}`, `{"a": 1, "a": 2}`, "\"\\u00e9\"", `[[[]]]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		n, err := Parse(data)
		if err != nil {
			var e *Error
			if pe, ok := err.(*Error); !ok || pe.Line < 1 || pe.Col < 1 {
				t.Fatalf("error %v (%T) has no position", err, e)
			}
			return
		}
		if !json.Valid(data) {
			t.Fatalf("Parse accepted invalid JSON %q", data)
		}
		var walk func(*Node)
		walk = func(n *Node) {
			if n.Line < 1 || n.Col < 1 {
				t.Fatalf("a value at %d:%d", n.Line, n.Col)
			}
			for _, e := range n.Elems {
				walk(e)
			}
			for _, f := range n.Fields {
				walk(f.Value)
			}
		}
		walk(n)
	})
}
