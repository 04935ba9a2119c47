// Package report is the result model of tcpcheck's commands: the typed
// value a run of verify produces (a Result per property, with its status,
// verdict, message and counterexample as a checker.TraceView), the exit
// code it calls for, and the renderings of that value in every output
// format (text, the tcpcheck/report/v1 JSON schema, JUnit, SARIF and
// GitHub annotations), with the one way a step of a counterexample is told
// (WriteStory, WriteTextChart). As porcupine's LinearizationInfo is the
// data between checking and drawing, a Report is the data between the
// checker and every output: each format renders from it and from nothing
// else.
package report

import (
	"errors"
	"path/filepath"
	"strings"

	"github.com/tcpcheck/tcpcheck/checker"
	"github.com/tcpcheck/tcpcheck/properties"
)

// Schema names the version of the JSON report. A change that removes or
// renames a field must change it.
const Schema = "tcpcheck/report/v1"

// The exit codes, documented in tcpcheck's help and the README. They are
// the one exit-code policy of every command.
const (
	ExitOK           = 0 // every property holds, or has its expected verdict
	ExitViolated     = 1 // a property is violated (or does not have its expected verdict)
	ExitUsage        = 2 // a usage or input error
	ExitInconclusive = 3 // a search bound was hit before a property was decided
	ExitInternal     = 4 // a bug in tcpcheck
)

// The statuses of a property in a report.
const (
	StatusPass         = "pass"         // decided, with the expected verdict
	StatusFail         = "fail"         // decided, with another verdict
	StatusInconclusive = "inconclusive" // a search bound was hit first
	StatusError        = "error"        // it could not be checked at all
)

// Result is one property's result as every output format sees it.
type Result struct {
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
	// Vacuous is set when the property holds only vacuously (see
	// checker.Outcome.Vacuous); VacuousExpected when its file says that
	// is meant.
	Vacuous, VacuousExpected bool
	Status                   string
	Message                  string
	// Trace is the counterexample, or a reachable property's witness.
	Trace *checker.TraceView
	// TraceFile is the name of the file verify --save-traces saves Trace
	// in, unique within the run (see TraceFileNames).
	TraceFile string
	// ExitCode is the exit code an error calls for (ExitUsage or
	// ExitInternal); zero for a decided or inconclusive result.
	ExitCode int
	report   *checker.Report
}

// Builtin reports whether the property is one of tcpcheck's embedded
// default set, whose positions are under defaults/, a directory of
// tcpcheck's source and not of the user's repository.
func (r *Result) Builtin() bool { return strings.HasPrefix(filepath.ToSlash(r.Pos.File), "defaults/") }

// ModelStats describe one search, for --stats.
type ModelStats struct {
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

// Report is the whole result of a run of verify.
type Report struct {
	Results []Result
	// Stats are set with --stats only: they hold timings, which change
	// from run to run.
	Stats []ModelStats
	// Coverage is set with --coverage only (AddCoverage): the table rows
	// each search fired and never fired.
	Coverage []ModelCoverage
	// Variant is the --variant option, if any.
	Variant string
	// Pass, Fail, Inconclusive and Errors count the results by status.
	Pass, Fail, Inconclusive, Errors int
	// ExitCode is the exit code the results call for.
	ExitCode int
	// Interrupted is set when a search of the run was interrupted (a
	// signal closed checker.Options.Stop) before it was decided.
	Interrupted bool
	// Tool is the version of the tool that made the report, which the JSON
	// and SARIF outputs carry; the caller sets it.
	Tool string
}

// Build turns a suite's results into a report, and decides the exit code: an error (2 for a model the checker refuses, 4 otherwise)
// before a failure (1) before an inconclusive result (3).
func Build(s *properties.Suite, results []properties.Result, variant string, stats bool) *Report {
	rep := &Report{Variant: variant}
	tables := map[string]string{}
	for _, m := range s.Models {
		if m.Model.Table != nil {
			tables[m.Name] = m.Model.Table.Name()
		}
	}
	var names []string
	for _, p := range s.Properties {
		names = append(names, p.Name)
	}
	for _, r := range results {
		names = append(names, r.Property.Name)
	}
	files := TraceFileNames(names)
	var seen []*checker.Report
	errCode := 0
	for i := range results {
		r := &results[i]
		p := r.Property
		pr := Result{
			Name: p.Name, Description: p.Description, Kind: p.Kind, Model: p.ModelName, Variant: tables[p.ModelName],
			Pos: p.Pos, RFC: p.RFC, Expected: p.Expect.String(), TraceFile: files[p.Name], report: r.Report,
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
			pr.Verdict, pr.Status, pr.Message = StatusError, StatusError, r.Err.Error()
			pr.ExitCode = ExitInternal
			if errors.Is(r.Err, checker.ErrModel) || errors.Is(r.Err, checker.ErrMutation) {
				// A model or a mutation that does not fit the table is a
				// problem of the input (for example a claim about
				// TIME-WAIT run with --variant no-time-wait), not of tcpcheck.
				pr.ExitCode = ExitUsage
			}
			errCode = max(errCode, pr.ExitCode)
			rep.Errors++
		default:
			pr.Verdict, pr.Message = r.Outcome.Verdict.String(), r.Outcome.Message
			pr.Vacuous, pr.VacuousExpected = r.Outcome.Vacuous, p.VacuousExpected && r.Mutant == nil
			switch {
			case r.Outcome.Verdict == checker.Inconclusive:
				pr.Status = StatusInconclusive
				rep.Inconclusive++
			case r.Matches:
				pr.Status = StatusPass
				rep.Pass++
			default:
				pr.Status = StatusFail
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
		rep.Interrupted = rep.Interrupted || interrupted(r)
		if stats && r.Report != nil && !containsReport(seen, r.Report) {
			seen = append(seen, r.Report)
			st := r.Report.Stats
			rep.Stats = append(rep.Stats, ModelStats{
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

// interrupted reports whether a search behind result r was interrupted.
func interrupted(r *properties.Result) bool {
	const bound = "interrupted" // checker.Stats.Bound
	if r.Report != nil && r.Report.Stats.Bound == bound {
		return true
	}
	n := r.Necessity
	return n != nil && n.Mutant != nil && n.Mutant.Stats.Bound == bound
}
