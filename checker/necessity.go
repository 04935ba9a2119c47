package checker

import (
	"errors"

	"github.com/tcpcheck/tcpcheck/spec"
)

// Necessity claims that an element of the protocol is necessary for a
// property: the property holds on the model's table, and fails once the
// mutation removes or changes that element.
type Necessity struct {
	Name string
	// Property is the property P the element is necessary for.
	Property Property
	// Mutation is the element X, as an overlay on the model's table.
	Mutation spec.Overlay
}

// NecessityOutcome is the result of a necessity check.
type NecessityOutcome struct {
	// Verdict is Holds when P holds on the model and fails on the mutant,
	// Violated when the mutant still satisfies P (X is not necessary), and
	// Inconclusive when a bound cut either search short.
	Verdict Verdict
	Message string
	// Baseline and Mutant are the reports on the unmodified and mutated
	// protocol.
	Baseline, Mutant *Report
	// Trace is the mutant's counterexample: why X is needed.
	Trace *Trace
	// Mechanism names, in words, how the mutant fails (for example "the
	// retransmitted FIN meets a CLOSED endpoint and draws a RST").
	Mechanism string
}

// CheckNecessity checks a necessity claim. An error means the baseline
// does not satisfy P (a necessity claim about a broken baseline proves
// nothing) or the model or mutation is invalid.
func CheckNecessity(m Model, n Necessity, opt Options) (*NecessityOutcome, error) {
	return nil, errors.New("necessity checks are not supported yet")
}
