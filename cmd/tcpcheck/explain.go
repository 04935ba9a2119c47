package main

import (
	"bytes"
	"fmt"
	"github.com/tcpcheck/tcpcheck/report"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/tcpcheck/tcpcheck/checker"
	"github.com/tcpcheck/tcpcheck/graphs"
	"github.com/tcpcheck/tcpcheck/internal/lang"
	"github.com/tcpcheck/tcpcheck/properties"
	"github.com/tcpcheck/tcpcheck/report/htmlview"
)

type explainFlags struct {
	property string
	chart    string
	format   string
	noStory  bool
	noChart  bool
	files    []string
	html     string
	lang     string
}

func newExplainCmd(e *env) *cobra.Command {
	var f explainFlags
	cmd := &cobra.Command{
		Use:   "explain FILE",
		Short: "Retell a saved counterexample step by step, with a message-sequence chart",
		Long: `Read a counterexample saved as JSON (a trace written by verify --save-traces,
or a whole report written by verify --format json) and retell it: who sent
what, which state each side is in and why, citing the RFC section behind
every transition. Then draw it as a message-sequence chart in the notation
of RFC 9293's figures, A on the left and B on the right.

A trace is checked before it is told: explain replays every step through
the model and variant the trace names, decides the property it names on
the replayed run, and refuses (exit code 2) a trace that differs from the
replay in any field, naming the line:col of the first wrong field and
what the replay expected there. The default models and properties are
built in; for a trace of a property of your own, pass its property file
(and any model files) with --files.

With -o FILE, also draw the message-sequence chart with Graphviz into FILE:
SVG or PNG by the file's extension (or -T/--format), or DOT for a .dot
file; -T and -o are spelled as in graph (the older --image-format and
--chart still work). Use "-" for FILE to read standard input.

--lang zh tells the story in Simplified Chinese (so does a LANG that
starts with zh), --lang en in English; states, flags, segments, rows and
citations stay as RFC 9293 writes them, and so do the rows' notes.

With --html FILE, also write the trace as one self-contained HTML page
(nothing is fetched when it is opened): an interactive message-sequence
chart to step through with the arrow keys, beside both endpoints' TCBs,
the row taken with its RFC citation and the state diagram.`,
		Example: `  tcpcheck verify --format json --save-traces traces > report.json
  tcpcheck explain report.json --property time-wait-assassination
  tcpcheck explain traces/time-wait-assassination.json -o cex.svg
  tcpcheck explain traces/time-wait-assassination.json --html cex.html
  tcpcheck verify my-properties.yaml --save-traces my-traces
  tcpcheck explain my-traces/never-both-in-time-wait.json --files my-properties.yaml`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageErrf("explain takes one FILE, found %d arguments: expected a trace saved by verify --save-traces DIR, or a report written by verify --format json (- for standard input)", len(args))
			}
			return nil
		},
		ValidArgsFunction: func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
			return []string{"json"}, cobra.ShellCompDirectiveFilterFileExt
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			tag, err := lang.Parse(f.lang)
			if err != nil {
				return usageErrf("--lang: %v", err)
			}
			var format string
			if f.chart != "" {
				var err error
				if format, err = chartFormat(f.chart, f.format); err != nil {
					return err
				}
				if f.chart != "-" {
					if err := checkOutputs([]outputFile{{"-o", f.chart}}, "", ""); err != nil {
						return err
					}
				}
			}
			if f.html != "" {
				outs := []outputFile{{"--html", f.html}}
				if f.chart != "" && f.chart != "-" {
					outs = append(outs, outputFile{"-o", f.chart})
				}
				if err := checkOutputs(outs, "", ""); err != nil {
					return err
				}
			}
			v, err := loadTrace(e, args[0], f.property, f.files)
			if err != nil {
				return err
			}
			if f.html != "" {
				var b bytes.Buffer
				if err := htmlview.WriteTrace(&b, v); err != nil {
					return internalErr(err)
				}
				if err := writeOutputFile("--html", f.html, b.Bytes()); err != nil {
					return err
				}
			}
			if f.chart != "" {
				if err := writeGraph(cmd, e, graphs.Sequence(v), format, "-o", f.chart); err != nil {
					return err
				}
			}
			if !f.noStory {
				report.WriteStoryIn(e.stdout, v, tag)
			}
			if !f.noChart {
				if !f.noStory {
					fmt.Fprintln(e.stdout)
				}
				report.WriteTextChart(e.stdout, v)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&f.property, "property", "", "in a report, the property whose counterexample to explain")
	cmd.Flags().StringVarP(&f.chart, "output", "o", "", "also draw the message-sequence chart into this file (.svg, .png or .dot)")
	cmd.Flags().StringVarP(&f.format, "format", "T", "", "format of -o: svg, png or dot (default: from the file's extension)")
	// The spellings before graph's -T/--format and -o/--output were
	// adopted here; they keep working, unlisted.
	cmd.Flags().StringVar(&f.chart, "chart", "", "the old spelling of --output")
	cmd.Flags().StringVar(&f.format, "image-format", "", "the old spelling of --format")
	_ = cmd.Flags().MarkHidden("chart")
	_ = cmd.Flags().MarkHidden("image-format")
	cmd.Flags().StringSliceVar(&f.files, "files", nil, "property and model files that define the trace's property (default: the built-in set); repeat or separate with commas")
	cmd.Flags().StringVar(&f.html, "html", "", "also write the trace as a self-contained HTML page into this file")
	cmd.Flags().BoolVar(&f.noStory, "no-story", false, "print only the text chart")
	cmd.Flags().StringVar(&f.lang, "lang", "", "the language of the story: en or zh (default: zh when LANG starts with zh, else en)")
	_ = cmd.RegisterFlagCompletionFunc("lang", fixedCompletion("en", "zh"))
	cmd.Flags().BoolVar(&f.noChart, "no-text-chart", false, "print only the story")
	_ = cmd.RegisterFlagCompletionFunc("format", fixedCompletion("svg", "png", "dot"))
	return cmd
}

// chartFormat picks the format of an image file from -T or its extension.
func chartFormat(path, flag string) (string, error) {
	format := flag
	if format == "" {
		if format = formatByExtension(path); format == "" {
			return "", usageErrf("cannot tell the image format of %q: name it .svg, .png or .dot, or pass -T", path)
		}
	}
	switch format {
	case "svg", "png", "dot":
		return format, nil
	}
	return "", usageErrf("-T is %q: expected svg, png or dot", format)
}

// readInput reads a file, or standard input for "-".
func readInput(e *env, path string) ([]byte, error) {
	if path == "-" {
		data, err := io.ReadAll(e.stdin)
		if err != nil {
			return nil, usageErrf("reading standard input: %v", err)
		}
		return data, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, usageErrf("cannot read %s: %v: expected a trace saved by verify --save-traces DIR, or a report written by verify --format json", path, unwrapPathErr(err))
	}
	return data, nil
}

// loadTrace reads a counterexample from a trace file or a JSON report,
// and checks it by replay against the property files (and the built-in
// properties, which a trace of a default property names).
func loadTrace(e *env, path, property string, files []string) (*checker.TraceView, error) {
	data, err := readInput(e, path)
	if err != nil {
		return nil, err
	}
	name := path
	if path == "-" {
		name = "standard input"
	}
	var suites []*properties.Suite
	if len(files) > 0 {
		s, err := loadSuite(files)
		if err != nil {
			return nil, err
		}
		suites = append(suites, s)
	}
	defaults, err := loadSuite(nil)
	if err != nil {
		return nil, err
	}
	suites = append(suites, defaults)
	v, err := report.ReadTrace(name, data, property, suites...)
	if err != nil {
		return nil, usageErr(err)
	}
	return v, nil
}
