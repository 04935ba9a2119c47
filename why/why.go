// Package why answers the classic questions about TCP's connection
// management ("why three segments to open?", "why does the side that
// closes first wait in TIME_WAIT?") with the checker: each answer states
// the rule of TCP behind it, checks live that the rule's property holds
// on RFC 9293, and tells the shortest run that goes wrong in a mutant of
// the protocol without the rule. Nothing is stored: if the table changes,
// the answer changes with it.
//
// Each question is backed by a property of the default set (so `tcpcheck
// verify` proves them all) and that property's mutant, or, for a necessity
// claim, its mutation. The answers speak English or Simplified Chinese
// (see package internal/lang); state names, flags and RFC citations stay as RFC 9293
// writes them.
package why

import (
	"fmt"
	"strings"

	"github.com/tcpcheck/tcpcheck/checker"
	"github.com/tcpcheck/tcpcheck/internal/didyoumean"
	"github.com/tcpcheck/tcpcheck/properties"
	"github.com/tcpcheck/tcpcheck/report"
)

// Question is one of the classic questions. Its texts are message keys:
// the English text, translated by the catalogue of package internal/lang.
type Question struct {
	// Key names the question on the command line.
	Key string
	// Property is the default property whose verdict answers it.
	Property string
	// Title asks the question; Rule states the rule of TCP that answers
	// it, and Cite where RFC 9293 (or another RFC) says so.
	Title, Rule, Cite string
	// Mutant says what the protocol without the rule does, and Wrong what
	// went wrong in its counterexample, in one sentence.
	Mutant, Wrong string
	// Also holds the further rules that answer the question, each with
	// its own property and mutant (their Key and Title are empty).
	Also []Question
}

// Questions lists the questions, in the order a course meets them.
func Questions() []Question { return append([]Question(nil), questions...) }

// Lookup finds a question by its key.
func Lookup(key string) (Question, error) {
	var keys []string
	for _, q := range questions {
		if q.Key == key {
			return q, nil
		}
		keys = append(keys, q.Key)
	}
	msg := fmt.Sprintf("no question %q (the questions: %s)", key, strings.Join(keys, ", "))
	if s, ok := didyoumean.Closest(key, keys, true); ok {
		msg += fmt.Sprintf("; did you mean %s?", s)
	}
	return Question{}, fmt.Errorf("%s", msg)
}

// Answer is a question answered by the checker.
type Answer struct {
	Question Question
	// States is how many states the check of the property on rfc9293
	// explored; Model names the model it ran on.
	States int
	Model  string
	// Counterexample is the shortest run that goes wrong without the
	// rule.
	Counterexample *checker.TraceView
	// Also answers the question's further rules, in order.
	Also []*Answer
}

// Ask answers q: it checks q's property on RFC 9293, which must hold, and
// on its mutant (or mutation), which must fail, and keeps the mutant's
// counterexample. An error says that a check did not come out as the
// answer needs: the answer would be wrong, so none is given.
func Ask(suite *properties.Suite, q Question, opt checker.Options) (*Answer, error) {
	a, err := askOne(suite, q, opt)
	if err != nil {
		return nil, err
	}
	for _, more := range q.Also {
		more.Key = q.Key
		b, err := askOne(suite, more, opt)
		if err != nil {
			return nil, err
		}
		a.Also = append(a.Also, b)
	}
	return a, nil
}

// askOne answers one rule of a question.
func askOne(suite *properties.Suite, q Question, opt checker.Options) (*Answer, error) {
	base, err := suite.Run(properties.RunOptions{Properties: []string{q.Property}, Search: opt})
	if err != nil {
		return nil, err
	}
	r := base[0]
	if r.Err != nil {
		return nil, fmt.Errorf("question %s: property %s: %w", q.Key, q.Property, r.Err)
	}
	a := &Answer{Question: q, Model: r.Property.ModelName}
	if r.Necessity != nil {
		// A necessity claim holds when the property holds on rfc9293 and
		// fails once the mutation is applied: its trace is the mutation's
		// counterexample.
		if r.Necessity.Verdict != checker.Holds || r.Necessity.Trace == nil {
			return nil, fmt.Errorf("question %s: the necessity claim %s does not hold: %s", q.Key, q.Property, r.Necessity.Message)
		}
		a.States = r.Necessity.Baseline.Stats.Distinct
		a.Counterexample = report.Build(suite, base, "", false).Results[0].Trace
		return a, nil
	}
	if r.Outcome.Verdict != checker.Holds {
		return nil, fmt.Errorf("question %s: property %s does not hold on rfc9293: %s", q.Key, q.Property, r.Outcome.Message)
	}
	a.States = r.Report.Stats.Distinct
	mut, err := suite.Run(properties.RunOptions{Properties: []string{q.Property}, Search: opt, Mutants: true})
	if err != nil {
		return nil, err
	}
	if m := mut[0]; m.Err != nil || m.Outcome.Verdict != checker.Violated || m.Outcome.Trace == nil {
		return nil, fmt.Errorf("question %s: property %s does not fail on its mutant (%s): %s", q.Key, q.Property, m.Property.Mutant.Description, m.Outcome.Message)
	}
	a.Counterexample = report.Build(suite, mut, "", false).Results[0].Trace
	return a, nil
}
