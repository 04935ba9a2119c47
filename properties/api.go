// Package properties is the YAML language in which users write properties
// and models, and the default property set embedded in the binary.
//
// A property file lists models (two endpoints' users, the network, the
// protocol variant and user overlays on its table) and properties (a kind,
// a formula over the world state, fairness assumptions, RFC references
// and an expected verdict). Load, Parse and LoadDefault decode files
// strictly and report every problem as file:line:col; Suite.Run checks the
// properties with the checker, one exploration per model, and says for
// each whether its verdict is the expected one. The formula language
// compiles to closures over checker.World, so evaluating a formula costs a
// few closure calls per state. docs/properties.md is the authoring guide;
// properties/defaults holds the default set.
package properties

import (
	"errors"
	"fmt"

	"github.com/tcpcheck/tcpcheck/checker"
)

// Position is a place in an input file.
type Position struct {
	File      string
	Line, Col int
}

// String renders the position as file:line:col.
func (p Position) String() string { return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col) }

// Error is one problem in an input file.
type Error struct {
	Pos Position
	Msg string
}

// Error renders "file:line:col: message".
func (e *Error) Error() string { return e.Pos.String() + ": " + e.Msg }

// ErrorList is every problem found in a load, in file order.
type ErrorList []*Error

// Head returns the first n errors, and how many more there are.
func (l ErrorList) Head(n int) (ErrorList, int) {
	if len(l) <= n {
		return l, 0
	}
	return l[:n], len(l) - n
}

// Error renders one error per line.
func (l ErrorList) Error() string {
	var errs []error
	for _, e := range l {
		errs = append(errs, e)
	}
	return errors.Join(errs...).Error()
}

// Model is a named model from a model file (or the default set).
type Model struct {
	Name        string
	Description string
	Pos         Position
	Model       checker.Model
}

// Property is a property from a property file (or the default set).
type Property struct {
	Name        string
	Description string
	// Kind is a checker.Kind name, "necessity" or "coverage".
	Kind    string
	Formula string
	// ModelName is the model the property runs on.
	ModelName string
	// Expect is the expected verdict (Holds or Violated).
	Expect checker.Verdict
	// VacuousExpected says the property's pass is vacuous on purpose
	// ("vacuous: expected"): without it, a vacuous pass (see
	// checker.Outcome.Vacuous) does not match "expect: holds"; with it,
	// only a vacuous pass does.
	VacuousExpected bool
	RFC             []string
	// Pos is the position of the property in its file.
	Pos Position
	// Check is the compiled property; Necessity is set instead for a
	// necessity claim.
	Check     checker.Property
	Necessity *checker.Necessity

	// Why explains, in words a student understands, why the property
	// holds or fails.
	Why string
	// Counterexample describes, for a property expected to be violated,
	// the run that violates it.
	Counterexample string
	// Coverage is set for a coverage property: the arcs and rows that
	// must fire.
	Coverage *Coverage
	// Mutant, if set, is a changed protocol or model on which the
	// property has a different verdict: evidence that the property can
	// fail (or, for a known weakness, that a fix repairs it).
	Mutant *Mutant

	model *Model
}

// Coverage is what a coverage property requires to fire.
type Coverage struct {
	// Arcs are numbers of arcs of RFC 9293 Figure 5 (Row.Arc).
	Arcs []int
	// Rows are IDs of rows of the model's table.
	Rows []string
}

// Mutant is a variation of a property's model with its expected verdict.
type Mutant struct {
	// Description says what changed ("variant rfc793").
	Description string
	// Model is the mutated model.
	Model  *Model
	Expect checker.Verdict
	Pos    Position

	// The property compiled for the mutant's model.
	check     checker.Property
	necessity *checker.Necessity
}

// Check returns the property compiled for the mutant's model, as
// RunOptions.Mutants checks it (for reading back the mutant's
// counterexample).
func (m *Mutant) Check() checker.Property { return m.check }

// Suite is a loaded set of models and properties.
type Suite struct {
	Models     []*Model
	Properties []*Property
}

// RunOptions configure Suite.Run.
type RunOptions struct {
	Search checker.Options
	// Variant, if set, replaces the table of every model with that
	// variant's.
	Variant string
	// Model, if set, runs only the properties of that model.
	Model string
	// Properties, if set, runs only the properties with these names.
	Properties []string
	// Mutants runs every property that has a mutant on its mutant
	// instead, and compares with the mutant's expected verdict.
	Mutants bool
}

// Result is the outcome of one property.
type Result struct {
	Property  *Property
	Outcome   checker.Outcome
	Necessity *checker.NecessityOutcome
	// Report is the search that decided the property (shared by every
	// property of the same model).
	Report *checker.Report
	// Matches reports whether the verdict is the expected one.
	Matches bool
	// Mutant is set when the result is of the property's mutant
	// (RunOptions.Mutants); Matches then compares with its expectation.
	Mutant *Mutant
	// Err is set when the property could not be checked at all (the
	// checker refused the model or the kind); Outcome is then empty.
	Err error
}
