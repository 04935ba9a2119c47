package checker

import (
	"errors"
	"fmt"
	"math"
	"time"
)

// Strategy is the order in which states are explored.
type Strategy uint8

// The strategies.
const (
	// BFS explores level by level, so every counterexample is a shortest
	// one, and identical from run to run.
	BFS Strategy = iota
	// DFS explores the newest state first.
	DFS
)

// String names the strategy.
func (s Strategy) String() string { return [...]string{"bfs", "dfs"}[s] }

// ParseStrategy parses "bfs" or "dfs", the inverse of String, for flags
// and configuration files.
func ParseStrategy(s string) (Strategy, error) {
	switch s {
	case "bfs":
		return BFS, nil
	case "dfs":
		return DFS, nil
	}
	return 0, fmt.Errorf("unknown strategy %q (expected bfs or dfs)", s)
}

// Options bound and shape a search. Zero bounds mean unbounded.
type Options struct {
	Strategy Strategy
	// Fingerprint stores 64-bit hashes instead of states: less memory, and
	// a small chance, bounded in Stats.OmissionBound, of missing a state.
	Fingerprint bool
	MaxStates   int
	MaxDepth    int
	MaxTime     time.Duration
	// MaxMemory bounds the bytes the visited set may hold.
	MaxMemory int64
	// Stop, when it is closed, stops the search as a bound would: every
	// property not yet decided is Inconclusive, and Stats.Bound is
	// "interrupted". It is checked as often as the time bound, which is
	// adaptive: about every 20 milliseconds of search, or every fiftieth
	// of MaxTime if that is shorter, and after every state when expanding
	// one takes longer. A nil channel never stops the search.
	Stop <-chan struct{}
	// Progress, if set, is called about every ProgressEvery during the
	// search, and once at the end.
	Progress      func(Progress)
	ProgressEvery time.Duration
	// unpipelined turns the BFS pipeline off, so that tests can check
	// that it changes nothing.
	unpipelined bool
}

// Progress is a snapshot of a running search.
type Progress struct {
	// Model is the name of the model being searched.
	Model                      string
	Generated, Distinct, Queue int
	Depth                      int
	Elapsed                    time.Duration
	// StatesPerSecond is Distinct divided by Elapsed: the average since
	// the start, not the current rate.
	StatesPerSecond float64
	// StoreBytes is the memory held by the visited set and the state
	// store so far (Stats.StoreBytes).
	StoreBytes int64
	Done       bool
}

// Stats describe a finished search.
type Stats struct {
	Strategy    string
	Fingerprint bool
	// Generated counts successor states produced; Distinct counts the
	// different states found; Transitions counts the edges explored.
	Generated, Distinct, Transitions int
	// Depth is the length of the longest shortest path explored (BFS) or
	// the deepest stack (DFS).
	Depth int
	// StoreBytes is the memory held by the visited set and the state
	// store; BytesPerState divides it by Distinct.
	StoreBytes    int64
	BytesPerState float64
	Elapsed       time.Duration
	// StatesPerSecond is Distinct divided by Elapsed.
	StatesPerSecond float64
	// CapacityBlocked counts transitions not taken because a channel was
	// full (the model's capacity bound, not a search bound).
	CapacityBlocked int
	// OmissionBound, in fingerprint mode, bounds the probability that a
	// hash collision hid a state: Distinct^2 / 2^65.
	OmissionBound float64
	// Bound names the search bound that cut the search short ("states",
	// "depth", "time", "memory", "interrupted": Options.Stop was closed, or
	// "epochs": an endpoint would have selected more ISNs than the state
	// encoding holds, MaxEpochs), or is empty for a complete search.
	Bound string
}

// Coverage counts, for each row of the model's table (by index), how many
// explored transitions took it. A row that never fired marks a part of the
// protocol the model is too narrow to exercise.
type Coverage []int

// Report is the result of checking properties of one model.
type Report struct {
	Model    string
	Outcomes []Outcome
	Stats    Stats
	Coverage Coverage
}

// ErrModel wraps a model the checker cannot explore; test for it with
// errors.Is to tell a bad model from a failed property.
var ErrModel = errors.New("invalid model")

// Check explores the model and decides its safety properties (and, for
// liveness properties, builds the graph and decides them too). It is the
// way to check properties; CheckNecessity and Explore serve two special
// uses. It returns an error only for a model it cannot explore; bounds
// give Inconclusive verdicts, never errors.
func Check(m Model, props []Property, opt Options) (*Report, error) {
	if err := m.Validate(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrModel, err)
	}
	e := newExplorer(&m, props, opt)
	defer e.st.free()
	e.run()
	if e.end.err != nil {
		return nil, fmt.Errorf("%w: %w", ErrModel, e.end.err)
	}
	rep := e.report()
	if hasLiveness(props) {
		if err := checkLiveness(e, rep); err != nil {
			return nil, err
		}
	}
	return rep, nil
}

func hasLiveness(props []Property) bool {
	for i := range props {
		if !props[i].Kind.Safety() {
			return true
		}
	}
	return false
}

// report turns the search's outcome into verdicts: a trace decides a
// safety property; otherwise only a complete search may say it holds.
func (e *explorer) report() *Report {
	el := time.Since(e.start)
	stats := Stats{
		Strategy: e.opt.Strategy.String(), Fingerprint: e.opt.Fingerprint,
		Generated: e.generated, Distinct: e.st.n, Transitions: e.transitions, Depth: e.depth,
		StoreBytes: e.st.bytes(), Elapsed: el, CapacityBlocked: e.capacityBlocked, Bound: e.end.bound.String(),
	}
	if e.st.n > 0 {
		stats.BytesPerState = float64(stats.StoreBytes) / float64(e.st.n)
	}
	stats.StatesPerSecond = float64(e.st.n) / max(el.Seconds(), 1e-9)
	if e.opt.Fingerprint {
		n := float64(e.st.n)
		stats.OmissionBound = n * n / math.Pow(2, 65)
	}
	rep := &Report{Model: e.m.Name, Stats: stats, Coverage: e.coverage}
	for i := range e.props {
		p := &e.props[i]
		o := e.out[i]
		if !p.Kind.Safety() {
			rep.Outcomes = append(rep.Outcomes, o)
			continue
		}
		switch {
		case p.Kind == Reachable && o.Trace != nil:
			o.Verdict = Holds
			o.Message = fmt.Sprintf("reachable in %s", steps(len(o.Trace.Steps)))
		case o.Trace != nil:
			o.Verdict = Violated
			o.Message = violationMessage(p.Kind, o.Trace)
		case !e.end.complete():
			o.Verdict = Inconclusive
			o.Message = e.cutShort() + "; the property was not decided"
		case p.Kind == Reachable:
			o.Verdict = Violated
			o.Message = fmt.Sprintf("no reachable state satisfies it (all %d states explored)", e.st.n) + omission(&stats)
		case e.capacityStalls[i] > 0:
			o.Verdict = Inconclusive
			o.Message = fmt.Sprintf("no deadlock but where a full channel held a sender back: %d states have no successor only because the model's capacity bound (%d segments per direction) blocked a send, which a real network does not do; raise network.capacity, or let the network drop what it cannot hold (loss: overflow)",
				e.capacityStalls[i], e.m.Net.Capacity)
		default:
			o.Verdict = Holds
			o.Message = fmt.Sprintf("holds in all %d reachable states", e.st.n) + omission(&stats)
		}
		rep.Outcomes = append(rep.Outcomes, o)
	}
	return rep
}

// cutShort says which bound cut the search short.
func (e *explorer) cutShort() string {
	switch e.end.bound {
	case boundEpochs:
		return fmt.Sprintf("search cut short by the epochs bound: an endpoint's ISN clock would pass epoch %d, the last the state encoding holds (%d states explored)", MaxEpochs-1, e.st.n)
	case boundInterrupted:
		return fmt.Sprintf("search interrupted after %d states", e.st.n)
	}
	return fmt.Sprintf("search cut short by the %s bound after %d states", e.end.bound, e.st.n)
}

// omission qualifies a verdict that rests on having seen every state: in
// fingerprint mode a hash collision may have hidden one.
func omission(st *Stats) string {
	if !st.Fingerprint {
		return ""
	}
	return fmt.Sprintf(" (fingerprint search: the chance that a hash collision hid a state is below %.1e)", st.OmissionBound)
}

func violationMessage(k Kind, t *Trace) string {
	switch k {
	case DeadlockFree:
		return fmt.Sprintf("a state with no successor that is not a valid end state, after %s", steps(len(t.Steps)))
	case StepInvariant:
		return fmt.Sprintf("step %d breaks it", len(t.Steps))
	case QuiescentInvariant:
		return fmt.Sprintf("a quiescent state breaks it after %s", steps(len(t.Steps)))
	}
	return fmt.Sprintf("a state breaks it after %s", steps(len(t.Steps)))
}

// steps says how many steps: "1 step", "5 steps".
func steps(n int) string {
	if n == 1 {
		return "1 step"
	}
	return fmt.Sprintf("%d steps", n)
}
