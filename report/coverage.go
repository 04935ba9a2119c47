package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/tcpcheck/tcpcheck/checker"
	"github.com/tcpcheck/tcpcheck/properties"
	"github.com/tcpcheck/tcpcheck/spec"
)

// ModelCoverage is the coverage of one search, for verify --coverage: the
// rows of its table that fired, with how often, and those that never did,
// in table order, as checker.Report.CoverageOf reads them.
type ModelCoverage struct {
	Model   string `json:"model"`
	Variant string `json:"variant"`
	// Rows counts the table's rows; Fired of them fired, and Inert of them
	// no model can take (a refused user call, a timeout that changes
	// nothing).
	Rows  int `json:"rows"`
	Fired int `json:"fired"`
	Inert int `json:"inert"`
	// FiredRows and NeverFiredRows split the rows, each in table order.
	FiredRows      []CoveredRow `json:"fired_rows"`
	NeverFiredRows []CoveredRow `json:"never_fired_rows"`
	// ArcsFired, ArcsNeverFired and ArcsMissing are the arcs of RFC 9293
	// Figure 5 some row that fired carries, those the table carries but
	// never fired, and those it does not carry.
	ArcsFired      []int `json:"arcs_fired"`
	ArcsNeverFired []int `json:"arcs_never_fired"`
	ArcsMissing    []int `json:"arcs_missing,omitempty"`

	cov *checker.CoverageReport
}

// CoveredRow is one row of a table in a coverage report.
type CoveredRow struct {
	ID    string `json:"id"`
	State string `json:"state"`
	// Arc is the row's arc of RFC 9293 Figure 5, if any.
	Arc   int  `json:"arc,omitempty"`
	Count int  `json:"count"`
	Inert bool `json:"inert,omitempty"`
}

// AddCoverage sets rep.Coverage to the coverage of each search behind the
// results, in order of first appearance. The Report must have been built
// from the same suite and results (and variant). A search whose counts do
// not fit its table is an internal error.
func (rep *Report) AddCoverage(s *properties.Suite, results []properties.Result) error {
	var variant *spec.Table
	if rep.Variant != "" {
		t, err := spec.ForVariant(rep.Variant)
		if err != nil {
			return err
		}
		variant = t
	}
	models := map[string]*properties.Model{}
	for _, m := range s.Models {
		models[m.Name] = m
	}
	var seen []*checker.Report
	rep.Coverage = nil
	for i := range results {
		r := &results[i]
		if r.Report == nil || containsReport(seen, r.Report) {
			continue
		}
		seen = append(seen, r.Report)
		m := models[r.Property.ModelName]
		if r.Mutant != nil && r.Mutant.Model != nil {
			m = r.Mutant.Model
		}
		if m == nil {
			return fmt.Errorf("coverage: result %s has no model", r.Property.Name)
		}
		t := m.Model.Table
		if variant != nil {
			t = variant
		}
		cr, err := r.Report.CoverageOf(t)
		if err != nil {
			return fmt.Errorf("coverage of model %s: %w", m.Name, err)
		}
		rep.Coverage = append(rep.Coverage, newModelCoverage(m.Name, t.Name(), cr))
	}
	return nil
}

func newModelCoverage(model, variant string, cr *checker.CoverageReport) ModelCoverage {
	mc := ModelCoverage{
		Model: model, Variant: variant, Rows: len(cr.Rows), Fired: cr.Fired, Inert: cr.Inert,
		FiredRows: []CoveredRow{}, NeverFiredRows: []CoveredRow{},
		ArcsFired: nonNil(cr.FiredArcs), ArcsNeverFired: nonNil(cr.UnfiredArcs), ArcsMissing: cr.MissingArcs, cov: cr,
	}
	for _, r := range cr.Rows {
		row := CoveredRow{ID: r.ID, State: r.From.String(), Arc: r.Arc, Count: r.Count, Inert: r.Inert}
		if r.Count > 0 {
			mc.FiredRows = append(mc.FiredRows, row)
		} else {
			mc.NeverFiredRows = append(mc.NeverFiredRows, row)
		}
	}
	return mc
}

func nonNil(a []int) []int {
	if a == nil {
		return []int{}
	}
	return a
}

// writeTextCoverage writes the coverage section of the text report.
func writeTextCoverage(w io.Writer, cov []ModelCoverage) {
	for _, c := range cov {
		fmt.Fprintf(w, "\ncoverage of model %s (%s):\n", EscapeLine(c.Model), EscapeLine(c.Variant))
		body := ""
		if c.cov != nil {
			body = c.cov.String()
		}
		for _, l := range strings.Split(strings.TrimSuffix(body, "\n"), "\n") {
			fmt.Fprintf(w, "  %s\n", EscapeLine(l))
		}
	}
}
