package properties

import (
	"errors"
	"strings"
	"testing"

	"github.com/tcpcheck/tcpcheck/checker"
	"github.com/tcpcheck/tcpcheck/spec"
)

// fuzzWorlds are worlds a fuzzed formula is evaluated on, with a
// transition between the first two.
func fuzzWorlds() (before, after *checker.World, t *checker.Transition) {
	before = established()
	push(before, checker.A, spec.FIN|spec.ACK)
	after = established()
	after.E[checker.B].TCB = spec.TCB{State: spec.CloseWait, Epoch: 2, SndUna: 1, SndNxt: 1, IRSEpoch: 1, RcvNxt: 2}
	push(after, checker.B, spec.ACK)
	push(after, checker.B, spec.RST)
	t = &checker.Transition{Action: checker.ActDeliver, Actor: checker.B, Seg: spec.Segment{Flags: spec.FIN | spec.ACK}, NOut: 1}
	t.Out[0] = spec.Segment{Flags: spec.ACK}
	return before, after, t
}

// FuzzFormula parses, compiles and evaluates arbitrary formulas. It must
// never panic, every error must point inside the formula, and a formula
// compiled as a state predicate must not read the transition (it is
// evaluated with none).
func FuzzFormula(f *testing.F) {
	for _, s := range []string{
		"A.state == ESTABLISHED && B.state == ESTABLISHED => A.synced_with_peer",
		"settled => forall(X, X.state in open => X.synced_with_peer)",
		"step.received has RST => not step.sent has RST",
		"forall(X, before.X.state == LAST-ACK => X.ended != reset)",
		"A.state == SYN-SENT ~> A.state in {ESTABLISHED, CLOSED}",
		"inflight(A->B, SYN+ACK) > 0 || inflight(any) >= 2 || full",
		"exists(Y, Y.peer.peer.state in {synchronized, LISTEN}) && step.actor.peer.closed",
		"step.call in {close, abort} && step.action == call && A.ended in {reset, user-timeout}",
		"((((A.closed))))", "!!!quiescent", "A.state == CLOSED)", "forall(X, ", "# only a comment",
		"B.irs < 0 && A.rcv_nxt >= 1 && lost == duplicated", "A.state in SYN_RCVD", "1 == 1 => 2 < 3",
	} {
		f.Add(s)
	}
	model := &checker.Model{Net: checker.Network{Capacity: 2}}
	before, after, tr := fuzzWorlds()
	f.Fuzz(func(t *testing.T, src string) {
		p, q, err := parseFormula(src)
		if err != nil {
			if err.pos < 0 || err.pos > len(src) {
				t.Fatalf("error position %d outside the formula %q: %s", err.pos, src, err.msg)
			}
			if err.msg == "" {
				t.Fatalf("empty error message for %q", src)
			}
			return
		}
		for _, n := range []node{p, q} {
			if n == nil {
				continue
			}
			for _, m := range []mode{stateMode, stepMode} {
				fn, err := compilePred(n, m, model)
				if err != nil {
					if err.pos < 0 || err.pos > len(src) || err.msg == "" {
						t.Fatalf("bad error %d %q for %q", err.pos, err.msg, src)
					}
					continue
				}
				if m == stateMode {
					statePred(fn)(before)
					statePred(fn)(after)
				} else {
					stepPred(fn)(before, tr, after)
				}
			}
		}
	})
}

// FuzzParse loads arbitrary files. It must never panic; a file that does
// not load must be reported as an ErrorList of positioned errors, and a
// file that loads must give compiled predicates that evaluate without
// panicking.
//
// A run of go test -fuzz seems to stall here at 0 execs/s: that is the
// fuzzer minimizing each new interesting input, for up to
// -fuzzminimizetime (60 s by default). A load takes about 0.1 ms, and a
// property file of a few hundred bytes has tens of thousands of smaller
// candidates, so one minimization can take most of a short run. With
// -fuzzminimizetime 5s, as .ci/run runs it, a run is a run of inputs (about
// 5,000 a second here).
func FuzzParse(f *testing.F) {
	// Small seeds only: the fuzzer minimises every new input it finds,
	// and minimising a whole default file takes longer than a run.
	for _, s := range []string{
		runFile,
		"properties:\n  - {name: p, kind: invariant, formula: \"A.state == CLOSED\"}\n",
		"models:\n  - {name: m, extends: client-server, overlay: {remove-states: [{state: TIME-WAIT, to: CLOSED}]}}\n",
		"properties:\n  - name: p\n   kind: x\n",
		"models: [{name: a, extends: b}, {name: b, extends: a}]\n",
		"models:\n  - {name: m, extends: client-server, retries: forever}\n  - {name: n, extends: m, retries: 2, user-timeout: false}\n",
		"a: &x [*x]\n",
		"models:\n  - {name: d, extends: client-server, user-timeout: after-drain, network: {loss: overflow}}\n",
		"properties:\n  - {name: v, kind: leads-to, formula: \"A.state == LISTEN ~> A.closed\", vacuous: expected}\n",
		"properties:\n  - name: n\n    kind: necessity\n    property-kind: step-invariant\n    formula: forall(X, before.X.state == LAST-ACK => X.ended != reset)\n    mutation: {remove-states: [{state: TIME-WAIT, to: CLOSED}]}\n    mutant: {network: {reorder: false}}\n",
	} {
		f.Add([]byte(s))
	}
	before, after, tr := fuzzWorlds()
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Parse("fuzz.yaml", data)
		if err != nil {
			var list ErrorList
			if !errors.As(err, &list) || len(list) == 0 {
				t.Fatalf("not an ErrorList: %v", err)
			}
			for _, e := range list {
				if e.Pos.Line < 1 || e.Pos.Col < 1 || e.Pos.File == "" || e.Msg == "" {
					t.Fatalf("bad error %q at %+v", e.Msg, e.Pos)
				}
				if !strings.HasPrefix(e.Pos.File, "fuzz.yaml") {
					t.Fatalf("an error in the default files: %v", e)
				}
			}
			return
		}
		for _, p := range s.Properties {
			for _, c := range []checker.Property{p.Check} {
				for _, pred := range []func(*checker.World) bool{c.Pred, c.P, c.Q, c.ValidEnd} {
					if pred != nil {
						pred(before)
						pred(after)
					}
				}
				if c.Step != nil {
					c.Step(before, tr, after)
				}
			}
		}
	})
}
