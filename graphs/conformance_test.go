package graphs_test

import (
	"os"
	"strings"
	"testing"

	"github.com/emicklei/dot"
	"github.com/stretchr/testify/require"

	"github.com/tcpcheck/tcpcheck/capture"
	"github.com/tcpcheck/tcpcheck/conform"
	"github.com/tcpcheck/tcpcheck/graphs"
)

// conformed checks a capture of the corpus.
func conformed(t *testing.T, file, variant string, v conform.Vantage) conform.Result {
	t.Helper()
	f, err := os.Open("../testdata/captures/corpus/" + file)
	require.NoError(t, err)
	defer f.Close()
	c, err := capture.Read(file, f)
	require.NoError(t, err)
	rs, err := conform.Check(c.Segments, conform.Options{Variant: variant, Vantage: v})
	require.NoError(t, err)
	return rs[0]
}

// A conforming connection: every frame an arrow with both states, the
// hidden events in their lanes, and the end of the run.
func TestConformanceChart(t *testing.T) {
	r := conformed(t, "simultaneous-close.path.pcap", "rfc9293", conform.Path)
	require.Equal(t, conform.Conforms, r.Verdict)
	checkGraph(t, "conform-simultaneous-close", func() *dot.Graph { return graphs.Conformance(&r) })
	out := string(graphs.DOT(graphs.Conformance(&r)))
	require.Contains(t, out, "#12 <SEQ=2370734169><ACK=2811679007><CTL=ACK>")
	require.Contains(t, out, "end: TIME-WAIT")
	require.Contains(t, out, "A's user called CLOSE")
}

// A deviating connection ends at the deviating frame, drawn in red.
func TestConformanceChartDeviation(t *testing.T) {
	r := conformed(t, "abort.client.pcap", "rfc9293", conform.Client)
	require.Equal(t, conform.Deviates, r.Verdict)
	checkGraph(t, "conform-abort-deviates", func() *dot.Graph { return graphs.Conformance(&r) })
	out := string(graphs.DOT(graphs.Conformance(&r)))
	line := ""
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, "#6 <SEQ=") {
			line = l
		}
	}
	require.Contains(t, line, "no run of rfc9293 produces it")
	require.Contains(t, line, "#c0392b")
	require.NotContains(t, out, "#7 ")
}
