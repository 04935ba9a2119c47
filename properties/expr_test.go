package properties

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpcheck/tcpcheck/checker"
	"github.com/tcpcheck/tcpcheck/spec"
)

// compileState compiles a state formula for a model with the given
// channel capacity.
func compileState(t *testing.T, src string) func(*checker.World) bool {
	t.Helper()
	p, q, err := parseFormula(src)
	require.Nil(t, err, "parse %q", src)
	require.Nil(t, q)
	m := checker.Model{Net: checker.Network{Capacity: 2}}
	f, err := compilePred(p, stateMode, &m)
	require.Nil(t, err, "compile %q: %v", src, err)
	return statePred(f)
}

func compileStep(t *testing.T, src string) func(*checker.World, *checker.Transition, *checker.World) bool {
	t.Helper()
	p, _, err := parseFormula(src)
	require.Nil(t, err, "parse %q", src)
	m := checker.Model{Net: checker.Network{Capacity: 2}}
	f, err := compilePred(p, stepMode, &m)
	require.Nil(t, err, "compile %q: %v", src, err)
	return stepPred(f)
}

// established returns a world where A (ISN epoch 1) and B (epoch 2) are
// ESTABLISHED on one connection, with nothing in flight.
func established() *checker.World {
	var w checker.World
	w.E[checker.A].TCB = spec.TCB{State: spec.Established, Epoch: 1, SndUna: 1, SndNxt: 1, IRSEpoch: 2, RcvNxt: 1}
	w.E[checker.B].TCB = spec.TCB{State: spec.Established, Epoch: 2, SndUna: 1, SndNxt: 1, IRSEpoch: 1, RcvNxt: 1, Passive: true}
	w.E[checker.A].Opened, w.E[checker.B].Opened = true, true
	return &w
}

func push(w *checker.World, from checker.Side, f spec.Flags) {
	ch := &w.Net[from]
	ch.Seg[ch.N] = spec.Segment{Flags: f}
	ch.N++
}

func TestFormulaSemantics(t *testing.T) {
	est := established()

	halfOpen := established()
	halfOpen.E[checker.B].TCB = spec.ClosedTCB(2)
	halfOpen.E[checker.B].Ended = checker.EndCrashed
	halfOpen.E[checker.B].Crashed = true

	busy := established()
	push(busy, checker.A, spec.FIN|spec.ACK)
	push(busy, checker.A, spec.ACK)
	push(busy, checker.B, spec.RST)

	waiting := established()
	waiting.E[checker.A].TCB.State = spec.FinWait1
	waiting.E[checker.A].TCB.SndNxt = 2
	waiting.E[checker.A].Closed = true

	otherConn := established()
	otherConn.E[checker.B].TCB.IRSEpoch = 0 // B is on A's previous incarnation

	cases := []struct {
		formula string
		w       *checker.World
		want    bool
	}{
		{"A.state == ESTABLISHED", est, true},
		{"A.state == established", est, true},
		{"ESTABLISHED == B.state", est, true},
		{"A.state != ESTABLISHED", est, false},
		{"A.state in synchronized", est, true},
		{"A.state in unsynchronized", est, false},
		{"B.state in {CLOSED, LISTEN}", halfOpen, true},
		{"B.state in {SYN_RCVD, LISTEN}", halfOpen, false},
		{"A.state in {synchronized, CLOSED}", halfOpen, true},
		{"B.state in has_tcb", halfOpen, false},
		{"B.state in has-tcb", halfOpen, false},
		{"A.state in open", waiting, true},
		{"A.state in fin_sent", waiting, true},
		{"A.state in fin_sent", est, false},
		{"A.synced_with_peer && B.synced_with_peer", est, true},
		{"A.synced_with_peer", halfOpen, false},
		{"A.synced_with_peer", otherConn, false},
		{"A.irs == B.isn && B.irs == A.isn", est, true},
		{"B.irs < 0", halfOpen, true},
		{"A.rcv_nxt == 1 && B.rcv_nxt < 0", halfOpen, true},
		{"B.ended == crashed && B.crashed", halfOpen, true},
		{"B.ended in {reset, refused}", halfOpen, false},
		{"A.ended == none", est, true},
		{"quiescent", est, true},
		{"quiescent", busy, false},
		{"settled", est, true},
		{"settled", waiting, false}, // the FIN is unacknowledged
		{"full", busy, true},
		{"full", est, false},
		{"inflight(A->B) == 2", busy, true},
		{"inflight(A->B, FIN) == 1", busy, true},
		{"inflight(A->B, ACK) == 2", busy, true},
		{"inflight(A->B, FIN+ACK) == 1", busy, true},
		{"inflight(B->A, RST) > 0", busy, true},
		{"inflight(any, ACK) >= 2 && inflight(any) > 2", busy, true},
		{"A.incarnation == B.incarnation", est, true},
		{"A.closed", waiting, true},
		{"A.outstanding && !B.outstanding", waiting, true},
		{"B.passive && !A.passive", est, true},
		{"A.peer.state == B.state && A.peer.peer.isn == A.isn", est, true},
		{"forall(X, X.state == ESTABLISHED)", est, true},
		{"forall(X, X.state == ESTABLISHED)", halfOpen, false},
		{"exists(X, X.state == CLOSED)", halfOpen, true},
		{"forall(X, X.state in open => X.synced_with_peer)", halfOpen, false},
		{"forall(X, X.state in open => X.synced_with_peer)", est, true},
		{"forall(X, exists(Y, Y.state == X.peer.state))", est, true},
		{"true && !false", est, true},
		{"false => A.state == CLOSED", est, true},
		{"A.state == CLOSED => false", est, true},
		// => is right associative and binds loosest: a => b => c is
		// a => (b => c).
		{"true => false => false", est, true},
		{"true || false && false", est, true}, // && binds tighter than ||
		{"(true || false) && false", est, false},
		{"not A.state == CLOSED", est, true},
		{"!!quiescent", est, true},
		{"(A.state == ESTABLISHED) == (B.state == ESTABLISHED)", halfOpen, false},
		{"lost == 0 && duplicated == 0", est, true},
		{"A.retries <= 0 && A.snd_nxt >= A.snd_una", waiting, true},
		{"A.data_sent || A.data_queued || A.close_pending || A.sent || A.aborted", est, false},
		{"A.opened # a comment ends the line\n && B.opened", est, true},
	}
	for _, c := range cases {
		f := compileState(t, c.formula)
		assert.Equal(t, c.want, f(c.w), "%s", c.formula)
	}
}

func TestStepFormulaSemantics(t *testing.T) {
	before := established()
	after := established()
	after.E[checker.B].TCB = spec.ClosedTCB(2)
	after.E[checker.B].Ended = checker.EndReset
	rstIn := &checker.Transition{Action: checker.ActDeliver, Actor: checker.B, Seg: spec.Segment{Flags: spec.RST}}
	rstBack := *rstIn
	rstBack.Out[0] = spec.Segment{Flags: spec.RST | spec.ACK}
	rstBack.NOut = 1
	closeCall := &checker.Transition{Action: checker.ActCall, Actor: checker.A, Call: spec.Close, NOut: 1}
	closeCall.Out[0] = spec.Segment{Flags: spec.FIN | spec.ACK}
	oldFin := &checker.Transition{Action: checker.ActDeliver, Actor: checker.B, Seg: spec.Segment{Flags: spec.FIN | spec.ACK},
		Event: spec.Event{Kind: spec.Arrive, Flags: spec.FIN | spec.ACK, Seq: spec.SeqInOrder, Ack: spec.AckOld}}

	cases := []struct {
		formula string
		t       *checker.Transition
		want    bool
	}{
		{"step.received has RST => not step.sent has RST", rstIn, true},
		{"step.received has RST => not step.sent has RST", &rstBack, false},
		{"step.sent has RST+ACK", &rstBack, true},
		{"step.nsent == 1", &rstBack, true},
		{"step.action == deliver && step.actor == B", rstIn, true},
		{"step.action == call && step.call == close", closeCall, true},
		{"step.call == close", rstIn, false},
		{"step.call in {close, abort}", closeCall, true},
		{"step.call == 2msl", closeCall, false},
		{"step.call != 2msl && A.state == ESTABLISHED", closeCall, true},
		{"step.action in {lose, duplicate}", rstIn, false},
		{"step.received has FIN", closeCall, false},
		{"step.sent has FIN", closeCall, true},
		{"step.actor.state == CLOSED", rstIn, true},
		{"before.B.state == ESTABLISHED && B.state == CLOSED && B.ended == reset", rstIn, true},
		{"forall(X, before.X.state == ESTABLISHED => X.ended != reset)", rstIn, false},
		{"step.actor.peer.state == ESTABLISHED", rstIn, true},
		{"before.quiescent && before.B.synced_with_peer", rstIn, true},
		{"step.ack == old && step.seq == in-order", oldFin, true},
		{"step.ack in {duplicate, old}", oldFin, true},
		{"step.ack == OF-FIN", oldFin, false},
		{"step.seq in {outside, beyond}", oldFin, false},
		// A step that delivers nothing has no classes.
		{"step.ack == none || step.seq == unchecked", closeCall, false},
		{"step.ack != old", closeCall, true},
	}
	for _, c := range cases {
		f := compileStep(t, c.formula)
		assert.Equal(t, c.want, f(before, c.t, after), "%s", c.formula)
	}
}

// TestFormulaErrors checks the message and the byte offset of each kind
// of mistake.
func TestFormulaErrors(t *testing.T) {
	cases := []struct {
		formula string
		step    bool
		pos     int
		msg     string
	}{
		{"", false, 0, "the formula is empty"},
		{"A.state == ESTABLISHD", false, 11, `unknown state "ESTABLISHD" (did you mean "ESTABLISHED"?)`},
		{"A.stat == CLOSED", false, 2, `an endpoint has no field "stat" (did you mean "state"?)`},
		{"A.state == CLOSED &&", false, 20, "the formula ends where an operand was expected"},
		{"A.state = CLOSED", false, 8, `"=" is not an operator; write "==" to compare`},
		{"A.state == CLOSED & B.state == CLOSED", false, 18, `"&" is not an operator; write "&&" for and`},
		{"(A.state == CLOSED", false, 18, `expected ")" to close a "(", found the end of the formula`},
		{"A.state == CLOSED)", false, 17, `unexpected ")": no "(" is open`},
		{"A.state == CLOSED B.state == CLOSED", false, 18, `unexpected "B" after a complete formula (missing "&&" or "||"?)`},
		{"A.state == CLOSED -> B.state == CLOSED", false, 18, `unexpected "->" after a complete formula ("->" is not an operator here: write "=>" for implies, or "~>" for leads-to)`},
		{"A.state", false, 0, "the formula is a state, not a truth value (did you mean to compare it with something?)"},
		{"A.state == 3", false, 8, "cannot compare a state with a number"},
		{"A.state < CLOSED", false, 8, "a state can only be compared with == and != (< has no order)"},
		{"A.incarnation in {CLOSED}", false, 14, `"in" tests a state, an ending, a side, an action, a call or a class, not a number`},
		{"A.state in synchronised", false, 11, `unknown state set "synchronised" (did you mean "synchronized"?) (a set of states is written in braces, as in {CLOSED, LISTEN})`},
		{"A.state in {}", false, 12, "the set is empty"},
		{"A.ended == rest", false, 11, `unknown ending "rest" (expected one of none, closed, reset, refused, user-timeout, aborted, crashed, other) (did you mean "reset"?)`},
		{"inflight(A->B, FYN) > 0", false, 15, `unknown flag "FYN" (did you mean "FIN"?)`},
		{"inflight(A->A) > 0", false, 10, "a direction goes from one side to the other, as in A->B"},
		{"inflight(A) > 0", false, 9, "expected a direction such as A->B, or any, as the first argument of inflight"},
		{"infligth(A->B) > 0", false, 0, `unknown function "infligth" (did you mean "inflight"?)`},
		{"ESTABLISHED", false, 0, "ESTABLISHED is a state; compare a state with it, as in A.state == ESTABLISHED"},
		{"synchronized", false, 0, "synchronized is a set of states; test a state against it, as in A.state in synchronized"},
		{"quiesent", false, 0, `unknown name "quiesent" (did you mean "quiescent"?)`},
		{"C.state == CLOSED", false, 0, `unknown name "C"`},
		{"step.received has RST", false, 0, "step variables are only available in a step-invariant, which looks at one step"},
		{"before.A.state == CLOSED", false, 0, `"before" is only available in a step-invariant, which looks at one step`},
		{"step.recieved has RST", true, 5, `a step has no field "recieved" (did you mean "received"?)`},
		{"step.received == RST", true, 17, `flags are tested with "has", as in step.sent has RST`},
		{"step.ack == olde", true, 12, `unknown acknowledgment class "olde" (expected one of none, of-SYN, of-data, of-FIN, duplicate, old, unacceptable) (did you mean "old"?)`},
		{"step.seq == byond", true, 12, `unknown sequence class "byond" (expected one of unchecked, in-order, ahead, irs, outside, beyond) (did you mean "beyond"?)`},
		{"step.ack < old", true, 9, "an acknowledgment class can only be compared with == and != (< has no order)"},
		{"step.seq == old", true, 12, `unknown sequence class "old" (expected one of unchecked, in-order, ahead, irs, outside, beyond)`},
		{"step.action == delivr", true, 15, `unknown action "delivr" (expected one of call, timeout, deliver, lose, duplicate, crash, reopen) (did you mean "deliver"?)`},
		{"forall X: X.state == CLOSED", false, 7, `expected "(" after "forall", as in forall(X, X.state == CLOSED), found "X"`},
		{"forall(A, A.state == CLOSED)", false, 7, `"A" is a reserved name; choose another variable name, such as X`},
		{"forall(X, forall(X, X.closed))", false, 17, `variable "X" is already bound by an enclosing quantifier`},
		{"forall(X X.closed)", false, 9, `expected "," after the variable X, as in forall(X, X.state == CLOSED), found "X"`},
		{"A.closed && 12x", false, 12, `unknown name "12x"`},
		{"step.call == 2mls", true, 13, `unknown call "2mls" (expected one of listen, connect, send, close, abort, rto, 2msl, user-timeout, fin-wait-2-timeout) (did you mean "2msl"?)`},
		{"A.closed $ B.closed", false, 9, `unexpected character '$'`},
		{"A.closed ~> B.closed ~> A.closed", false, 21, `a formula has at most one "~>"`},
		{"A.state in open && !", false, 20, "the formula ends where an operand was expected"},
		{"A.closed && || B.closed", false, 12, `expected an operand before "||"`},
		{"A.closed == 1", false, 9, "cannot compare a truth value with a number"},
		{"A. == 1", false, 3, `expected a field name after ".", found "=="`},
		{"A.state.x == 1", false, 8, "A.state has no fields"},
		{"quiescent.x", false, 10, `"quiescent" has no fields`},
		{"A.state in CLOSED", false, 11, `unknown state set "CLOSED" (a set of states is written in braces, as in {CLOSED, LISTEN})`},
		{"A.state in {open}", false, 0, ""}, // a named set inside braces is fine
		{"B.irs == -1", false, 9, `"-" is not an operator: there is no subtraction and no negative number (irs is -1 when unknown: write B.irs < 0)`},
		{"before.step.actor == B", true, 7, `"step" cannot follow "before."`},
		{"before == 1", true, 0, `expected a name after "before.", as in before.A.state`},
	}
	for _, c := range cases {
		p, q, err := parseFormula(c.formula)
		if err == nil && q != nil {
			t.Errorf("%q: unexpected leads-to", c.formula)
			continue
		}
		if err == nil {
			m := stateMode
			if c.step {
				m = stepMode
			}
			_, err = compilePred(p, m, &checker.Model{Net: checker.Network{Capacity: 2}})
		}
		if c.msg == "" {
			assert.Nil(t, err, "%q", c.formula)
			continue
		}
		if !assert.NotNil(t, err, "%q", c.formula) {
			continue
		}
		assert.Equal(t, c.msg, err.msg, "%q", c.formula)
		assert.Equal(t, c.pos, err.pos, "%q: %s", c.formula, err.msg)
	}
}

func TestLeadsToParses(t *testing.T) {
	p, q, err := parseFormula("A.state == SYN-SENT ~> A.state in {ESTABLISHED, CLOSED}")
	require.Nil(t, err)
	require.NotNil(t, q)
	m := checker.Model{Net: checker.Network{Capacity: 2}}
	pf, err := compilePred(p, stateMode, &m)
	require.Nil(t, err)
	qf, err := compilePred(q, stateMode, &m)
	require.Nil(t, err)
	w := established()
	assert.False(t, statePred(pf)(w))
	assert.True(t, statePred(qf)(w))
}

// BenchmarkFormula measures a typical property on one world: the checker
// evaluates it on every state.
func BenchmarkFormula(b *testing.B) {
	src := "settled => forall(X, X.state in open => X.synced_with_peer)"
	p, _, _ := parseFormula(src)
	f, err := compilePred(p, stateMode, &checker.Model{Net: checker.Network{Capacity: 2}})
	if err != nil {
		b.Fatal(err)
	}
	pred := statePred(f)
	w := established()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if !pred(w) {
			b.Fatal("false")
		}
	}
}

func TestSuggest(t *testing.T) {
	assert.Equal(t, ` (did you mean "model"?)`, suggest("modle", propertyKeys))
	assert.Equal(t, ` (did you mean "FIN"?)`, suggestFold("FYN", flagNameList()), "a tie goes to the same first letter")
	assert.Equal(t, ` (did you mean "TIME-WAIT"?)`, suggestFold("time_wiat", stateNameList()))
	assert.Equal(t, "", suggest("C", []string{"A", "B"}), "one-letter names suggest nothing")
	assert.Equal(t, "", suggest("completely-different", propertyKeys))
	assert.Equal(t, "", suggest(strings.Repeat("x", 100), propertyKeys), "long input is not compared")
}

// TestEveryCallNameParses: every call and timeout a formula may name
// compiles, those whose key starts with a digit (2msl) included.
func TestEveryCallNameParses(t *testing.T) {
	names := callNames()
	require.Contains(t, names, "2msl")
	for _, n := range names {
		compileStep(t, "step.call == "+n+" || step.call in {"+n+"}")
	}
}
