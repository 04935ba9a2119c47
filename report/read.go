package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/tcpcheck/tcpcheck/checker"
)

// ReadTrace reads a counterexample from data, the contents of the file
// called name: a trace (schema checker.TraceSchema, as verify
// --save-traces writes it) or a whole JSON report, from which property
// picks the trace (it may be empty when only one property has one). Its
// errors say what the input is and what was expected; every one is an
// input error.
func ReadTrace(name string, data []byte, property string) (*checker.TraceView, error) {
	var head struct {
		Schema string `json:"schema"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return nil, fmt.Errorf("%s is not a tcpcheck counterexample: not JSON (%v); expected a trace (schema %q) or a report (schema %q)", name, err, checker.TraceSchema, Schema)
	}
	switch head.Schema {
	case checker.TraceSchema:
		if property != "" {
			return nil, fmt.Errorf("%s is a single trace; --property applies to reports only", name)
		}
		v, err := checker.DecodeTraceView(bytes.NewReader(data))
		if err != nil {
			return nil, fmt.Errorf("%s: %v", name, err)
		}
		return v, nil
	case Schema:
		return traceFromReport(name, data, property)
	case "":
		return nil, fmt.Errorf("%s is not a tcpcheck counterexample: it has no \"schema\" field; expected a trace (schema %q) or a report (schema %q)", name, checker.TraceSchema, Schema)
	}
	return nil, fmt.Errorf("%s has schema %q: expected a trace (schema %q) or a report (schema %q)", name, head.Schema, checker.TraceSchema, Schema)
}

func traceFromReport(name string, data []byte, property string) (*checker.TraceView, error) {
	var rep struct {
		Results []struct {
			Property string          `json:"property"`
			Trace    json.RawMessage `json:"trace"`
		} `json:"results"`
	}
	if err := json.Unmarshal(data, &rep); err != nil {
		return nil, fmt.Errorf("%s: not a valid report: %v", name, err)
	}
	var with []string
	var chosen json.RawMessage
	for _, r := range rep.Results {
		if len(r.Trace) == 0 || string(r.Trace) == "null" {
			continue
		}
		with = append(with, r.Property)
		if r.Property == property || (property == "" && len(with) == 1) {
			chosen = r.Trace
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
	v, err := checker.DecodeTraceView(bytes.NewReader(chosen))
	if err != nil {
		return nil, fmt.Errorf("%s: the trace of %s: %v", name, property, err)
	}
	return v, nil
}
