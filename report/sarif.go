package report

import (
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/tcpcheck/tcpcheck/checker"
	"github.com/tcpcheck/tcpcheck/internal/jsonpos"
)

// The SARIF 2.1.0 structures tcpcheck writes (OASIS Static Analysis
// Results Interchange Format). Struct fields keep the output's key order
// fixed.
type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool       sarifTool      `json:"tool"`
	Results    []sarifResult  `json:"results"`
	ColumnKind string         `json:"columnKind"`
	Properties map[string]any `json:"properties,omitempty"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID               string         `json:"id"`
	Name             string         `json:"name"`
	ShortDescription sarifMessage   `json:"shortDescription"`
	FullDescription  *sarifMessage  `json:"fullDescription,omitempty"`
	Properties       map[string]any `json:"properties,omitempty"`
}

type sarifMessage struct {
	Text string `json:"text"`
}

type sarifResult struct {
	RuleID     string          `json:"ruleId"`
	RuleIndex  int             `json:"ruleIndex"`
	Kind       string          `json:"kind"`
	Level      string          `json:"level"`
	Message    sarifMessage    `json:"message"`
	Locations  []sarifLocation `json:"locations"`
	CodeFlows  []sarifCodeFlow `json:"codeFlows,omitempty"`
	Properties map[string]any  `json:"properties,omitempty"`
}

type sarifLocation struct {
	PhysicalLocation *sarifPhysical `json:"physicalLocation,omitempty"`
	LogicalLocations []sarifLogical `json:"logicalLocations,omitempty"`
	Message          *sarifMessage  `json:"message,omitempty"`
}

// sarifLogical names a built-in property, which has no file in the
// user's repository.
type sarifLogical struct {
	Name               string `json:"name"`
	FullyQualifiedName string `json:"fullyQualifiedName"`
	Kind               string `json:"kind"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           sarifRegion   `json:"region"`
}

type sarifArtifact struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn,omitempty"`
}

type sarifCodeFlow struct {
	Message     *sarifMessage     `json:"message,omitempty"`
	ThreadFlows []sarifThreadFlow `json:"threadFlows"`
}

type sarifThreadFlow struct {
	Locations []sarifThreadFlowLocation `json:"locations"`
}

type sarifThreadFlowLocation struct {
	Location       sarifLocation `json:"location"`
	ExecutionOrder int           `json:"executionOrder"`
}

// sarifLocationOf locates a property: at its line in its YAML file, or,
// for a built-in property, which is in no file of the user's repository,
// by a logical location that names it.
func sarifLocationOf(r *Result, msg *sarifMessage) sarifLocation {
	if r.Builtin() {
		return sarifLocation{LogicalLocations: []sarifLogical{{Name: r.Name,
			FullyQualifiedName: "tcpcheck/built-in/" + r.Name,
			Kind:               "resource"}}, Message: msg}
	}
	return sarifLocation{PhysicalLocation: sarifPhysicalOf(r), Message: msg}
}

// sarifPhysicalOf points at a property's line in its YAML file. Relative
// paths are relative to the source root (%SRCROOT%), as code scanning
// expects.
func sarifPhysicalOf(r *Result) *sarifPhysical {
	return sarifPhysicalAt(r.Pos.File, max(r.Pos.Line, 1), r.Pos.Col)
}

// sarifPhysicalAt points at line:col of a file.
func sarifPhysicalAt(file string, line, col int) *sarifPhysical {
	uri := filepath.ToSlash(file)
	base := "%SRCROOT%"
	if filepath.IsAbs(file) {
		uri, base = "file://"+uri, ""
	}
	return &sarifPhysical{ArtifactLocation: sarifArtifact{URI: uri, URIBaseID: base}, Region: sarifRegion{StartLine: line, StartColumn: col}}
}

// traceStepLines finds where each step starts in the file verify
// --save-traces writes for t, by laying it out as that file is laid out.
func traceStepLines(t *checker.TraceView) ([]*jsonpos.Node, error) {
	data, err := t.MarshalIndent()
	if err != nil {
		return nil, err
	}
	root, err := jsonpos.Parse(data)
	if err != nil {
		return nil, err
	}
	steps := root.Get("steps")
	if steps == nil || len(steps.Elems) != len(t.Steps) {
		return nil, fmt.Errorf("saved trace of %s: its steps are not laid out one per element", t.Property)
	}
	return steps.Elems, nil
}

// writeSARIF writes a SARIF 2.1.0 log: a rule per property, and a result
// for each property that did not pass, located at the property's line in
// its YAML file, with the counterexample as a code flow whose steps say
// what happened.
func writeSARIF(w io.Writer, rep *Report, o *Options) error {
	run := sarifRun{
		Tool: sarifTool{Driver: sarifDriver{Name: "tcpcheck", Version: rep.Tool,
			InformationURI: "https://github.com/tcpcheck/tcpcheck", Rules: []sarifRule{}}},
		Results:    []sarifResult{},
		ColumnKind: "unicodeCodePoints",
	}
	if len(rep.Stats) > 0 {
		run.Properties = map[string]any{"stats": rep.Stats}
	}
	for i := range rep.Results {
		r := &rep.Results[i]
		short := r.Description
		if short == "" {
			short = fmt.Sprintf("%s property %s", r.Kind, r.Name)
		}
		rule := sarifRule{ID: r.Name, Name: r.Name, ShortDescription: sarifMessage{Text: short},
			Properties: map[string]any{"kind": r.Kind, "model": r.Model, "expected": r.Expected, "tags": []string{"tcp", r.Kind}}}
		if len(r.RFC) > 0 {
			rule.FullDescription = &sarifMessage{Text: short + " (" + strings.Join(r.RFC, "; ") + ")"}
			rule.Properties["rfc"] = r.RFC
		}
		run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, rule)
		if r.Status == StatusPass {
			continue
		}
		level := "error"
		if r.Status == StatusInconclusive {
			level = "warning"
		}
		res := sarifResult{
			RuleID: r.Name, RuleIndex: i, Kind: "fail", Level: level,
			Message:    sarifMessage{Text: fmt.Sprintf("%s (%s on %s): %s", r.Name, r.Kind, r.Model, outcomeText(r))},
			Locations:  []sarifLocation{sarifLocationOf(r, nil)},
			Properties: map[string]any{"status": r.Status, "verdict": r.Verdict, "expected": r.Expected, "model": r.Model, "variant": r.Variant},
		}
		if r.Vacuous {
			res.Properties["vacuous"] = true
		}
		if r.Builtin() {
			res.Properties["builtin"] = filepath.ToSlash(r.Pos.String()) + " in tcpcheck's embedded default set"
		}
		if r.Trace != nil && len(r.Trace.Steps) > 0 {
			tf := sarifThreadFlow{}
			var stepLines []*jsonpos.Node
			if o != nil && o.TraceDir != "" && r.TraceFile != "" {
				var err error
				if stepLines, err = traceStepLines(r.Trace); err != nil {
					return err
				}
			}
			for j := range r.Trace.Steps {
				s := &r.Trace.Steps[j]
				text := fmt.Sprintf("%d. %s (A %s, B %s)", s.N, s.Event, s.After.A.State, s.After.B.State)
				if s.Row != "" {
					text += fmt.Sprintf(" [row %s, %s]", s.Row, s.Cite)
				}
				if j == r.Trace.LoopStart {
					text = "cycle starts: " + text
				}
				loc := sarifLocationOf(r, &sarifMessage{Text: text})
				if stepLines != nil {
					at := stepLines[j]
					loc = sarifLocation{PhysicalLocation: sarifPhysicalAt(filepath.Join(o.TraceDir, r.TraceFile), at.Line, at.Col), Message: loc.Message}
				}
				tf.Locations = append(tf.Locations, sarifThreadFlowLocation{Location: loc, ExecutionOrder: s.N})
			}
			res.CodeFlows = []sarifCodeFlow{{Message: &sarifMessage{Text: "counterexample"}, ThreadFlows: []sarifThreadFlow{tf}}}
		}
		run.Results = append(run.Results, res)
	}
	log := sarifLog{Schema: "https://json.schemastore.org/sarif-2.1.0.json", Version: "2.1.0", Runs: []sarifRun{run}}
	data, err := json.MarshalIndent(log, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(data, '\n'))
	return err
}
