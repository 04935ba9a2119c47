package capture

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// The corpus: real Linux TCP recorded by testdata/captures/generate.sh in
// network namespaces, at the client, on the router between the ends
// (path) and at the server, or on loopback. The checked-in captures are
// always read; with TCPCHECK_CAPTURES naming a directory of fresh ones
// (.ci/run records them on the machine it runs on), those are read too, so
// the reader meets the kernel CI runs on.

const corpusDir = "../testdata/captures/corpus"

// corpusDirs lists the directories of captures to check.
func corpusDirs(t *testing.T) []string {
	dirs := []string{corpusDir}
	if fresh := os.Getenv("TCPCHECK_CAPTURES"); fresh != "" {
		dirs = append(dirs, fresh)
	}
	return dirs
}

// scenario says what every capture of a scenario must show, whatever the
// timing of the run that recorded it.
type scenario struct {
	conns int
	// check looks at the connections seen from one vantage point.
	check func(t *testing.T, vantage string, conns []*Connection)
}

// firstFIN returns who sent the first FIN in c: "client" or "server".
func firstFIN(c *Connection) string {
	for i := range c.Segments {
		if s := &c.Segments[i]; s.Flags.Has(FIN) {
			if c.FromClient(s) {
				return "client"
			}
			return "server"
		}
	}
	return "nobody"
}

// count counts the segments of c from the client (fromClient) or the
// server that have every flag of f and none of not.
func count(c *Connection, fromClient bool, f, not Flags) int {
	n := 0
	for i := range c.Segments {
		s := &c.Segments[i]
		if c.FromClient(s) == fromClient && s.Flags.Has(f) && s.Flags&not == 0 {
			n++
		}
	}
	return n
}

var scenarios = map[string]scenario{
	"client-closes-first": {1, func(t *testing.T, _ string, cs []*Connection) {
		require.Equal(t, "client", firstFIN(cs[0]))
	}},
	"server-closes-first": {1, func(t *testing.T, _ string, cs []*Connection) {
		require.Equal(t, "server", firstFIN(cs[0]))
	}},
	"half-close": {1, func(t *testing.T, _ string, cs []*Connection) {
		// The server's text follows the client's FIN.
		c, fin := cs[0], false
		for i := range c.Segments {
			s := &c.Segments[i]
			fin = fin || (c.FromClient(s) && s.Flags.Has(FIN))
			if fin && !c.FromClient(s) && s.Len > 0 {
				return
			}
		}
		t.Fatal("no text from the server after the client's FIN")
	}},
	"simultaneous-close": {1, func(t *testing.T, vantage string, cs []*Connection) {
		// Both ends sent a FIN (the first of each was lost at the
		// router, so both are retransmitted).
		c := cs[0]
		require.Positive(t, count(c, true, FIN, 0))
		require.Positive(t, count(c, false, FIN, 0))
		if vantage == "client" {
			require.GreaterOrEqual(t, count(c, true, FIN, 0), 2, "the client's FIN and its retransmission")
		}
		if vantage == "server" {
			require.GreaterOrEqual(t, count(c, false, FIN, 0), 2, "the server's FIN and its retransmission")
		}
	}},
	"abort": {1, func(t *testing.T, _ string, cs []*Connection) {
		require.Equal(t, 1, count(cs[0], true, RST, 0))
		require.Zero(t, count(cs[0], true, FIN, 0))
	}},
	"refused": {1, func(t *testing.T, _ string, cs []*Connection) {
		require.Equal(t, 1, count(cs[0], false, RST|ACK, 0))
		require.Zero(t, count(cs[0], false, SYN, 0))
	}},
	"lost-syn": {1, func(t *testing.T, vantage string, cs []*Connection) {
		want := 1 // the router dropped the first
		if vantage == "client" {
			want = 2
		}
		require.Equal(t, want, count(cs[0], true, SYN, ACK))
	}},
	"lost-syn-ack": {1, func(t *testing.T, vantage string, cs []*Connection) {
		// The server's retransmission, or a reply to the client's
		// retransmitted SYN, brings a second SYN,ACK past the router.
		if vantage == "client" {
			require.GreaterOrEqual(t, count(cs[0], false, SYN|ACK, 0), 1)
		} else {
			require.GreaterOrEqual(t, count(cs[0], false, SYN|ACK, 0), 2)
		}
	}},
	"lost-fin": {1, func(t *testing.T, vantage string, cs []*Connection) {
		want := 1
		if vantage == "client" {
			want = 2
		}
		require.Equal(t, want, count(cs[0], true, FIN, 0))
	}},
	"lost-final-ack": {1, func(t *testing.T, vantage string, cs []*Connection) {
		// The server retransmits its FIN because the client's ACK of it
		// was lost.
		if vantage != "client" {
			require.Equal(t, 2, count(cs[0], false, FIN, 0))
		}
	}},
	"time-wait-new-syn": {2, func(t *testing.T, _ string, cs []*Connection) {
		require.Equal(t, "server", firstFIN(cs[0]))
		require.Equal(t, cs[0].Client, cs[1].Client, "the same 4-tuple")
		require.Equal(t, 1, cs[1].Incarnation)
		// Linux's TIME-WAIT answers the new SYN with an ISN of
		// tw_snd_nxt + 65537 (tcp_timewait_state_process).
		var oldFIN, newISN uint32
		for _, s := range cs[0].Segments {
			if !cs[0].FromClient(&s) && s.Flags.Has(FIN) {
				oldFIN = s.Seq
			}
		}
		for _, s := range cs[1].Segments {
			if s.Flags.Has(SYN | ACK) {
				newISN = s.Seq
			}
		}
		require.Equal(t, oldFIN+1+65537, newISN)
	}},
	"time-wait-reuse": {2, func(t *testing.T, _ string, cs []*Connection) {
		require.Equal(t, "client", firstFIN(cs[0]))
		require.Equal(t, cs[0].Client, cs[1].Client, "the client took over its own TIME-WAIT")
	}},
	"many": {20, func(t *testing.T, _ string, cs []*Connection) {
		for _, c := range cs {
			require.False(t, c.Midway)
			require.Equal(t, 1, count(c, true, SYN, ACK))
		}
	}},
}

func TestCorpus(t *testing.T) {
	for _, dir := range corpusDirs(t) {
		files, err := filepath.Glob(filepath.Join(dir, "*.pcap"))
		require.NoError(t, err)
		require.NotEmpty(t, files, "no captures in %s", dir)
		seen := map[string]bool{}
		sort.Strings(files)
		for _, f := range files {
			base := strings.TrimSuffix(filepath.Base(f), ".pcap")
			name, vantage, ok := strings.Cut(base, ".")
			require.True(t, ok, "%s: expected NAME.VANTAGE.pcap", f)
			sc, ok := scenarios[name]
			require.True(t, ok, "%s: no scenario %q", f, name)
			seen[name] = true
			t.Run(fmt.Sprintf("%s/%s", filepath.Base(dir), base), func(t *testing.T) {
				r, err := os.Open(f)
				require.NoError(t, err)
				defer r.Close()
				c, err := Read(f, r)
				require.NoError(t, err)
				require.Zero(t, c.Skipped, "the capture filter keeps TCP only")
				conns := Split(c.Segments)
				require.Len(t, conns, sc.conns)
				for _, conn := range conns {
					require.False(t, conn.Midway, "every connection starts with its SYN")
				}
				sc.check(t, vantage, conns)
			})
		}
		for name := range scenarios {
			require.True(t, seen[name], "%s has no capture of scenario %s", dir, name)
		}
	}
}
