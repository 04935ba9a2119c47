package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/tcpcheck/tcpcheck/capture"
	"github.com/tcpcheck/tcpcheck/conform"
	"github.com/tcpcheck/tcpcheck/graphs"
	"github.com/tcpcheck/tcpcheck/report"
	"github.com/tcpcheck/tcpcheck/report/htmlview"
	"github.com/tcpcheck/tcpcheck/spec"
)

type conformFlags struct {
	variant    string
	vantage    string
	msl        time.Duration
	finTimeout time.Duration
	minRTO     time.Duration
	maxStates  int
	format     string
	output     string
	chart      string
	chartFmt   string
	html       string
}

func newConformCmd(e *env) *cobra.Command {
	var f conformFlags
	cmd := &cobra.Command{
		Use:   "conform CAPTURE...",
		Short: "Check real packet captures (pcap, pcapng) against the transition table",
		Long: `Read packet captures of real TCP traffic and check every connection in them
against the transition table: does some run of the protocol produce exactly
the captured segments, in the captured order, consistently with where the
capture was taken? The users' calls, the timers, when each segment arrived
and which were lost are hidden in a capture; conform infers them by a
search over the model.

A connection conforms (the hidden events of one run that produces it are
listed), deviates (the first frame no run produces, numbered from 1 as
tcpdump -# and Wireshark number frames, with the states its sender could be
in and what the table let it send there, row by row with citations), or is
incomplete (the capture starts in the middle of it or ends while it is
open). Frames are read through gopacket: pcap and pcapng; Ethernet, Linux
cooked capture (SLL, SLL2), raw IP and BSD loopback; IPv4 and IPv6.
Segments are split into connections by 4-tuple and by ISN: a SYN with a new
ISN on a 4-tuple starts its next incarnation.

--vantage says where the capture was taken: path (the default: anywhere
between the hosts), client (next to the host that sent the first SYN),
server, or loopback (both). Next to a host, everything it sends is seen, so
tighter vantages find more deviations.

Timers must fit the capture's clock where the variant fixes their length:
TIME-WAIT lasts 2 MSL (--msl, 2m by default) and 60 s under linux. Lengths
that stacks and administrators configure are checked only when given:
--fin-timeout (Linux's tcp_fin_timeout) and --min-rto.

--variant any tries every variant and reports, for each connection, the
variants that explain it.

With --chart DIR, also draw each connection as a message-sequence chart
into DIR, one file per connection named CAPTURE.N.svg (N counts the
capture's connections from 1): each captured segment an arrow with its
frame number, both endpoints' states, the hidden events where they
happened, and the deviating frame in red. --chart-format picks svg, png
(both rendered by Graphviz) or dot.

With --html FILE, also write the result as one self-contained HTML page
(nothing is fetched when it is opened): a summary table, and for each
connection its chart, hidden events and, for a deviation, what the table
allowed, row by row.

` + exitCodesConformHelp,
		Example: `  tcpcheck conform testdata/captures/corpus/client-closes-first.path.pcap
  tcpcheck conform --variant linux --vantage client testdata/captures/corpus/lost-fin.client.pcap
  tcpcheck conform --variant any --format json testdata/captures/corpus/abort.path.pcap > conform.json
  tcpcheck conform --variant linux --format junit -o conform.xml testdata/captures/corpus/lost-syn.path.pcap
  tcpcheck conform --vantage client --chart charts --html conform.html testdata/captures/corpus/abort.client.pcap`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageErrf("conform takes one or more CAPTURE files, found none: expected packet captures (pcap or pcapng), or - for standard input")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error { return runConform(cmd.Context(), e, f, args) },
	}
	fl := cmd.Flags()
	fl.StringVar(&f.variant, "variant", spec.DefaultVariant, "the transition table: "+strings.Join(spec.VariantNames(), ", ")+", or any to try each")
	fl.StringVar(&f.vantage, "vantage", "path", "where the capture was taken: path, client, server or loopback")
	fl.DurationVar(&f.msl, "msl", conform.DefaultMSL, "the maximum segment lifetime; TIME-WAIT lasts 2 MSL (not under linux, whose TIME-WAIT is 60s)")
	fl.DurationVar(&f.finTimeout, "fin-timeout", 0, "Linux's tcp_fin_timeout, the least time an orphaned FIN-WAIT-2 lasts (0: not checked)")
	fl.DurationVar(&f.minRTO, "min-rto", 0, "the least retransmission timeout (0: not checked)")
	fl.IntVar(&f.maxStates, "max-states", conform.DefaultMaxStates, "bound on the states of each 4-tuple's search; a connection whose search hits it is incomplete")
	fl.StringVar(&f.format, "format", "text", "output format: "+strings.Join(report.ConformFormats, ", "))
	fl.StringVarP(&f.output, "output", "o", "", "write the output into this file instead of standard output")
	fl.StringVar(&f.html, "html", "", "also write the result as a self-contained HTML page into this file")
	fl.StringVar(&f.chart, "chart", "", "also draw each connection's message-sequence chart into this directory")
	fl.StringVar(&f.chartFmt, "chart-format", "svg", "format of the --chart files: svg, png or dot")
	_ = cmd.RegisterFlagCompletionFunc("variant", fixedCompletion(append(spec.VariantNames(), conform.AnyVariant)...))
	_ = cmd.RegisterFlagCompletionFunc("vantage", fixedCompletion("path", "client", "server", "loopback"))
	_ = cmd.RegisterFlagCompletionFunc("format", fixedCompletion(report.ConformFormats...))
	_ = cmd.RegisterFlagCompletionFunc("chart-format", fixedCompletion("svg", "png", "dot"))
	return cmd
}

const exitCodesConformHelp = `Exit codes:
  0  every connection conforms
  1  a connection deviates
  2  usage or input error: a bad flag, or a file that is not a readable
     capture (the message names the frame or byte offset)
  3  a connection is incomplete, and none deviates`

func runConform(ctx context.Context, e *env, f conformFlags, args []string) error {
	vantage, err := conform.ParseVantage(f.vantage)
	if err != nil {
		return usageErrf("--vantage: %v", err)
	}
	if f.variant != conform.AnyVariant {
		if _, err := spec.ForVariant(f.variant); err != nil {
			return usageErrf("--variant is %q: expected one of %s, or %s", f.variant, strings.Join(spec.VariantNames(), ", "), conform.AnyVariant)
		}
	}
	if f.msl <= 0 {
		return usageErrf("--msl is %s: expected a positive duration, such as 2m", f.msl)
	}
	for _, d := range []struct {
		flag string
		v    time.Duration
	}{{"--fin-timeout", f.finTimeout}, {"--min-rto", f.minRTO}} {
		if d.v < 0 {
			return usageErrf("%s is %s: expected 0 (not checked) or a positive duration, such as 200ms", d.flag, d.v)
		}
	}
	if f.maxStates <= 0 {
		return usageErrf("--max-states is %d: expected a positive number", f.maxStates)
	}
	if !slices.Contains(report.ConformFormats, f.format) {
		return usageErrf("--format is %q: expected one of %s", f.format, strings.Join(report.ConformFormats, ", "))
	}
	switch f.chartFmt {
	case "svg", "png", "dot":
	default:
		return usageErrf("--chart-format is %q: expected svg, png or dot", f.chartFmt)
	}
	opts := conform.Options{Variant: f.variant, Vantage: vantage, MSL: f.msl, FinTimeout: f.finTimeout, MinRTO: f.minRTO, MaxStates: f.maxStates}
	out := &report.Conformance{Tool: toolVersion(), Variant: f.variant, Vantage: vantage}
	for _, path := range args {
		c, err := readCapture(e, path)
		if err != nil {
			return err
		}
		file := report.NewConformFile(c)
		if f.variant == conform.AnyVariant {
			rs, err := conform.CheckAny(c.Segments, opts)
			if err != nil {
				return internalErr(err)
			}
			for _, r := range rs {
				file.Connections = append(file.Connections, report.ConformConnection{Result: r.Result, Explained: r.By})
			}
		} else {
			rs, err := conform.Check(c.Segments, opts)
			if err != nil {
				return internalErr(err)
			}
			for _, r := range rs {
				file.Connections = append(file.Connections, report.ConformConnection{Result: r})
			}
		}
		out.Files = append(out.Files, file)
	}
	if f.chart != "" {
		if err := writeConformCharts(ctx, e, f, out); err != nil {
			return err
		}
	}
	if f.html != "" {
		var page bytes.Buffer
		if err := htmlview.WriteConformance(&page, out); err != nil {
			return internalErr(err)
		}
		if err := writeOutputFile("--html", f.html, page.Bytes()); err != nil {
			return err
		}
	}
	var b bytes.Buffer
	if err := report.WriteConformance(&b, out, f.format, &report.Options{Color: f.format == "text" && f.output == "" && e.useColor()}); err != nil {
		return internalErr(err)
	}
	if f.output == "" || f.output == "-" {
		if _, err := e.stdout.Write(b.Bytes()); err != nil {
			return usageErrf("writing standard output: %v", err)
		}
	} else if err := os.WriteFile(f.output, b.Bytes(), 0o644); err != nil {
		return usageErrf("-o: cannot write %s: %v", f.output, unwrapPathErr(err))
	}
	e.code = out.ExitCode()
	return nil
}

// writeConformCharts draws every connection's chart into f.chart, all or
// nothing: the files are staged and committed together.
func writeConformCharts(ctx context.Context, e *env, f conformFlags, c *report.Conformance) error {
	var st staged
	defer st.discard()
	if err := st.mkdir("--chart", f.chart); err != nil {
		return err
	}
	for _, file := range c.Files {
		base := filepath.Base(file.Name)
		if file.Name == "standard input" {
			base = "stdin"
		}
		for i := range file.Connections {
			data, err := drawGraph(ctx, e, graphs.Conformance(&file.Connections[i].Result), f.chartFmt)
			if err != nil {
				return err
			}
			name := filepath.Join(f.chart, fmt.Sprintf("%s.%d.%s", base, i+1, f.chartFmt))
			if err := st.add("--chart", name, data); err != nil {
				return err
			}
		}
	}
	return st.commit()
}

// readCapture reads a capture file, or standard input for "-".
func readCapture(e *env, path string) (*capture.Capture, error) {
	var r io.Reader
	name := path
	if path == "-" {
		r, name = e.stdin, "standard input"
	} else {
		fh, err := os.Open(path)
		if err != nil {
			return nil, usageErrf("cannot read %s: %v: expected a packet capture (pcap or pcapng)", path, unwrapPathErr(err))
		}
		defer fh.Close()
		r = fh
	}
	c, err := capture.Read(name, r)
	if err != nil {
		return nil, usageErr(err)
	}
	return c, nil
}
