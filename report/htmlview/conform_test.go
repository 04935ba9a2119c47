package htmlview

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/tcpcheck/tcpcheck/capture"
	"github.com/tcpcheck/tcpcheck/conform"
	"github.com/tcpcheck/tcpcheck/report"
)

// conformance checks corpus captures under a variant, naming the first
// capture name in the report (to test escaping).
func conformance(t *testing.T, variant string, name string, files ...string) *report.Conformance {
	t.Helper()
	out := &report.Conformance{Variant: variant, Vantage: conform.Path}
	for i, file := range files {
		f, err := os.Open(filepath.Join("../../testdata/captures/corpus", file))
		require.NoError(t, err)
		c, err := capture.Read(file, f)
		f.Close()
		require.NoError(t, err)
		if i == 0 && name != "" {
			c.Name = name
		}
		rs, err := conform.Check(c.Segments, conform.Options{Variant: variant})
		require.NoError(t, err)
		cf := report.NewConformFile(c)
		for _, r := range rs {
			cf.Connections = append(cf.Connections, report.ConformConnection{Result: r})
		}
		out.Files = append(out.Files, cf)
	}
	return out
}

func TestConformPage(t *testing.T) {
	c := conformance(t, "rfc9293", `<script>alert(1)</script>.pcap`, "simultaneous-close.path.pcap", "abort.path.pcap", "many.path.pcap")
	var a, b bytes.Buffer
	require.NoError(t, WriteConformance(&a, c))
	require.NoError(t, WriteConformance(&b, c))
	require.Equal(t, a.String(), b.String(), "the same result gives the same bytes")
	page := a.String()
	// Self-contained and without script: nothing to fetch, nothing to run.
	require.NotContains(t, page, "<script")
	require.NotContains(t, page, "src=")
	require.NotContains(t, strings.ReplaceAll(page, `xmlns="http://www.w3.org/2000/svg"`, ""), "http")
	require.Contains(t, page, "&lt;script&gt;alert(1)&lt;/script&gt;.pcap")
	// One chart per connection: 1 + 1 + 20.
	require.Equal(t, 22, strings.Count(page, "<svg "))
	require.Contains(t, page, "22 connections: 21 conform, 1 deviate, 0 incomplete")
	// The deviation: the frame in red, and the rows the table allowed.
	require.Contains(t, page, `<g class="msg lost">`)
	require.Contains(t, page, "#6 &lt;SEQ=368072200&gt;&lt;ACK=257172262&gt;&lt;CTL=RST,ACK&gt;: no run of rfc9293 produces it")
	require.Contains(t, page, "ESTABLISHED/abort")
	require.Contains(t, page, "end: TIME-WAIT")
}

// TestBrowserConform opens conform's page in a real headless Chromium and
// checks that every connection's chart is drawn, with its arrows laid out
// inside it and the deviating frame's label shown. It runs when
// TCPCHECK_BROWSER names the browser (as TestBrowser does), and then never
// skips.
func TestBrowserConform(t *testing.T) {
	bin := os.Getenv("TCPCHECK_BROWSER")
	if bin == "" {
		t.Skip("TCPCHECK_BROWSER is not set: set it to a Chromium binary to test the page in a browser")
	}
	c := conformance(t, "rfc9293", "", "simultaneous-close.path.pcap", "abort.path.pcap")
	path := filepath.Join(t.TempDir(), "conform.html")
	var b bytes.Buffer
	require.NoError(t, WriteConformance(&b, c))
	require.NoError(t, os.WriteFile(path, b.Bytes(), 0o644))

	ctx := chromium(t, bin)
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate("file://"+path), chromedp.WaitVisible("#c2 svg")))
	// Each chart has as many arrows as its connection has frames, each
	// of non-zero width and inside its chart.
	got, err := chromedp.Run(ctx, chromedp.Evaluate[[]int](`Array.from(document.querySelectorAll("section.conn svg")).map(function(s){
		var box=s.getBoundingClientRect(), n=0;
		s.querySelectorAll("g.msg line").forEach(function(l){var r=l.getBoundingClientRect();
			if(r.width>50&&r.left>=box.left-1&&r.right<=box.right+1&&r.top>=box.top&&r.bottom<=box.bottom){n++}});
		return n})`))
	require.NoError(t, err)
	require.Equal(t, []int{12, 6}, got)
	red, err := chromedp.Run(ctx, chromedp.Evaluate[string](`getComputedStyle(document.querySelector("#c2 g.msg.lost text")).fill`))
	require.NoError(t, err)
	require.Equal(t, "rgb(198, 40, 40)", red)
}
