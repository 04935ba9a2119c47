package conform

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tcpcheck/tcpcheck/capture"
)

// The corpus: real Linux TCP recorded by testdata/captures/generate.sh in
// network namespaces, at the client, on the router between the ends
// (path), at the server, or on loopback. Every capture must conform to
// Linux's variant at its true vantage, with the hidden events its
// scenario implies; and where Linux departs from RFC 9293 on purpose,
// rfc9293 must report the deviation at the right frame. With
// TCPCHECK_CAPTURES naming a directory of fresh captures (.ci/run records
// them on the machine it runs on), those are checked too, so the linux
// variant meets the kernel CI runs on.

const corpusDir = "../testdata/captures/corpus"

// corpusExpect is what a scenario's conformance must show at a vantage.
type corpusExpect struct {
	// events must appear, in this order, among the first connection's
	// hidden events (under linux); a "*" vantage key applies to all.
	events map[string][]string
	// rfc9293 describes the deviation RFC 9293's table reports, if any:
	// the index of the connection and a predicate on the deviating frame.
	rfc9293 *deviation
}

type deviation struct {
	conn int
	// flags are the deviating segment's control bits, and fromClient its
	// sender.
	flags      capture.Flags
	fromClient bool
}

var corpusExpects = map[string]corpusExpect{
	"client-closes-first": {events: map[string][]string{"*": {"A's user called CLOSE", "B's user called CLOSE"}}},
	"server-closes-first": {events: map[string][]string{"*": {"B's user called CLOSE", "A's user called CLOSE"}}},
	"simultaneous-close": {events: map[string][]string{
		"client": {"A's user called CLOSE", "A's retransmission timer fired", "B's user called CLOSE"},
		// The router dropped each side's first FIN: the client's before
		// the path's capture point, the server's after it. So the path and
		// the server see the server's FIN twice, which takes a
		// retransmission, but the client's only once, which does not.
		"path":   {"B's user called CLOSE", "B's retransmission timer fired", "A's user called CLOSE"},
		"server": {"B's user called CLOSE", "B's retransmission timer fired", "A's user called CLOSE"},
	}},
	"half-close": {events: map[string][]string{"*": {"A's user called CLOSE", "B's user called SEND", "B's user called CLOSE"}}},
	"abort": {
		events:  map[string][]string{"*": {"A's user called SEND", "A's user called ABORT"}},
		rfc9293: &deviation{0, capture.RST | capture.ACK, true},
	},
	"refused":  {events: map[string][]string{"*": {"A's user called active OPEN"}}},
	"lost-syn": {events: map[string][]string{"client": {"A's retransmission timer fired"}}},
	"lost-syn-ack": {events: map[string][]string{
		"client": {"A's retransmission timer fired"},
		"path":   {"was lost before it reached A", "A's retransmission timer fired"},
		"server": {"was lost before it reached A", "A's retransmission timer fired"},
	}},
	"lost-fin": {events: map[string][]string{"client": {"A's user called CLOSE", "A's retransmission timer fired"}}},
	"lost-final-ack": {events: map[string][]string{
		// Next to the client, either A's first ACK of B's FIN was lost,
		// or it came late and the one after B's retransmission was lost.
		"client": {"B's user called CLOSE", "B's retransmission timer fired", "was lost before it reached B"},
		"*":      {"B's user called CLOSE", "B's retransmission timer fired"},
	}},
	"time-wait-new-syn": {
		events:  map[string][]string{"*": {"B's user called CLOSE", "A's user called CLOSE"}},
		rfc9293: &deviation{1, capture.SYN | capture.ACK, false},
	},
	"many": {events: map[string][]string{"*": {"A's user called CLOSE"}}},
	"time-wait-reuse": {
		events:  map[string][]string{"*": {"A's user called CLOSE"}},
		rfc9293: &deviation{1, capture.SYN, true},
	},
}

// containsInOrder reports whether every want appears as a substring of
// the texts, and in order among the events of the same actor (the events
// of A and of B between two frames may come in either order, so only each
// side's own order is fixed). The actor of "frame N was lost before it
// reached X" is the segment's receiver X.
func containsInOrder(texts, want []string) bool {
	actor := func(s string) string {
		if _, to, ok := strings.Cut(s, "reached "); ok {
			return "to " + to
		}
		return s[:3]
	}
	for _, a := range []string{"A's", "B's", "to A", "to B"} {
		i := 0
		var mine []string
		for _, w := range want {
			if actor(w) == a || strings.HasPrefix(w, "was lost before it reached") && "to "+strings.TrimPrefix(w, "was lost before it reached ") == a {
				mine = append(mine, w)
			}
		}
		for _, t := range texts {
			if i < len(mine) && actor(t) == a && strings.Contains(t, mine[i]) {
				i++
			}
		}
		if i != len(mine) {
			return false
		}
	}
	return true
}

func TestCorpusConforms(t *testing.T) {
	dirs := []string{corpusDir}
	if fresh := os.Getenv("TCPCHECK_CAPTURES"); fresh != "" {
		dirs = append(dirs, fresh)
	}
	for _, dir := range dirs {
		files, err := filepath.Glob(filepath.Join(dir, "*.pcap"))
		require.NoError(t, err)
		require.NotEmpty(t, files, "no captures in %s", dir)
		sort.Strings(files)
		seen := map[string]bool{}
		for _, f := range files {
			base := strings.TrimSuffix(filepath.Base(f), ".pcap")
			name, vantageName, _ := strings.Cut(base, ".")
			exp, ok := corpusExpects[name]
			require.True(t, ok, "%s: no scenario %q", f, name)
			seen[name] = true
			t.Run(fmt.Sprintf("%s/%s", filepath.Base(dir), base), func(t *testing.T) {
				vantage, err := ParseVantage(vantageName)
				require.NoError(t, err)
				fh, err := os.Open(f)
				require.NoError(t, err)
				defer fh.Close()
				c, err := capture.Read(f, fh)
				require.NoError(t, err)
				variant := "linux"
				if vantage == Loopback {
					variant = "linux-loopback"
				}
				rs := check(t, c.Segments, Options{Variant: variant, Vantage: vantage})
				for _, r := range rs {
					require.Equal(t, Conforms, r.Verdict, "%s: %s", r.Conn.Client, r.Message)
				}
				want := exp.events[vantageName]
				if want == nil {
					want = exp.events["*"]
				}
				require.True(t, containsInOrder(eventTexts(rs[0]), want), "events %q, want %q in order", eventTexts(rs[0]), want)

				rs = check(t, c.Segments, Options{Variant: "rfc9293", Vantage: vantage})
				for i, r := range rs {
					d := exp.rfc9293
					if d == nil || i != d.conn {
						require.Equal(t, Conforms, r.Verdict, "%s under rfc9293: %s", r.Conn.Client, r.Message)
						continue
					}
					require.Equal(t, Deviates, r.Verdict, "under rfc9293")
					k := slices.IndexFunc(r.Conn.Segments, func(s capture.Segment) bool { return s.Frame == r.Frame })
					require.GreaterOrEqual(t, k, 0)
					s := r.Conn.Segments[k]
					require.Equal(t, d.flags, s.Flags&(capture.SYN|capture.ACK|capture.FIN|capture.RST), "the deviating frame %d", r.Frame)
					require.Equal(t, d.fromClient, r.Conn.FromClient(&s))
					// It is the first segment of its kind: every earlier one
					// conforms.
					for _, e := range r.Conn.Segments[:k] {
						require.False(t, e.Flags == s.Flags && r.Conn.FromClient(&e) == d.fromClient, "frame %d came before", e.Frame)
					}
				}
			})
		}
		for name := range corpusExpects {
			require.True(t, seen[name], "%s has no capture of scenario %s", dir, name)
		}
	}
}
