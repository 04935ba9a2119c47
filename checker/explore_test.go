package checker

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tcpcheck/tcpcheck/spec"
)

// testModels are small configurations covering every option of the world:
// FIFO and reordering, loss with and without a budget, duplication,
// crashes, aborts, reopens with fresh and reused ISNs, simultaneous open
// and two listeners.
func testModels() []Model {
	cs := ClientServer()
	reorderLoss := ClientServer()
	reorderLoss.Name = "reorder-loss"
	reorderLoss.Net = Network{Capacity: 2, Reorder: true, Loss: true, LossBudget: 1}
	reorderLoss.UserTimeout = true
	dup := ClientServer()
	dup.Name = "duplicates"
	dup.Net = Network{Capacity: 3, Reorder: true, Duplicates: 1}
	dup.A.Send = true
	crash := ClientServer()
	crash.Name = "crash-reopen"
	crash.A.Crash = true
	crash.Reopens = 1
	crash.A.Send, crash.B.Send = true, true
	abort := ClientServer()
	abort.Name = "abort"
	abort.A.Abort, abort.B.Abort = true, true
	abort.Net.Loss = true
	abort.Net.LossBudget = 1
	simOpen := ClientServer()
	simOpen.Name = "simultaneous-open"
	simOpen.B.Open = ActiveOpen
	simOpen.Net.Reorder = true
	listeners := ClientServer()
	listeners.Name = "two-listeners"
	listeners.A.Open = PassiveOpen
	listeners.Net.Duplicates = 1
	reuse := ClientServer()
	reuse.Name = "reopen-reuse-isn"
	reuse.Reopens = 1
	reuse.ReuseISN = true
	reuse.Net = Network{Capacity: 2, Reorder: true, Duplicates: 1}
	noTW := reuse
	noTW.Name = "no-time-wait"
	noTW.Table = mustVariant("no-time-wait")
	return []Model{cs, reorderLoss, dup, crash, abort, simOpen, listeners, reuse, noTW}
}

func mustVariant(name string) *spec.Table {
	t, err := spec.ForVariant(name)
	if err != nil {
		panic(err)
	}
	return t
}

func explore(t *testing.T, m Model, opt Options) Stats {
	t.Helper()
	r, err := Check(m, nil, opt)
	require.NoError(t, err)
	require.Empty(t, r.Stats.Bound)
	return r.Stats
}

// TestStrategiesAgree is the cross-check of the search strategies: BFS,
// DFS and fingerprint BFS must find the same states and transitions.
func TestStrategiesAgree(t *testing.T) {
	for _, m := range testModels() {
		t.Run(m.Name, func(t *testing.T) {
			bfs := explore(t, m, Options{})
			dfs := explore(t, m, Options{Strategy: DFS})
			fp := explore(t, m, Options{Fingerprint: true})
			require.Greater(t, bfs.Distinct, 1)
			require.Equal(t, bfs.Distinct, dfs.Distinct, "BFS and DFS distinct states")
			require.Equal(t, bfs.Transitions, dfs.Transitions, "BFS and DFS transitions")
			require.Equal(t, bfs.Distinct, fp.Distinct, "exact and fingerprint distinct states")
			require.Equal(t, bfs.Transitions, fp.Transitions)
			require.Greater(t, fp.OmissionBound, 0.0)
			require.Less(t, fp.OmissionBound, 1e-6)
			inv := Property{Name: "true", Kind: Invariant, Pred: func(*World) bool { return true }}
			r, err := Check(m, []Property{inv}, Options{Fingerprint: true})
			require.NoError(t, err)
			require.Equal(t, Holds, r.Outcomes[0].Verdict)
			require.Contains(t, r.Outcomes[0].Message, "hash collision", "a fingerprint verdict states its bound")
		})
	}
}

// TestHandCounted checks state spaces small enough to count by hand.
func TestHandCounted(t *testing.T) {
	base := Model{Table: spec.Default(), Net: Network{Capacity: 1}}
	cases := []struct {
		name        string
		a, b        Role
		retries     int
		states, trs int
	}{
		// Nobody opens: only the initial state.
		{"idle", Role{}, Role{}, 0, 1, 0},
		// A listens, and that is all: initial, LISTEN.
		{"listen", Role{Open: PassiveOpen}, Role{}, 0, 2, 1},
		// A listens and closes: initial, LISTEN, CLOSED again (with its
		// user's CLOSE recorded, so a different state from the initial).
		{"listen-close", Role{Open: PassiveOpen, Close: true}, Role{}, 0, 3, 2},
		// A connects to a B nobody opened: SYN sent; B (CLOSED) answers
		// <SEQ=0><ACK=101><CTL=RST,ACK>; A, in SYN-SENT, accepts the reset
		// since it acknowledges its SYN, and is CLOSED: four states in a line.
		{"connect-refused", Role{Open: ActiveOpen}, Role{}, 0, 4, 3},
		// The same with one retransmission and a channel of one segment:
		// 1 initial; 2 SYN-SENT [SYN] (the RTO cannot fit yet); 3 SYN-SENT
		// [] [RST,ACK]; 4 CLOSED by the reset; 5 from 3, the RTO: SYN-SENT
		// retries=1 [SYN] [RST,ACK]; 6 from 5, the reset arrives: CLOSED
		// [SYN] []; 7 from 6, B answers the old SYN: CLOSED [] [RST,ACK];
		// and from 7 the RST is dropped, which is state 4 again.
		// Seven states, seven transitions.
		{"connect-refused-retry", Role{Open: ActiveOpen}, Role{}, 1, 7, 7},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := base
			m.Name, m.A, m.B, m.Retries = c.name, c.a, c.b, c.retries
			st := explore(t, m, Options{})
			require.Equal(t, c.states, st.Distinct)
			require.Equal(t, c.trs, st.Transitions)
		})
	}
}

func bothEstablished(w *World) bool {
	return w.E[A].TCB.State == spec.Established && w.E[B].TCB.State == spec.Established
}

// TestShortestCounterexample checks that BFS returns a shortest trace, with
// a table row and RFC citation on every protocol step, identical from run
// to run.
func TestShortestCounterexample(t *testing.T) {
	m := testModels()[1] // reordering and loss: many longer paths exist too
	prop := Property{Name: "never-both-established", Kind: Invariant, Pred: func(w *World) bool { return !bothEstablished(w) }}
	run := func() *Outcome {
		r, err := Check(m, []Property{prop}, Options{})
		require.NoError(t, err)
		return &r.Outcomes[0]
	}
	o := run()
	require.Equal(t, Violated, o.Verdict)
	tr := o.Trace
	// B listens, A connects, SYN, SYN-ACK, ACK: five steps is the minimum.
	require.Len(t, tr.Steps, 5)
	require.True(t, bothEstablished(tr.Final()))
	for i := range tr.Steps {
		s := &tr.Steps[i]
		r, ok := tr.Row(s)
		require.True(t, ok, "step %d has a row", i+1)
		require.NotEmpty(t, r.Cite)
		if i > 0 {
			require.Equal(t, tr.Steps[i-1].After, s.Before, "steps chain")
		}
	}
	require.Equal(t, tr.String(), run().Trace.String(), "byte-identical traces")
	require.Contains(t, tr.String(), "<SEQ=100><CTL=SYN>")
	require.Contains(t, tr.String(), "<SEQ=300><ACK=101><CTL=SYN,ACK>")
}

// TestMutantViolation checks that a mutated table produces the violation
// it should: a SYN-SENT endpoint that ignores the SYN,ACK never
// establishes, so a connection is no longer reachable.
func TestMutantViolation(t *testing.T) {
	reach := Property{Name: "connection-reachable", Kind: Reachable, Pred: bothEstablished}
	m := ClientServer()
	r, err := Check(m, []Property{reach}, Options{})
	require.NoError(t, err)
	require.Equal(t, Holds, r.Outcomes[0].Verdict)
	require.Len(t, r.Outcomes[0].Trace.Steps, 5)

	deaf := spec.Default().Row(mustRow("SYN-SENT/rcv-syn-ack"))
	deaf.To, deaf.Send, deaf.Do = spec.SynSent, nil, 0
	mut, err := spec.Default().Apply(spec.Overlay{Name: "deaf-syn-sent", Replace: []spec.Row{deaf}})
	require.NoError(t, err)
	m.Table = mut
	r, err = Check(m, []Property{reach, {Name: "deadlock", Kind: DeadlockFree}}, Options{})
	require.NoError(t, err)
	require.Equal(t, Violated, r.Outcomes[0].Verdict)
	require.Nil(t, r.Outcomes[0].Trace)
	require.Contains(t, r.Outcomes[0].Message, "no reachable state")
	// The client's SYN is acknowledged and never retransmitted... but the
	// server's SYN,ACK stays outstanding until its retries run out, and
	// with no user timeout it is stuck: a deadlock.
	require.Equal(t, Violated, r.Outcomes[1].Verdict)
	require.False(t, defaultValidEnd(r.Outcomes[1].Trace.Final()))
}

func mustRow(id string) int {
	i, ok := spec.Default().RowIndex(id)
	if !ok {
		panic(id)
	}
	return i
}

// TestBoundsAreInconclusive checks that a search cut short never says
// "holds".
func TestBoundsAreInconclusive(t *testing.T) {
	inv := Property{Name: "true", Kind: Invariant, Pred: func(*World) bool { return true }}
	m := testModels()[1]
	for _, opt := range []Options{{MaxStates: 50}, {MaxDepth: 3}, {MaxDepth: 3, Strategy: DFS}, {MaxMemory: 1}} {
		r, err := Check(m, []Property{inv}, opt)
		require.NoError(t, err)
		require.Equal(t, Inconclusive, r.Outcomes[0].Verdict, "%+v", opt)
		require.NotEmpty(t, r.Stats.Bound)
	}
	r, err := Check(m, []Property{inv}, Options{})
	require.NoError(t, err)
	require.Equal(t, Holds, r.Outcomes[0].Verdict)

	// The states bound is exact, in both visited-set modes.
	for _, fp := range []bool{false, true} {
		r, err = Check(m, []Property{inv}, Options{MaxStates: 50, Fingerprint: fp})
		require.NoError(t, err)
		require.Equal(t, 50, r.Stats.Distinct)
		require.Equal(t, "states", r.Stats.Bound)
	}
}

// TestProgress checks the progress callback's figures: the queue is what
// is found but not yet expanded, and the final call reports the totals.
func TestProgress(t *testing.T) {
	var last Progress
	calls := 0
	m := testModels()[1]
	r, err := Check(m, nil, Options{Progress: func(p Progress) { last = p; calls++ }, ProgressEvery: 1})
	require.NoError(t, err)
	require.GreaterOrEqual(t, calls, 1)
	require.True(t, last.Done)
	require.Equal(t, r.Stats.Distinct, last.Distinct)
	require.Equal(t, r.Stats.Generated, last.Generated)
	require.Zero(t, last.Queue, "a finished BFS has nothing queued")

	var mid []Progress
	_, err = Check(m, nil, Options{MaxStates: 3000, Progress: func(p Progress) { mid = append(mid, p) }, ProgressEvery: 1})
	require.NoError(t, err)
	end := mid[len(mid)-1]
	require.Greater(t, end.Queue, 0, "a cut search leaves states queued")
	require.Less(t, end.Queue, end.Distinct)
}

// TestEncodingRoundTrip checks that decode inverts encode on every state
// of a rich model, so the visited set identifies exactly equal worlds.
func TestEncodingRoundTrip(t *testing.T) {
	for _, m := range testModels() {
		mc := newMachine(&m)
		w := mc.initial()
		seen := 0
		var walk func(w *World, depth int)
		walk = func(w *World, depth int) {
			if depth == 0 {
				return
			}
			mc.successors(w, func(_ *Transition, next *World) {
				var k [maxWords]uint64
				var back World
				mc.codec.encode(next, &k)
				mc.codec.decode(&k, &back)
				require.Equal(t, *next, back)
				seen++
				n := *next
				walk(&n, depth-1)
			})
		}
		walk(&w, 6)
		require.Greater(t, seen, 10, m.Name)
	}
}

// TestPipelineChangesNothing checks the pipelined breadth-first search
// against the same search with the pipeline off: the same verdicts,
// messages, traces, statistics and coverage, for complete searches and for
// searches a states bound cuts short, where the pipeline has expanded
// states an unpipelined search never reaches.
func TestPipelineChangesNothing(t *testing.T) {
	props := []Property{
		{Name: "B-never-established", Kind: Invariant, Pred: func(w *World) bool { return w.E[B].TCB.State != spec.Established }},
		{Name: "no-RST-sent", Kind: StepInvariant, Step: func(_ *World, tr *Transition, _ *World) bool {
			for _, g := range tr.sent() {
				if g.Flags.Has(spec.RST) {
					return false
				}
			}
			return true
		}},
		{Name: "no-deadlock", Kind: DeadlockFree},
		{Name: "both-closed-again", Kind: Reachable, Pred: func(w *World) bool {
			return w.E[A].Closed && w.E[B].Closed && w.E[A].TCB.State == spec.Closed && w.E[B].TCB.State == spec.Closed
		}},
	}
	for _, m := range testModels() {
		for _, bound := range []int{0, 7, 60, 500} {
			for _, p := range [][]Property{nil, props, props[1:2]} {
				opt := Options{MaxStates: bound}
				piped, err := Check(m, p, opt)
				require.NoError(t, err)
				opt.unpipelined = true
				plain, err := Check(m, p, opt)
				require.NoError(t, err)
				piped.Stats.Elapsed, plain.Stats.Elapsed = 0, 0
				piped.Stats.StatesPerSecond, plain.Stats.StatesPerSecond = 0, 0
				require.Equal(t, plain.Stats, piped.Stats, "%s, bound %d, %d properties", m.Name, bound, len(p))
				require.Equal(t, plain.Coverage, piped.Coverage)
				require.Equal(t, plain.Outcomes, piped.Outcomes)
			}
		}
	}
}

// testModel returns the test model named name.
func testModel(name string) Model {
	for _, m := range testModels() {
		if m.Name == name {
			return m
		}
	}
	panic("no test model " + name)
}

// slowInvariant holds everywhere and takes a millisecond a state, as a
// formula of hundreds of thousands of terms does.
var slowInvariant = Property{Name: "slow", Kind: Invariant, Pred: func(*World) bool {
	time.Sleep(time.Millisecond)
	return true
}}

// TestTimeBoundHoldsWhenStatesAreSlow checks that the time bound is
// accurate to 10% when each state costs a millisecond: the clock used to
// be read every 1024 expansions, which here took seconds.
func TestTimeBoundHoldsWhenStatesAreSlow(t *testing.T) {
	const bound = time.Second
	for _, strategy := range []Strategy{BFS, DFS} {
		r, err := Check(Reference(), []Property{slowInvariant}, Options{MaxTime: bound, Strategy: strategy})
		require.NoError(t, err)
		require.Equal(t, "time", r.Stats.Bound, strategy.String())
		require.Equal(t, Inconclusive, r.Outcomes[0].Verdict)
		require.GreaterOrEqual(t, r.Stats.Elapsed, bound)
		require.LessOrEqual(t, r.Stats.Elapsed, bound+bound/10, "%s: the search ran %s with a bound of %s", strategy, r.Stats.Elapsed, bound)
	}
}

// TestStopInterrupts checks Options.Stop: closed before the search, it
// stops at the initial state; closed during it, at the next check; either
// way every undecided property is inconclusive, "interrupted".
func TestStopInterrupts(t *testing.T) {
	inv := Property{Name: "true", Kind: Invariant, Pred: func(*World) bool { return true }}
	closed := make(chan struct{})
	close(closed)
	r, err := Check(testModel("reorder-loss"), []Property{inv}, Options{Stop: closed})
	require.NoError(t, err)
	require.Equal(t, "interrupted", r.Stats.Bound)
	require.Equal(t, 1, r.Stats.Distinct)
	require.Equal(t, Inconclusive, r.Outcomes[0].Verdict)
	require.Contains(t, r.Outcomes[0].Message, "search interrupted after 1 states")

	// Closed from the progress callback once the search is under way: it
	// stops soon after, long before the 215 million states of the model.
	stop := make(chan struct{})
	once := false
	opt := Options{Stop: stop, ProgressEvery: time.Nanosecond, Progress: func(p Progress) {
		if p.Distinct >= 10_000 && !once {
			once = true
			close(stop)
		}
	}}
	r, err = Check(Reference(), []Property{inv}, opt)
	require.NoError(t, err)
	require.Equal(t, "interrupted", r.Stats.Bound)
	require.Equal(t, Inconclusive, r.Outcomes[0].Verdict)
	require.GreaterOrEqual(t, r.Stats.Distinct, 10_000)
	require.Less(t, r.Stats.Distinct, 1_000_000)

	// A liveness property is inconclusive too, never decided on a part
	// of the graph.
	ev := Property{Name: "ev", Kind: Eventually, Pred: func(*World) bool { return true }}
	r, err = Check(testModel("reorder-loss"), []Property{ev}, Options{Stop: closed})
	require.NoError(t, err)
	require.Equal(t, Inconclusive, r.Outcomes[0].Verdict)
	require.Equal(t, "interrupted", r.Stats.Bound)
}

// TestMemoryBoundHolds checks that the memory bound holds to the byte of
// the store's accounting, growths of the visited set included (the old
// and the new table are held together while it grows), and that it is
// not stopped far below the bound. Fingerprint mode used to account for
// neither its table's growth nor the states it had released but kept.
func TestMemoryBoundHolds(t *testing.T) {
	const bound = 48 << 20
	for _, fp := range []bool{false, true} {
		e := newExplorer(ptr(Reference()), nil, Options{MaxMemory: bound, Fingerprint: fp})
		e.run()
		st := e.st
		require.Equal(t, boundMemory, e.end.bound, "fingerprint %v", fp)
		require.LessOrEqual(t, st.peak, int64(bound), "fingerprint %v: peak %d", fp, st.peak)
		require.LessOrEqual(t, st.bytes(), int64(bound))
		// Stopped before a growth that would pass the bound, not long
		// before: the table is at least an eighth of the bound.
		require.Greater(t, st.peak, int64(bound/2), "fingerprint %v: peak %d", fp, st.peak)
		t.Logf("fingerprint %v: %d states, peak %.1f MiB, held %.1f MiB", fp, st.n, float64(st.peak)/(1<<20), float64(st.bytes())/(1<<20))
		st.free()
	}
}

func ptr[T any](v T) *T { return &v }
