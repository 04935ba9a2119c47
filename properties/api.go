// Package properties is the YAML language in which users write properties
// and models, and the default property set embedded in the binary.
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
	// Kind is a checker.Kind name or "necessity".
	Kind    string
	Formula string
	// ModelName is the model the property runs on.
	ModelName string
	// Expect is the expected verdict (Holds or Violated).
	Expect checker.Verdict
	RFC    []string
	// Pos is the position of the property in its file.
	Pos Position
	// Check is the compiled property; Necessity is set instead for a
	// necessity claim.
	Check     checker.Property
	Necessity *checker.Necessity
}

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
}
