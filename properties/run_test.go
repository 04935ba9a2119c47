package properties

import (
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpcheck/tcpcheck/checker"
)

const runFile = `models:
  - name: tiny
    a: {open: active, close: true}
    b: {open: passive, close: true}
    network: {capacity: 2}
    retries: 1
properties:
  - name: never-both-established
    model: tiny
    kind: invariant
    formula: not (A.state == ESTABLISHED && B.state == ESTABLISHED)
    expect: violated
  - name: time-wait-only-for-closers
    model: tiny
    kind: step-invariant
    formula: forall(X, before.X.state == CLOSE-WAIT => X.state in {CLOSE-WAIT, LAST-ACK, CLOSED})
  - name: tiny-arcs
    model: tiny
    kind: coverage
    arcs: [1, 2, 8, 9, 12, 13, 14, 16, 18, 19, 20]
    rows: [TIME-WAIT/2msl]
  - name: tiny-missing-arcs
    model: tiny
    kind: coverage
    arcs: [5, 7, 11]
    expect: violated
  - name: no-sends-on-default
    kind: reachable
    formula: A.state == TIME-WAIT
  - name: wrong-expectation
    model: tiny
    kind: invariant
    formula: A.state != TIME-WAIT
  - name: quiet-means-nothing-in-flight
    model: tiny
    kind: quiescent-invariant
    formula: inflight(any) == 0 && !full
  - name: never-quietly-in-time-wait
    model: tiny
    kind: quiescent-invariant
    formula: A.state != TIME-WAIT
    expect: violated
`

func runSuite(t *testing.T) *Suite {
	t.Helper()
	s, err := Parse("run.yaml", []byte(runFile))
	require.NoError(t, err)
	return s
}

func TestRunGroupsByModel(t *testing.T) {
	s := runSuite(t)
	rs, err := s.Run(RunOptions{})
	require.NoError(t, err)
	require.Len(t, rs, 8)
	for i, r := range rs {
		require.NoError(t, r.Err, r.Property.Name)
		assert.Same(t, s.Properties[i], r.Property)
	}
	// One exploration of tiny decides all of its properties; the default
	// model has its own.
	tiny := rs[0].Report
	for _, i := range []int{1, 2, 3, 5} {
		assert.Same(t, tiny, rs[i].Report, rs[i].Property.Name)
	}
	assert.NotSame(t, tiny, rs[4].Report)
	assert.Equal(t, "tiny", tiny.Model)
	assert.Equal(t, DefaultModel, rs[4].Report.Model)

	assert.Equal(t, checker.Violated, rs[0].Outcome.Verdict)
	assert.True(t, rs[0].Matches)
	assert.Equal(t, checker.Holds, rs[1].Outcome.Verdict)
	assert.True(t, rs[1].Matches)

	// The invariant is violated early, yet coverage needs every
	// transition: the search must not stop when the invariants are
	// decided.
	assert.Equal(t, checker.Holds, rs[2].Outcome.Verdict, rs[2].Outcome.Message)
	assert.Equal(t, "all 12 fire in the "+itoa(tiny.Stats.Distinct)+" reachable states", rs[2].Outcome.Message)
	assert.Equal(t, checker.Violated, rs[3].Outcome.Verdict)
	// Arc 11 fires: the client closes in SYN-SENT, so the server's
	// SYN,ACK meets a CLOSED endpoint, whose RST sends the server back to
	// LISTEN.
	assert.Equal(t, "2 of 3 never fire in the "+itoa(tiny.Stats.Distinct)+" reachable states: arc 5 (LISTEN -> SYN-SENT on SEND), arc 7 (SYN-SENT -> SYN-RECEIVED on rcv SYN)", rs[3].Outcome.Message)
	assert.True(t, rs[3].Matches)
	assert.Equal(t, "fires: arcs 5, 7, 11", s.Properties[3].Formula)

	assert.Equal(t, checker.Holds, rs[4].Outcome.Verdict)
	require.NotNil(t, rs[4].Outcome.Trace)

	assert.Equal(t, checker.Violated, rs[5].Outcome.Verdict)
	assert.False(t, rs[5].Matches, "a verdict other than the expected one does not match")

	assert.Equal(t, checker.Holds, rs[6].Outcome.Verdict)
	assert.Equal(t, checker.Violated, rs[7].Outcome.Verdict)
	assert.True(t, rs[7].Outcome.Trace.Final().Quiescent(), "the counterexample ends in a quiescent state")
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestRunOptions(t *testing.T) {
	s := runSuite(t)

	rs, err := s.Run(RunOptions{Model: "tiny"})
	require.NoError(t, err)
	assert.Len(t, rs, 7, "only the properties of tiny")

	rs, err = s.Run(RunOptions{Properties: []string{"wrong-expectation", "never-both-established"}})
	require.NoError(t, err)
	require.Len(t, rs, 2)
	assert.Equal(t, "never-both-established", rs[0].Property.Name, "suite order, not the order asked")

	_, err = s.Run(RunOptions{Model: "tinny"})
	assert.EqualError(t, err, `no model "tinny" (did you mean "tiny"?)`)
	_, err = s.Run(RunOptions{Properties: []string{"tiny-arc"}})
	assert.EqualError(t, err, `no property "tiny-arc" (did you mean "tiny-arcs"?)`)
	_, err = s.Run(RunOptions{Variant: "rfc7933"})
	assert.EqualError(t, err, `unknown variant "rfc7933" (expected one of rfc9293, rfc793, rfc793-figure, rfc5961, rfc1337, no-time-wait, linux, linux-loopback)`)

	// A variant replaces every model's table: RFC 793's CLOSE in
	// CLOSE-WAIT enters CLOSING, and without TIME-WAIT arc 20 is gone.
	rs, err = s.Run(RunOptions{Variant: "rfc793", Properties: []string{"time-wait-only-for-closers"}})
	require.NoError(t, err)
	assert.Equal(t, checker.Violated, rs[0].Outcome.Verdict)
	assert.Equal(t, "rfc793", rs[0].Outcome.Trace.Table().Name())
	rs, err = s.Run(RunOptions{Variant: "no-time-wait", Properties: []string{"tiny-arcs"}})
	require.NoError(t, err)
	assert.Equal(t, checker.Violated, rs[0].Outcome.Verdict)
	assert.Contains(t, rs[0].Outcome.Message, "arc 20 (TIME-WAIT -> CLOSED on 2MSL timeout; not in table no-time-wait)")
	assert.Contains(t, rs[0].Outcome.Message, "row TIME-WAIT/2msl (not in table no-time-wait)")

	// Search bounds make verdicts inconclusive, coverage included; an
	// arc seen to fire is a fact whatever the bound.
	big, err := Parse("big.yaml", []byte(`properties:
  - {name: invariant, kind: invariant, formula: "true"}
  - {name: arc-5, kind: coverage, arcs: [5]}
  - {name: arc-1, kind: coverage, arcs: [1]}
`))
	require.NoError(t, err)
	rs, err = big.Run(RunOptions{Search: checker.Options{MaxStates: 1000}})
	require.NoError(t, err)
	for _, r := range rs[:2] {
		assert.Equal(t, checker.Inconclusive, r.Outcome.Verdict, r.Property.Name)
		assert.False(t, r.Matches)
	}
	assert.Equal(t, "search cut short by the states bound; not yet seen to fire: arc 5 (LISTEN -> SYN-SENT on SEND)", rs[1].Outcome.Message)
	assert.Equal(t, checker.Holds, rs[2].Outcome.Verdict)

	rs, err = s.Run(RunOptions{Mutants: true})
	require.NoError(t, err)
	assert.Empty(t, rs, "no property of this file has a mutant")
}

func TestRunDeadlockFormula(t *testing.T) {
	s, err := Parse("d.yaml", []byte(`models:
  - name: lossy-no-timeout
    a: {open: active, close: true}
    b: {open: passive, close: true}
    network: {capacity: 4, loss: 1}
    retries: 0
properties:
  - name: default-end
    model: lossy-no-timeout
    kind: deadlock-free
    expect: violated
  - name: anything-goes
    model: lossy-no-timeout
    kind: deadlock-free
    formula: "true"
`))
	require.NoError(t, err)
	rs, err := s.Run(RunOptions{})
	require.NoError(t, err)
	// Without retransmission, a lost SYN leaves the client waiting in
	// SYN-SENT forever.
	assert.Equal(t, checker.Violated, rs[0].Outcome.Verdict)
	final := rs[0].Outcome.Trace.Final()
	assert.True(t, final.E[checker.A].TCB.Outstanding() || final.E[checker.B].TCB.Outstanding())
	assert.Equal(t, checker.Holds, rs[1].Outcome.Verdict)
}

func TestRunNecessity(t *testing.T) {
	s, err := Parse("n.yaml", []byte(`properties:
  - name: time-wait-needed
    model: delayed-segments
    kind: necessity
    property-kind: step-invariant
    formula: forall(X, before.X.state == LAST-ACK => X.ended != reset)
    mutation:
      name: no-tw
      remove-states: [{state: TIME-WAIT, to: CLOSED}]
  - name: not-needed-for-this
    model: delayed-segments
    kind: necessity
    property-kind: invariant
    formula: A.state != SYN-RECEIVED
    mutation: no-time-wait
    expect: violated
  - name: broken-baseline
    kind: necessity
    property-kind: invariant
    formula: A.state != TIME-WAIT
    mutation: no-time-wait
`))
	require.NoError(t, err)
	rs, err := s.Run(RunOptions{})
	require.NoError(t, err)
	require.Len(t, rs, 3)
	for _, r := range rs {
		require.NoError(t, r.Err, r.Property.Name)
	}
	// The same claim as the default time-wait-necessary, with the mutation
	// written as an overlay.
	assert.Equal(t, checker.Holds, rs[0].Outcome.Verdict, rs[0].Outcome.Message)
	require.NotNil(t, rs[0].Necessity)
	require.NotNil(t, rs[0].Outcome.Trace, "the mutant's counterexample")
	assert.Equal(t, "no-tw", rs[0].Outcome.Trace.Table().Name())
	assert.Equal(t, checker.StepInvariant, rs[0].Outcome.Kind)
	assert.Same(t, rs[0].Necessity.Baseline, rs[0].Report)

	assert.Equal(t, checker.Violated, rs[1].Outcome.Verdict, "the client is never in SYN-RECEIVED with or without TIME-WAIT")
	assert.True(t, rs[1].Matches)

	assert.Equal(t, checker.Inconclusive, rs[2].Outcome.Verdict, "a claim about a broken baseline proves nothing")
	assert.NotNil(t, rs[2].Outcome.Trace, "the baseline's counterexample")
	assert.False(t, rs[2].Matches)
}

// TestRunVacuous: a vacuous pass (a leads-to whose trigger no state
// reaches, an eventually true from the start) does not match expect:
// holds; with vacuous: expected it does, and then a pass that is not
// vacuous does not.
func TestRunVacuous(t *testing.T) {
	const src = `models:
  - name: tiny
    a: {open: active, close: true}
    b: {open: passive, close: true}
    network: {capacity: 2}
    retries: 1
properties:
  - name: listen-on-the-active-side
    model: tiny
    kind: leads-to
    formula: A.state == LISTEN ~> A.state == CLOSED
  - name: listen-on-the-active-side-meant
    model: tiny
    kind: leads-to
    formula: A.state == LISTEN ~> A.state == CLOSED
    vacuous: expected
  - name: closed-at-the-start
    model: tiny
    kind: eventually
    formula: A.state == CLOSED
  - name: time-wait-ends
    model: tiny
    kind: leads-to
    formula: A.state == TIME-WAIT ~> A.state == CLOSED
    fairness: [weak all]
  - name: time-wait-ends-said-vacuous
    model: tiny
    kind: leads-to
    formula: A.state == TIME-WAIT ~> A.state == CLOSED
    fairness: [weak all]
    vacuous: expected
`
	s, err := Parse("vacuous.yaml", []byte(src))
	require.NoError(t, err)
	rs, err := s.Run(RunOptions{})
	require.NoError(t, err)
	require.Len(t, rs, 5)
	want := []struct{ vacuous, matches bool }{{true, false}, {true, true}, {true, false}, {false, true}, {false, false}}
	for i, r := range rs {
		require.NoError(t, r.Err)
		assert.Equal(t, checker.Holds, r.Outcome.Verdict, "%s: %s", r.Property.Name, r.Outcome.Message)
		assert.Equal(t, want[i].vacuous, r.Outcome.Vacuous, "%s: %s", r.Property.Name, r.Outcome.Message)
		assert.Equal(t, want[i].matches, r.Matches, r.Property.Name)
	}
}

// TestRunUserTimeoutAfterDrain: with user-timeout: true an endpoint may
// give up while its own FIN is still travelling, so its peer receives the
// FIN of a connection that has already ended; with after-drain it gives
// up only once nothing it sent is in flight, and that cannot happen. The
// switch adds no state bits and removes states (3970 to 2120 here).
func TestRunUserTimeoutAfterDrain(t *testing.T) {
	const src = `models:
  - name: giving-up
    a: {open: active, close: true}
    b: {open: passive, close: true}
    network: {capacity: 2, loss: 1}
    retries: 1
    user-timeout: true
  - name: giving-up-after-drain
    extends: giving-up
    user-timeout: after-drain
properties:
  - name: no-fin-after-giving-up
    model: giving-up
    kind: step-invariant
    formula: "!(step.action == deliver && step.actor == B && step.received has FIN && A.ended == user-timeout)"
  - name: no-fin-after-giving-up-drained
    model: giving-up-after-drain
    kind: step-invariant
    formula: "!(step.action == deliver && step.actor == B && step.received has FIN && A.ended == user-timeout)"
  - name: still-gives-up
    model: giving-up-after-drain
    kind: reachable
    formula: A.ended == user-timeout
`
	s, err := Parse("drain.yaml", []byte(src))
	require.NoError(t, err)
	rs, err := s.Run(RunOptions{})
	require.NoError(t, err)
	require.Len(t, rs, 3)
	assert.Equal(t, checker.Violated, rs[0].Outcome.Verdict, rs[0].Outcome.Message)
	// The counterexample's user timeout fires with A's FIN in flight.
	tr := rs[0].Outcome.Trace
	require.NotNil(t, tr)
	gaveUp := false
	for _, st := range tr.Steps {
		if st.Action == checker.ActTimeout && st.Actor == checker.A && st.After.E[checker.A].Ended == checker.EndUserTimeout {
			gaveUp = true
			assert.NotZero(t, st.After.Net[checker.A].N, "A gave up with nothing of its own in flight")
		}
	}
	assert.True(t, gaveUp)
	assert.Equal(t, checker.Holds, rs[1].Outcome.Verdict, rs[1].Outcome.Message)
	assert.Equal(t, checker.Holds, rs[2].Outcome.Verdict, "after drain, the user still gives up: %s", rs[2].Outcome.Message)
	assert.Less(t, rs[1].Report.Stats.Distinct, 3970, "after drain removes states")
	m := s.Models[len(s.Models)-1].Model
	assert.True(t, m.UserTimeout && m.UserTimeoutAfterDrain)
}

// TestRunOverflowLoss: at capacity 1 a lossless network holds senders
// back, so deadlock-free is inconclusive (a stall of the bound, not of
// TCP); with loss: overflow the full channel drops instead, and the
// search finds a real dead end: a segment dropped after the sender's
// retries are spent.
func TestRunOverflowLoss(t *testing.T) {
	const src = `models:
  - name: tight
    a: {open: active, send: true, close: true}
    b: {open: passive, send: true, close: true}
    network: {capacity: 1}
    retries: 1
  - name: tight-overflow
    extends: tight
    network: {loss: overflow}
properties:
  - {name: lossless, model: tight, kind: deadlock-free}
  - {name: overflow, model: tight-overflow, kind: deadlock-free, expect: violated}
`
	s, err := Parse("overflow.yaml", []byte(src))
	require.NoError(t, err)
	rs, err := s.Run(RunOptions{})
	require.NoError(t, err)
	require.Len(t, rs, 2)
	assert.Equal(t, checker.Inconclusive, rs[0].Outcome.Verdict, rs[0].Outcome.Message)
	assert.Contains(t, rs[0].Outcome.Message, "loss: overflow")
	assert.Positive(t, rs[0].Report.Stats.CapacityBlocked)
	assert.Equal(t, checker.Violated, rs[1].Outcome.Verdict, rs[1].Outcome.Message)
	assert.True(t, rs[1].Matches)
	assert.Zero(t, rs[1].Report.Stats.CapacityBlocked)
	dropped := false
	for _, st := range rs[1].Outcome.Trace.Steps {
		dropped = dropped || st.Dropped > 0
	}
	assert.True(t, dropped, "the dead end follows a drop")
	m := s.Models[len(s.Models)-1].Model
	assert.True(t, m.Net.Overflow && !m.Net.Loss)
}

// TestRunNecessityVacuousBaseline: a necessity claim whose property holds
// only vacuously on the unmodified protocol (the active opener never
// listens, so "A listens ~> ..." is never triggered) proves nothing,
// however the mutant fails: it is marked vacuous and fails expect: holds
// unless the claim says vacuous: expected.
func TestRunNecessityVacuousBaseline(t *testing.T) {
	const src = `models:
  - name: ds
    extends: delayed-segments
    network: {loss: overflow}
properties:
  - name: active-side-never-listens
    model: ds
    kind: necessity
    property-kind: leads-to
    formula: A.state == LISTEN ~> A.state == ESTABLISHED && B.state == LISTEN
    mutation: {remove-states: [{state: TIME-WAIT, to: LISTEN}]}
  - name: active-side-never-listens-meant
    model: ds
    kind: necessity
    property-kind: leads-to
    formula: A.state == LISTEN ~> A.state == ESTABLISHED && B.state == LISTEN
    mutation: {remove-states: [{state: TIME-WAIT, to: LISTEN}]}
    vacuous: expected
`
	s, err := Parse("necessity-vacuous.yaml", []byte(src))
	require.NoError(t, err)
	rs, err := s.Run(RunOptions{})
	require.NoError(t, err)
	require.Len(t, rs, 2)
	for i, r := range rs {
		require.NoError(t, r.Err)
		assert.Equal(t, checker.Holds, r.Outcome.Verdict, r.Outcome.Message)
		assert.True(t, r.Outcome.Vacuous, r.Outcome.Message)
		assert.Contains(t, r.Outcome.Message, "on the unmodified protocol it holds only vacuously")
		assert.Equal(t, i == 1, r.Matches, r.Property.Name)
	}
}
