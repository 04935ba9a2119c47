package checker

import (
	"fmt"
	"strings"

	"github.com/tcpcheck/tcpcheck/spec"
)

// RowCoverage is how many explored transitions took one row of the table.
type RowCoverage struct {
	// Index is the row's index in the table; ID, From and Arc are the
	// row's.
	Index int
	ID    string
	From  spec.State
	Arc   int
	Count int
	// Inert marks a row the checker never takes as a step in any model: a
	// user call the row refuses with an error (the call changes nothing,
	// so it is not explored), or a timeout that changes nothing.
	Inert bool
}

// StateCoverage is the coverage of the rows of one state, each list in
// table order.
type StateCoverage struct {
	State          spec.State
	Fired, Unfired []RowCoverage
}

// CoverageReport reads a Report's Coverage against the table it was
// counted on: which rows fired and how often, which never did, grouped by
// state, and which arcs of RFC 9293 Figure 5 the model never took. A row
// or arc that never fired is a part of the protocol the model is too
// narrow to exercise, so no property can have said anything about it.
type CoverageReport struct {
	Table string
	// Rows is every row, in table order.
	Rows []RowCoverage
	// States lists the table's states in RFC order.
	States []StateCoverage
	// Fired counts rows that fired; Inert counts rows that cannot.
	Fired, Inert int
	// FiredArcs and UnfiredArcs are the Figure 5 arcs the table carries,
	// ascending, split by whether some row carrying them fired.
	// MissingArcs are arcs 1 to 20 no row of the table carries (a variant
	// may remove them).
	FiredArcs, UnfiredArcs, MissingArcs []int
}

// figure5Arcs is the number of arcs of RFC 9293 Figure 5.
const figure5Arcs = 20

// CoverageOf reads the report's coverage against table t, to see what
// part of the protocol the model never exercised. t must be the table of
// the model the report was made on; another table is an error.
//
// Use it after Check to show which rows fired (tcpcheck verify
// --coverage renders it through package report); to require that rows or
// arcs fire, write a coverage property instead, which fails when they do
// not.
func (r *Report) CoverageOf(t *spec.Table) (*CoverageReport, error) {
	return newCoverageReport(t, r.Coverage)
}

// newCoverageReport reads coverage counts against table t.
func newCoverageReport(t *spec.Table, c Coverage) (*CoverageReport, error) {
	if len(c) != t.NumRows() {
		return nil, fmt.Errorf("coverage counts %d rows but table %s has %d: it was counted on another table", len(c), t.Name(), t.NumRows())
	}
	cr := &CoverageReport{Table: t.Name()}
	byState := map[spec.State]*StateCoverage{}
	for _, s := range t.States() {
		cr.States = append(cr.States, StateCoverage{State: s})
	}
	for i := range cr.States {
		byState[cr.States[i].State] = &cr.States[i]
	}
	var arcFired [figure5Arcs + 1]bool
	var arcSeen [figure5Arcs + 1]bool
	for i := 0; i < t.NumRows(); i++ {
		row := t.Row(i)
		rc := RowCoverage{Index: i, ID: row.ID, From: row.From, Arc: row.Arc, Count: c[i], Inert: inertRow(&row)}
		cr.Rows = append(cr.Rows, rc)
		sc := byState[row.From]
		if rc.Count > 0 {
			cr.Fired++
			sc.Fired = append(sc.Fired, rc)
		} else {
			sc.Unfired = append(sc.Unfired, rc)
		}
		if rc.Inert {
			cr.Inert++
		}
		if row.Arc >= 1 && row.Arc <= figure5Arcs {
			arcSeen[row.Arc] = true
			arcFired[row.Arc] = arcFired[row.Arc] || rc.Count > 0
		}
	}
	for a := 1; a <= figure5Arcs; a++ {
		switch {
		case !arcSeen[a]:
			cr.MissingArcs = append(cr.MissingArcs, a)
		case arcFired[a]:
			cr.FiredArcs = append(cr.FiredArcs, a)
		default:
			cr.UnfiredArcs = append(cr.UnfiredArcs, a)
		}
	}
	return cr, nil
}

// inertRow reports whether the checker can never take a row as a step: a
// refused user call changes nothing and is not explored, and a timeout
// that changes nothing is not a step (see machine.call).
func inertRow(r *spec.Row) bool {
	if r.Tell.IsError() {
		return true
	}
	return r.On.Kind.IsTimeout() && r.To == r.From && len(r.Send) == 0 && r.Do == 0 && r.Timer == 0 && r.Tell == spec.NoticeNone
}

// NeverFired lists the IDs of the rows that never fired and could have
// (inert rows left out), in table order.
func (c *CoverageReport) NeverFired() []string {
	var out []string
	for _, r := range c.Rows {
		if r.Count == 0 && !r.Inert {
			out = append(out, r.ID)
		}
	}
	return out
}

// Count returns how often the row with the given ID fired, and whether the
// table has such a row.
func (c *CoverageReport) Count(id string) (int, bool) {
	for _, r := range c.Rows {
		if r.ID == id {
			return r.Count, true
		}
	}
	return 0, false
}

// String renders the report: a summary, the Figure 5 arcs never taken,
// then per state the rows that fired with their counts and the rows that
// never did.
func (c *CoverageReport) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "coverage of table %s: %d of %d rows fired", c.Table, c.Fired, len(c.Rows))
	if c.Inert > 0 {
		fmt.Fprintf(&b, " (%d rows refuse a user call or are timeouts that change nothing; no model takes them)", c.Inert)
	}
	b.WriteString("\n")
	fmt.Fprintf(&b, "Figure 5 arcs taken: %s\n", arcList(c.FiredArcs))
	fmt.Fprintf(&b, "Figure 5 arcs never taken: %s\n", arcList(c.UnfiredArcs))
	if len(c.MissingArcs) > 0 {
		fmt.Fprintf(&b, "Figure 5 arcs the table does not have: %s\n", arcList(c.MissingArcs))
	}
	idW := 0
	for _, r := range c.Rows {
		idW = max(idW, len(r.ID))
	}
	for _, s := range c.States {
		fmt.Fprintf(&b, "%s: %d of %d rows fired\n", s.State, len(s.Fired), len(s.Fired)+len(s.Unfired))
		for _, r := range s.Fired {
			fmt.Fprintf(&b, "  fired %-*s %9d%s\n", idW, r.ID, r.Count, arcNote(r.Arc))
		}
		for _, r := range s.Unfired {
			note := arcNote(r.Arc)
			if r.Inert {
				note += " (inert)"
			}
			fmt.Fprintf(&b, "  never %-*s %9s%s\n", idW, r.ID, "-", note)
		}
	}
	return b.String()
}

func arcNote(a int) string {
	if a == 0 {
		return ""
	}
	return fmt.Sprintf("  arc %d", a)
}

func arcList(a []int) string {
	if len(a) == 0 {
		return "none"
	}
	s := make([]string, len(a))
	for i, v := range a {
		s[i] = fmt.Sprint(v)
	}
	return strings.Join(s, ", ")
}
