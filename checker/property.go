package checker

import "fmt"

// Kind is the kind of a property.
type Kind uint8

// The property kinds.
const (
	// Invariant: Pred holds in every reachable state.
	Invariant Kind = iota
	// QuiescentInvariant: Pred holds in every reachable quiescent state
	// (nothing in flight).
	QuiescentInvariant
	// DeadlockFree: every reachable state without a successor satisfies
	// ValidEnd.
	DeadlockFree
	// Reachable: some reachable state satisfies Pred. A property that
	// cannot be reached is violated, which catches vacuous properties.
	Reachable
	// StepInvariant: Step holds for every transition.
	StepInvariant
	// Eventually: on every fair run, Pred eventually holds.
	Eventually
	// LeadsTo: on every fair run, every state satisfying P is followed by
	// one satisfying Q.
	LeadsTo
)

var kindNames = [...]string{"invariant", "quiescent-invariant", "deadlock-free", "reachable", "step-invariant", "eventually", "leads-to"}

// String names the kind as the property language does.
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// ParseKind parses a kind name, the inverse of String, for the property
// language.
func ParseKind(s string) (Kind, error) {
	for i, n := range kindNames {
		if n == s {
			return Kind(i), nil
		}
	}
	return 0, fmt.Errorf("unknown property kind %q", s)
}

// Safety reports whether the kind is decided by the safety search (a
// violation is a finite trace).
func (k Kind) Safety() bool { return k <= StepInvariant }

// Property is something to check of a model.
type Property struct {
	Name string
	Kind Kind
	// Pred is the state predicate of Invariant, QuiescentInvariant,
	// Reachable and Eventually.
	Pred func(*World) bool
	// Step is the transition predicate of StepInvariant.
	Step func(before *World, t *Transition, after *World) bool
	// ValidEnd says which states without successors are fine, for
	// DeadlockFree. nil accepts a state where nothing is in flight and
	// neither endpoint waits for an acknowledgment (closed, listening, or
	// open with nothing left to do); set it when a property means a
	// stricter or a looser end.
	ValidEnd func(*World) bool
	// P and Q are the predicates of LeadsTo.
	P, Q func(*World) bool
	// Fairness lists the fairness assumptions of a liveness property.
	Fairness []Fairness
}

// Fairness is a fairness assumption over a class of actions.
type Fairness struct {
	// Strong selects strong fairness (an action enabled infinitely often
	// is taken infinitely often); otherwise weak fairness (an action
	// enabled continuously from some point is taken).
	Strong bool
	// Class is the class of actions the assumption is about.
	Class ActionClass
}

// ActionClass is a class of transitions that fairness talks about.
type ActionClass uint8

// The action classes.
const (
	// ClassTimers: timeouts (retransmission, 2MSL, user, FIN-WAIT-2).
	ClassTimers ActionClass = iota
	// ClassUsers: user calls and reopens.
	ClassUsers
	// ClassDelivery: delivery of segments.
	ClassDelivery
	// ClassAll: every transition.
	ClassAll
)

var classNames = [...]string{"timers", "users", "delivery", "all"}

// String names the class.
func (c ActionClass) String() string { return classNames[c] }

// ParseActionClass parses a class name, the inverse of String, for the
// property language's fairness assumptions.
func ParseActionClass(s string) (ActionClass, error) {
	for i, n := range classNames {
		if n == s {
			return ActionClass(i), nil
		}
	}
	return 0, fmt.Errorf("unknown action class %q (expected timers, users, delivery or all)", s)
}

// Contains reports whether transition t belongs to the class: whether a
// fairness assumption about the class is about t.
func (c ActionClass) Contains(t *Transition) bool {
	switch c {
	case ClassTimers:
		return t.Action == ActTimeout
	case ClassUsers:
		return t.Action == ActCall || t.Action == ActReopen
	case ClassDelivery:
		return t.Action == ActDeliver
	}
	return true
}

// defaultValidEnd accepts a final state where nothing is in flight and
// neither endpoint waits for an acknowledgment: the connection is closed,
// listening, or open with nothing left to do. A state where an endpoint
// still has unacknowledged segments but can neither retransmit nor time
// out is a deadlock.
func defaultValidEnd(w *World) bool {
	return w.Quiescent() && !w.E[A].TCB.Outstanding() && !w.E[B].TCB.Outstanding()
}

// Verdict is the result for one property.
type Verdict uint8

// The verdicts.
const (
	Holds Verdict = iota
	Violated
	// Inconclusive: a bound (states, depth, time, memory) cut the search
	// short before the property was decided.
	Inconclusive
)

var verdictNames = [...]string{"holds", "violated", "inconclusive"}

// String names the verdict.
func (v Verdict) String() string { return verdictNames[v] }

// ParseVerdict parses "holds", "violated" or "inconclusive", the inverse
// of String, for reading saved results back.
func ParseVerdict(s string) (Verdict, error) {
	for i, n := range verdictNames {
		if n == s {
			return Verdict(i), nil
		}
	}
	return 0, fmt.Errorf("unknown verdict %q (expected holds or violated)", s)
}

// Outcome is the result of checking one property.
type Outcome struct {
	Property string
	Kind     Kind
	Verdict  Verdict
	// Message explains the verdict in a sentence.
	Message string
	// Trace is the counterexample (or, for Reachable, the witness).
	Trace *Trace
	// Vacuous is set when a liveness property holds only because what it
	// speaks of never comes up: a LeadsTo whose P no reachable state
	// satisfies, or an Eventually whose predicate holds in the initial
	// state already. Such a pass says nothing about the protocol.
	Vacuous bool
}

// decided reports whether the property's search found what it looked for
// (a violation, or a Reachable witness).
func (o *Outcome) decided() bool { return o.Trace != nil }
