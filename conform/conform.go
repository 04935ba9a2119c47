package conform

import (
	"fmt"
	"net/netip"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/tcpcheck/tcpcheck/capture"
	"github.com/tcpcheck/tcpcheck/spec"
)

// Verdict is the outcome for one connection.
type Verdict uint8

// The verdicts.
const (
	// Conforms: some run of the variant produces the connection's
	// segments, in the captured order, consistently with the vantage.
	Conforms Verdict = iota
	// Deviates: no run produces them; Result.Frame is the first frame no
	// run can produce.
	Deviates
	// Incomplete: the capture shows the connection only in part (it
	// starts mid-connection, or ends while the connection is open), or
	// the search hit its bound.
	Incomplete
)

func (v Verdict) String() string { return [...]string{"conforms", "deviates", "incomplete"}[v] }

// Vantage says where the capture was taken.
type Vantage uint8

// The vantage points.
const (
	// Path: anywhere between the hosts. A segment lost before the capture
	// point is never seen; one seen may still be lost after it.
	Path Vantage = iota
	// Client: next to the endpoint that sent the first SYN. Everything it
	// sends is seen.
	Client
	// Server: next to the other endpoint, with the same rule.
	Server
	// Loopback: both, as on a loopback interface.
	Loopback
)

var vantageNames = [...]string{"path", "client", "server", "loopback"}

func (v Vantage) String() string { return vantageNames[v] }

// ParseVantage parses a vantage's name.
func ParseVantage(s string) (Vantage, error) {
	for i, n := range vantageNames {
		if s == n {
			return Vantage(i), nil
		}
	}
	return 0, fmt.Errorf("unknown vantage %q (expected one of %s)", s, strings.Join(vantageNames[:], ", "))
}

// DefaultMSL is RFC 9293's maximum segment lifetime: 2 minutes (section
// 3.4.2), so TIME-WAIT lasts 4.
const DefaultMSL = 2 * time.Minute

// LinuxTimeWait is Linux's TIME-WAIT length, TCP_TIMEWAIT_LEN in
// include/net/tcp.h, which no sysctl changes.
const LinuxTimeWait = 60 * time.Second

// DefaultMaxStates bounds one 4-tuple's search.
const DefaultMaxStates = 1 << 20

// Options configure a check.
type Options struct {
	// Variant names the transition table (spec.ForVariant).
	Variant string
	Vantage Vantage
	// MSL is the maximum segment lifetime; TIME-WAIT lasts 2*MSL under
	// every variant but linux's, whose TIME-WAIT is LinuxTimeWait.
	MSL time.Duration
	// FinTimeout is Linux's tcp_fin_timeout and MinRTO the least
	// retransmission timeout; each is checked only when set, because
	// stacks and administrators change them (see the package
	// documentation).
	FinTimeout, MinRTO time.Duration
	// MaxStates bounds each 4-tuple's search; 0 means DefaultMaxStates.
	MaxStates int
}

// Event is a hidden event the check inferred.
type Event struct {
	// Before is the frame the event came before; 0 when it came after the
	// connection's last frame.
	Before int
	// Side is the endpoint it happened at, "A" or "B" (for a segment
	// that never arrived, its receiver).
	Side string
	// Text says what happened, for example "A's user called CLOSE".
	Text string
}

// Frame is a captured segment of a connection as the reported run
// explains it.
type Frame struct {
	Frame int
	// Sender is "A" or "B"; Segment the segment in RFC 9293's notation,
	// with the capture's numbers.
	Segment, Sender string
	// StateA and StateB are the endpoints' states when the capture saw
	// the segment, in the run; Lost says the segment never reached its
	// receiver there. Deviates marks the frame no run produces, which
	// ends the list.
	StateA, StateB string
	Lost, Deviates bool
}

// Allowed is a segment the table let the deviating frame's sender send
// at that point, and the row that sends it.
type Allowed struct {
	Segment string
	Row     string
	Cite    string
}

// Result is the verdict on one connection.
type Result struct {
	Conn    *capture.Connection
	Variant string
	Vantage Vantage
	Verdict Verdict
	// Message says why, in one sentence.
	Message string
	// Events are the hidden events of one run that produces the
	// connection (for a deviation, the frames before the deviating one),
	// and Frames the captured segments as that run explains them.
	Events []Event
	Frames []Frame
	// EndA and EndB are the endpoints' states at the end of that run, for
	// a connection that conforms and is the last on its 4-tuple.
	EndA, EndB string
	// Frame is the deviating frame; Sender its sender ("A" or "B");
	// States the states the sender could be in when it sent it; Allowed
	// what the table let it send instead.
	Frame   int
	Sender  string
	States  []string
	Allowed []Allowed
	// StatesExplored counts the worlds the search visited for the
	// connection's 4-tuple.
	StatesExplored int
}

// Check checks every connection in segs against the table of
// opts.Variant. The results come in the order of the connections'
// first segments.
func Check(segs []capture.Segment, opts Options) ([]Result, error) {
	table, err := spec.ForVariant(opts.Variant)
	if err != nil {
		return nil, err
	}
	if opts.Variant == "" {
		opts.Variant = spec.DefaultVariant
	}
	conns := capture.Split(segs)
	var order []tuple
	chains := map[tuple][]*capture.Connection{}
	for _, c := range conns {
		t := tupleOf(c)
		if _, ok := chains[t]; !ok {
			order = append(order, t)
		}
		chains[t] = append(chains[t], c)
	}
	byConn := map[*capture.Connection]Result{}
	sc := newScratch()
	for _, t := range order {
		for _, r := range checkChain(table, chains[t], opts, sc) {
			byConn[r.Conn] = r
		}
	}
	out := make([]Result, 0, len(conns))
	for _, c := range conns {
		out = append(out, byConn[c])
	}
	return out, nil
}

type tuple struct{ lo, hi netip.AddrPort }

func tupleOf(c *capture.Connection) tuple {
	if c.Client.Compare(c.Server) < 0 {
		return tuple{c.Client, c.Server}
	}
	return tuple{c.Server, c.Client}
}

// timeWait is the least time TIME-WAIT lasts under the variant.
func timeWait(table *spec.Table, opts Options) time.Duration {
	if strings.HasPrefix(table.Name(), "linux") {
		return LinuxTimeWait
	}
	if opts.MSL > 0 {
		return 2 * opts.MSL
	}
	return 2 * DefaultMSL
}

// checkChain checks the incarnations of one 4-tuple as one run: a new
// incarnation may begin while the old one lingers (a SYN that TIME-WAIT
// takes, or tcp_tw_reuse), so they are not independent.
func checkChain(table *spec.Table, conns []*capture.Connection, opts Options, sc *scratch) []Result {
	results := make([]Result, len(conns))
	for i, c := range conns {
		results[i] = Result{Conn: c, Variant: table.Name(), Vantage: opts.Vantage}
	}
	if conns[0].Midway {
		for i := range results {
			results[i].Verdict = Incomplete
			results[i].Message = fmt.Sprintf("the capture starts in the middle of the connection: frame %d is its first, and no SYN opened it", conns[0].Segments[0].Frame)
			if i > 0 {
				results[i].Message = fmt.Sprintf("not checked: it follows a connection on the same 4-tuple that the capture shows only in part (from frame %d)", conns[0].Segments[0].Frame)
			}
		}
		return results
	}
	var segs []*capture.Segment
	for _, c := range conns {
		for i := range c.Segments {
			segs = append(segs, &c.Segments[i])
		}
	}
	sort.SliceStable(segs, func(i, j int) bool { return segs[i].Frame < segs[j].Frame })
	client := conns[0].Client
	flat := make([]capture.Segment, len(segs))
	for i, s := range segs {
		flat[i] = *s
	}
	num := newNumbering(flat, client)
	s := &search{table: table, num: num, timeWait: timeWait(table, opts), finWait2: opts.FinTimeout, minRTO: opts.MinRTO}
	s.probes = strings.HasPrefix(table.Name(), "linux")
	if table.Name() == "no-time-wait" {
		s.timeWait = 0
	}
	switch opts.Vantage {
	case Client:
		s.mustSee[sideA] = true
	case Server:
		s.mustSee[sideB] = true
	case Loopback:
		s.mustSee = [2]bool{true, true}
	}
	s.seenBy = make([][2][]int16, 1, len(flat)+1)
	for i := range flat {
		o := num.observe(&flat[i], sideOf(&flat[i], client))
		o.forms = s.forms(&o)
		s.obs = append(s.obs, o)
		s.times = append(s.times, flat[i].Time)
		seen := s.seenBy[i]
		next := seen
		next[o.side] = append([]int16(nil), seen[o.side]...)
		for _, id := range o.forms {
			if !slices.Contains(next[o.side], id) {
				next[o.side] = append(next[o.side], id)
			}
		}
		s.seenBy = append(s.seenBy, next)
	}
	max := opts.MaxStates
	if max == 0 {
		max = DefaultMaxStates
	}
	out := s.run(max, sc)
	s.fill(results, conns, out)
	return results
}
