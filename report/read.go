package report

import (
	"errors"
	"fmt"
	"strings"

	"github.com/tcpcheck/tcpcheck/checker"
	"github.com/tcpcheck/tcpcheck/internal/jsonpos"
	"github.com/tcpcheck/tcpcheck/properties"
)

// ReadTrace reads a counterexample from data, the contents of the file
// called name: a trace (schema checker.TraceSchema, as verify
// --save-traces writes it) or a whole JSON report, from which property
// picks the trace (it may be empty when only one property has one).
//
// A trace is believed only as far as a replay confirms it. ReadTrace finds
// the property the trace names, and its model, in suites (the first suite
// that has the property); replays every step through the model, on the
// trace's variant; decides the property on the replayed run; and compares
// the file with the view of the replayed run, field by field. It returns
// that view. Anything else is an error: a duplicate key, a field of the
// wrong kind, a property or model it cannot find, a step that is not a
// transition of the model, a verdict or message the run does not show. The
// error starts with name:line:col of the first wrong field and says what
// was found and what the replay expected there; every error is an input
// error.
func ReadTrace(name string, data []byte, property string, suites ...*properties.Suite) (*checker.TraceView, error) {
	root, err := jsonpos.Parse(data)
	if err != nil {
		var pe *jsonpos.Error
		if errors.As(err, &pe) {
			return nil, fmt.Errorf("%s:%d:%d: cannot read the JSON: %s; expected a trace (schema %q) or a report (schema %q)", name, pe.Line, pe.Col, pe.Msg, checker.TraceSchema, Schema)
		}
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	if root.Kind != jsonpos.Object {
		return nil, fmt.Errorf("%s:1:1: is not a tcpcheck counterexample: it is %s; expected a trace (schema %q) or a report (schema %q)", name, root.Kind, checker.TraceSchema, Schema)
	}
	schema := root.Get("schema")
	if schema == nil {
		return nil, fmt.Errorf("%s:%d:%d: is not a tcpcheck counterexample: it has no \"schema\" field; expected a trace (schema %q) or a report (schema %q)", name, root.Line, root.Col, checker.TraceSchema, Schema)
	}
	var v *checker.TraceView
	switch {
	case schema.Kind == jsonpos.String && schema.Text == checker.TraceSchema:
		if property != "" {
			return nil, fmt.Errorf("%s is a single trace; --property applies to reports only", name)
		}
		v, err = verifyTrace(root, suites)
	case schema.Kind == jsonpos.String && schema.Text == Schema:
		v, err = traceFromReport(name, root, property, suites)
	default:
		return nil, fmt.Errorf("%s:%d:%d: has schema %s: expected a trace (schema %q) or a report (schema %q)", name, schema.Line, schema.Col, show(schema), checker.TraceSchema, Schema)
	}
	if err != nil {
		if _, ok := err.(*posError); ok {
			return nil, fmt.Errorf("%s:%w", name, err)
		}
		return nil, err
	}
	return v, nil
}

func traceFromReport(name string, root *jsonpos.Node, property string, suites []*properties.Suite) (*checker.TraceView, error) {
	results := root.Get("results")
	if results == nil || results.Kind != jsonpos.Array {
		return nil, fmt.Errorf("%s:%d:%d: not a valid report: expected a \"results\" array", name, root.Line, root.Col)
	}
	var with []string
	var chosen *jsonpos.Node
	for _, r := range results.Elems {
		tr := r.Get("trace")
		if tr == nil || tr.Kind == jsonpos.Null {
			continue
		}
		prop := r.Get("property")
		if prop == nil || prop.Kind != jsonpos.String {
			return nil, fmt.Errorf("%s:%d:%d: not a valid report: a result with a trace names no property", name, r.Line, r.Col)
		}
		with = append(with, prop.Text)
		if prop.Text == property || (property == "" && len(with) == 1) {
			chosen = tr
		}
	}
	switch {
	case len(with) == 0:
		return nil, fmt.Errorf("%s has no counterexample: no property in it has a trace", name)
	case property == "" && len(with) > 1:
		return nil, fmt.Errorf("%s has traces for %d properties; choose one with --property: %s", name, len(with), strings.Join(with, ", "))
	case chosen == nil:
		return nil, fmt.Errorf("%s has no trace for property %q (properties with one: %s)", name, property, strings.Join(with, ", "))
	}
	if s := chosen.Get("schema"); s == nil || s.Kind != jsonpos.String || s.Text != checker.TraceSchema {
		return nil, fmt.Errorf("%s:%d:%d: the trace of %s is not a trace: expected schema %q", name, chosen.Line, chosen.Col, property, checker.TraceSchema)
	}
	return verifyTrace(chosen, suites)
}
