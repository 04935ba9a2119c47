package main

import (
	"errors"
	"io"

	"github.com/tcpcheck/tcpcheck/checker"
	"github.com/tcpcheck/tcpcheck/properties"
)

// reportSchema names the version of verify's JSON report. A change that
// removes or renames a field must change it.
const reportSchema = "tcpcheck/report/v1"

// The statuses of a property in a report.
const (
	statusPass         = "pass"         // decided, with the expected verdict
	statusFail         = "fail"         // decided, with another verdict
	statusInconclusive = "inconclusive" // a search bound was hit first
	statusError        = "error"        // it could not be checked at all
)

// propResult is one property's result as every output format sees it.
type propResult struct {
	Name        string
	Description string
	Kind        string
	Model       string
	Variant     string
	Pos         properties.Position
	RFC         []string
	// Mutant describes the mutant the property ran on, with --mutants.
	Mutant   string
	Expected string
	// Verdict is holds, violated, inconclusive, or error.
	Verdict string
	Status  string
	Message string
	// Trace is the counterexample, or a reachable property's witness.
	Trace *checker.TraceView
	// code is the exit code an error calls for.
	code   int
	report *checker.Report
}

// modelStats describe one search, for --stats.
type modelStats struct {
	Model           string  `json:"model"`
	Variant         string  `json:"variant"`
	Strategy        string  `json:"strategy"`
	Fingerprint     bool    `json:"fingerprint"`
	Generated       int     `json:"generated"`
	Distinct        int     `json:"distinct"`
	Transitions     int     `json:"transitions"`
	Depth           int     `json:"depth"`
	Bound           string  `json:"bound,omitempty"`
	StoreBytes      int64   `json:"store_bytes"`
	BytesPerState   float64 `json:"bytes_per_state"`
	ElapsedSeconds  float64 `json:"elapsed_seconds"`
	StatesPerSecond float64 `json:"states_per_second"`
	OmissionBound   float64 `json:"omission_bound,omitempty"`
}

// runReport is the whole result of a verify run.
type runReport struct {
	Results []propResult
	// Stats are set with --stats only: they hold timings, which change
	// from run to run.
	Stats []modelStats
	// Variant is the --variant option, if any.
	Variant string
	// Pass, Fail, Inconclusive and Errors count the results by status.
	Pass, Fail, Inconclusive, Errors int
	// ExitCode is the exit code the results call for.
	ExitCode int
}

// buildReport turns the suite's results into a report, and decides the
// exit code: an error (2 for a model the checker refuses, 4 otherwise)
// before a failure (1) before an inconclusive result (3).
func buildReport(s *properties.Suite, results []properties.Result, variant string, stats bool) *runReport {
	rep := &runReport{Variant: variant}
	tables := map[string]string{}
	for _, m := range s.Models {
		if m.Model.Table != nil {
			tables[m.Name] = m.Model.Table.Name()
		}
	}
	var seen []*checker.Report
	errCode := 0
	for i := range results {
		r := &results[i]
		p := r.Property
		pr := propResult{
			Name: p.Name, Description: p.Description, Kind: p.Kind, Model: p.ModelName, Variant: tables[p.ModelName],
			Pos: p.Pos, RFC: p.RFC, Expected: p.Expect.String(), report: r.Report,
		}
		if variant != "" {
			pr.Variant = variant
		}
		if r.Mutant != nil {
			pr.Mutant = r.Mutant.Description
			pr.Expected = r.Mutant.Expect.String()
			if r.Mutant.Model != nil {
				pr.Model = r.Mutant.Model.Name
				if r.Mutant.Model.Model.Table != nil && variant == "" {
					pr.Variant = r.Mutant.Model.Model.Table.Name()
				}
			}
		}
		switch {
		case r.Err != nil:
			pr.Verdict, pr.Status, pr.Message = statusError, statusError, r.Err.Error()
			pr.code = ExitInternal
			if errors.Is(r.Err, checker.ErrModel) || errors.Is(r.Err, checker.ErrMutation) {
				// A model or a mutation that does not fit the table is a
				// problem of the input (for example a claim about
				// TIME-WAIT run with --variant no-time-wait), not of tcpcheck.
				pr.code = ExitUsage
			}
			errCode = max(errCode, pr.code)
			rep.Errors++
		default:
			pr.Verdict, pr.Message = r.Outcome.Verdict.String(), r.Outcome.Message
			switch {
			case r.Outcome.Verdict == checker.Inconclusive:
				pr.Status = statusInconclusive
				rep.Inconclusive++
			case r.Matches:
				pr.Status = statusPass
				rep.Pass++
			default:
				pr.Status = statusFail
				rep.Fail++
			}
			if r.Outcome.Trace != nil {
				v := checker.NewTraceView(r.Outcome.Trace)
				v.Property, v.Verdict, v.Message = p.Name, pr.Verdict, pr.Message
				// The result keeps the variant of its model; the trace
				// records the table it ran on, which for a necessity claim
				// is the mutant's.
				pr.Trace = v
			}
		}
		rep.Results = append(rep.Results, pr)
		if stats && r.Report != nil && !containsReport(seen, r.Report) {
			seen = append(seen, r.Report)
			st := r.Report.Stats
			rep.Stats = append(rep.Stats, modelStats{
				Model: pr.Model, Variant: pr.Variant, Strategy: st.Strategy, Fingerprint: st.Fingerprint,
				Generated: st.Generated, Distinct: st.Distinct, Transitions: st.Transitions, Depth: st.Depth,
				Bound: st.Bound, StoreBytes: st.StoreBytes, BytesPerState: st.BytesPerState, ElapsedSeconds: st.Elapsed.Seconds(),
				StatesPerSecond: st.StatesPerSecond, OmissionBound: st.OmissionBound,
			})
		}
	}
	switch {
	case errCode != 0:
		rep.ExitCode = errCode
	case rep.Fail > 0:
		rep.ExitCode = ExitViolated
	case rep.Inconclusive > 0:
		rep.ExitCode = ExitInconclusive
	default:
		rep.ExitCode = ExitOK
	}
	return rep
}

func containsReport(list []*checker.Report, r *checker.Report) bool {
	for _, x := range list {
		if x == r {
			return true
		}
	}
	return false
}

// formatters write a report in each output format.
var formatters = map[string]func(w io.Writer, rep *runReport, o *formatOptions) error{
	"text":   writeText,
	"json":   writeJSON,
	"junit":  writeJUnit,
	"sarif":  writeSARIF,
	"github": writeGitHub,
}

// formatNames lists the output formats in the order help shows them.
var formatNames = []string{"text", "json", "junit", "sarif", "github"}

// formatOptions are what formats need besides the report.
type formatOptions struct {
	color bool
	// verbose prints every property's counterexample or witness in text
	// output, not only those of failures.
	verbose bool
}
