package report

import (
	"encoding/json"
	"io"

	"github.com/tcpcheck/tcpcheck/checker"
)

// jsonReport is the JSON report, schema tcpcheck/report/v1. Fields are
// only ever added within a schema version.
type jsonReport struct {
	// Schema is Schema.
	Schema string   `json:"schema"`
	Tool   jsonTool `json:"tool"`
	// Variant is the --variant option, if any.
	Variant string       `json:"variant,omitempty"`
	Summary jsonSummary  `json:"summary"`
	Results []jsonResult `json:"results"`
	// Stats are present with --stats only, since they hold timings.
	Stats []ModelStats `json:"stats,omitempty"`
	// Coverage is present with --coverage only.
	Coverage []ModelCoverage `json:"coverage,omitempty"`
}

type jsonTool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

type jsonSummary struct {
	Properties   int `json:"properties"`
	Pass         int `json:"pass"`
	Fail         int `json:"fail"`
	Inconclusive int `json:"inconclusive"`
	Errors       int `json:"errors"`
	// ExitCode is the exit code of the run (see tcpcheck --help).
	ExitCode int `json:"exit_code"`
	// Interrupted is present, true, when a signal interrupted a search.
	Interrupted bool `json:"interrupted,omitempty"`
}

type jsonResult struct {
	Property    string   `json:"property"`
	Description string   `json:"description,omitempty"`
	Kind        string   `json:"kind"`
	Model       string   `json:"model"`
	Variant     string   `json:"variant"`
	Mutant      string   `json:"mutant,omitempty"`
	File        string   `json:"file"`
	Line        int      `json:"line"`
	Column      int      `json:"column"`
	RFC         []string `json:"rfc,omitempty"`
	// Expected and Verdict are holds or violated; Verdict may also be
	// inconclusive or error.
	Expected string `json:"expected"`
	Verdict  string `json:"verdict"`
	// Vacuous is set when the property holds only vacuously (see
	// checker.Outcome.Vacuous); VacuousExpected when its file says that
	// is meant ("vacuous: expected").
	Vacuous         bool `json:"vacuous,omitempty"`
	VacuousExpected bool `json:"vacuous_expected,omitempty"`
	// Status is pass, fail, inconclusive or error.
	Status  string `json:"status"`
	Message string `json:"message"`
	// Trace is the counterexample (or a reachable property's witness), in
	// the schema tcpcheck explain reads.
	Trace *checker.TraceView `json:"trace,omitempty"`
}

func toJSONReport(rep *Report) jsonReport {
	out := jsonReport{
		Schema:   Schema,
		Tool:     jsonTool{Name: "tcpcheck", Version: rep.Tool},
		Variant:  rep.Variant,
		Summary:  jsonSummary{Properties: len(rep.Results), Pass: rep.Pass, Fail: rep.Fail, Inconclusive: rep.Inconclusive, Errors: rep.Errors, ExitCode: rep.ExitCode, Interrupted: rep.Interrupted},
		Results:  []jsonResult{},
		Stats:    rep.Stats,
		Coverage: rep.Coverage,
	}
	for _, r := range rep.Results {
		out.Results = append(out.Results, jsonResult{
			Property: r.Name, Description: r.Description, Kind: r.Kind, Model: r.Model, Variant: r.Variant, Mutant: r.Mutant,
			File: r.Pos.File, Line: r.Pos.Line, Column: r.Pos.Col, RFC: r.RFC,
			Expected: r.Expected, Verdict: r.Verdict, Vacuous: r.Vacuous, VacuousExpected: r.VacuousExpected,
			Status: r.Status, Message: r.Message, Trace: r.Trace,
		})
	}
	return out
}

// writeJSON writes the report as indented JSON. The same results always
// give the same bytes (timings appear only with --stats).
func writeJSON(w io.Writer, rep *Report, _ *Options) error {
	data, err := json.MarshalIndent(toJSONReport(rep), "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(data, '\n'))
	return err
}
