package main

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/emicklei/dot"
	"github.com/spf13/cobra"

	"github.com/tcpcheck/tcpcheck/checker"
	"github.com/tcpcheck/tcpcheck/graphs"
	"github.com/tcpcheck/tcpcheck/report"
	"github.com/tcpcheck/tcpcheck/spec"
)

type graphFlags struct {
	kind      string
	variant   string
	all       bool
	model     string
	maxStates int
	trace     string
	property  string
	format    string
	out       string
	files     []string
}

func newGraphCmd(e *env) *cobra.Command {
	var f graphFlags
	cmd := &cobra.Command{
		Use:   "graph [property files...]",
		Short: "Draw the state diagram, a reachable graph or a counterexample chart as DOT",
		Long: `Write a Graphviz DOT drawing on standard output (or into -o FILE):

  --kind spec       the transition table as a state diagram laid out like
                    RFC 9293 Figure 5, each arc labelled "event / action";
                    with --variant, the variant's rows are dashed and red
  --kind reachable  the reachable joint states of a small model, clustered
                    by the pair of connection states, cut at --max-states
                    with a note saying so
  --kind trace      a counterexample as a message-sequence chart: A, the
                    network and B as lanes, every segment with its flags,
                    SEQ and ACK, losses and duplicates marked, and the
                    cycle of a lasso bracketed; from --trace FILE, or found
                    now for --property NAME

A trace from --trace FILE is checked before it is drawn, as explain checks
it: replayed through its model and variant, its property decided on the
replay, and refused (exit code 2) where it differs, at the line:col of the
first wrong field. The property files given as arguments (besides the
built-in set) are where a trace of your own property is found.

With -T svg or -T png, or -o naming a .svg or .png file, the drawing is
rendered by Graphviz's dot program, which must be installed (the graphviz package). The DOT output is the same,
byte for byte, on every run.`,
		Example: `  tcpcheck graph > states.dot && dot -Tsvg states.dot > states.svg
  tcpcheck graph --variant rfc793 -T svg -o rfc793.svg
  tcpcheck graph --kind reachable --model client-server --max-states 100 -T svg -o reach.svg
  tcpcheck verify --format json > report.json
  tcpcheck graph --kind trace --trace report.json --property time-wait-assassination -T svg -o cex.svg`,
		Args: argsUsage(cobra.ArbitraryArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			f.files = args
			format := f.format
			if format == "" {
				// As explain's -o: the file's extension names the format,
				// so "-o states.png" never writes DOT into a .png file.
				if format = formatByExtension(f.out); format == "" {
					format = "dot"
				}
			}
			switch format {
			case "dot", "svg", "png":
			default:
				return usageErrf("-T is %q: expected dot, svg or png", f.format)
			}
			if f.out != "" && f.out != "-" {
				if err := checkOutputs([]outputFile{{"-o", f.out}}, "", ""); err != nil {
					return err
				}
			}
			var g *dot.Graph
			switch f.kind {
			case "spec":
				t, err := spec.ForVariant(f.variant)
				if err != nil {
					return usageErr(err)
				}
				g = graphs.Spec(t, graphs.SpecOptions{All: f.all})
			case "reachable":
				if f.maxStates < 1 {
					return usageErrf("--max-states is %d: expected a positive number of states to draw", f.maxStates)
				}
				m, err := lookupModel(f.files, f.model, f.variant)
				if err != nil {
					return err
				}
				sg, err := checker.Explore(m, f.maxStates)
				if err != nil {
					return usageErr(err)
				}
				if !sg.Complete {
					fmt.Fprintf(e.stderr, "tcpcheck: the graph is cut at %d states (the model has more); raise --max-states to draw more\n", len(sg.States))
				}
				g = graphs.Reachable(sg)
			case "trace":
				v, err := graphTrace(e, &f)
				if err != nil {
					return err
				}
				g = graphs.Sequence(v)
			default:
				return usageErrf("--kind is %q: expected spec, reachable or trace", f.kind)
			}
			return writeGraph(cmd, e, g, format, "-o", f.out)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.kind, "kind", "spec", "what to draw: spec, reachable or trace")
	fl.StringVar(&f.variant, "variant", "", "the protocol variant: "+strings.Join(spec.VariantNames(), ", ")+" (default rfc9293, or the model's own)")
	fl.BoolVar(&f.all, "all", false, "spec: draw every row that changes state, not only Figure 5's arcs")
	fl.StringVar(&f.model, "model", "", "reachable: the model to explore, from the files or the default set (default client-server)")
	fl.IntVar(&f.maxStates, "max-states", 200, "reachable: draw at most this many states")
	fl.StringVar(&f.trace, "trace", "", "trace: a saved trace or JSON report to draw, checked by replay against the property files (default: the built-in set)")
	fl.StringVar(&f.property, "property", "", "trace: the property whose counterexample to draw")
	fl.StringVarP(&f.format, "format", "T", "", "output format: dot, or svg or png rendered by Graphviz (default: by -o's extension, .svg or .png, else dot)")
	fl.StringVarP(&f.out, "output", "o", "", "write to this file instead of standard output")
	_ = cmd.RegisterFlagCompletionFunc("kind", fixedCompletion("spec", "reachable", "trace"))
	_ = cmd.RegisterFlagCompletionFunc("variant", fixedCompletion(spec.VariantNames()...))
	_ = cmd.RegisterFlagCompletionFunc("format", fixedCompletion("dot", "svg", "png"))
	_ = cmd.RegisterFlagCompletionFunc("model", modelCompletion)
	_ = cmd.RegisterFlagCompletionFunc("property", propertyCompletion)
	return cmd
}

// formatByExtension is the image format a file's extension names, in
// any case: "svg", "png", "dot" (for .dot and .gv), or "" for another.
func formatByExtension(path string) string {
	switch ext := strings.ToLower(filepath.Ext(path)); ext {
	case ".svg", ".png", ".dot":
		return ext[1:]
	case ".gv":
		return "dot"
	}
	return ""
}

// drawGraph returns a graph as DOT, or rendered by Graphviz in format
// (svg or png); a warning of dot's goes to standard error.
func drawGraph(ctx context.Context, e *env, g *dot.Graph, format string) ([]byte, error) {
	// A drawn trace may come from a file, and DOT is text that may go to
	// a terminal (and into dot, which has no use for control characters).
	data := []byte(report.EscapeText(string(graphs.DOT(g))))
	if format == "dot" {
		return data, nil
	}
	img, err := graphs.Render(ctx, data, format)
	var warn *graphs.WarningError
	switch {
	case errors.Is(err, graphs.ErrNoGraphviz):
		return nil, usageErrf("cannot render %s: %v", format, err)
	case errors.As(err, &warn):
		fmt.Fprintf(e.stderr, "tcpcheck: %s\n", report.EscapeText(err.Error()))
	case err != nil:
		return nil, internalErr(err)
	}
	return img, nil
}

// writeGraph writes a graph as DOT, or renders it with Graphviz, into the
// file out ("" or "-" for standard output), which the flag named flag
// gave.
func writeGraph(cmd *cobra.Command, e *env, g *dot.Graph, format, flag, out string) error {
	if format != "dot" && (out == "" || out == "-") && format == "png" && e.stdoutTTY {
		return usageErrf("refusing to write a PNG image to a terminal; use -o FILE or redirect standard output")
	}
	data, err := drawGraph(cmd.Context(), e, g, format)
	if err != nil {
		return err
	}
	if out == "" || out == "-" {
		_, err := e.stdout.Write(data)
		return err
	}
	return writeOutputFile(flag, out, data)
}
