package main

import (
	"bytes"
	"strings"

	"github.com/spf13/cobra"

	"github.com/tcpcheck/tcpcheck/checker"
	"github.com/tcpcheck/tcpcheck/graphs"
	"github.com/tcpcheck/tcpcheck/internal/lang"
	"github.com/tcpcheck/tcpcheck/report/htmlview"
	"github.com/tcpcheck/tcpcheck/why"
)

type whyFlags struct {
	lang  string
	chart string
	html  string
}

func newWhyCmd(e *env) *cobra.Command {
	var f whyFlags
	var keys []string
	for _, q := range why.Questions() {
		keys = append(keys, q.Key)
	}
	cmd := &cobra.Command{
		Use:   "why [QUESTION]",
		Short: "Answer a classic question about TCP's handshake and close, with a proof and a counterexample",
		Long: `Answer one of the questions people first ask about TCP's connection states
(why three segments to open, why the side that closes first waits in
TIME_WAIT...) with the checker. Without QUESTION, list the questions.

An answer states the rule of TCP behind it, with its RFC citation; checks,
there and then, that the rule's property holds on rfc9293 (how many states
were explored); and tells, step by step in RFC 9293's notation, the
shortest run that goes wrong in a mutant of the protocol without the rule,
and what went wrong. Nothing is stored: each answer comes from the table as
it is. The properties and mutants are those of the default set, so
tcpcheck verify checks them all too.

The questions: ` + strings.Join(keys, ", ") + `.

--lang zh answers in Simplified Chinese (so does LANG=zh_CN...), --lang en
in English; state names, flags, rows and citations stay as RFC 9293 writes
them (and so do the rows' notes, which the table has in English). --chart FILE also draws
the counterexample as a message-sequence chart (svg, png or dot, by the
file's extension); --html FILE writes it as a self-contained page to step
through.`,
		Example: `  tcpcheck why
  tcpcheck why time-wait
  tcpcheck why three-way-handshake --lang zh
  tcpcheck why rst --chart rst.svg --html rst.html`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 {
				return usageErrf("why takes one QUESTION, found %d: expected one of %s", len(args), strings.Join(keys, ", "))
			}
			return nil
		},
		ValidArgsFunction: func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
			return keys, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(cmd *cobra.Command, args []string) error { return runWhy(cmd, e, f, args) },
	}
	fl := cmd.Flags()
	fl.StringVar(&f.lang, "lang", "", "the language of the answer: en or zh (default: zh when LANG starts with zh, else en)")
	fl.StringVar(&f.chart, "chart", "", "also draw the counterexample's message-sequence chart into this file (.svg, .png or .dot)")
	fl.StringVar(&f.html, "html", "", "also write the counterexample as a self-contained HTML page into this file")
	_ = cmd.RegisterFlagCompletionFunc("lang", fixedCompletion("en", "zh"))
	return cmd
}

func runWhy(cmd *cobra.Command, e *env, f whyFlags, args []string) error {
	tag, err := lang.Parse(f.lang)
	if err != nil {
		return usageErrf("--lang: %v", err)
	}
	if len(args) == 0 {
		why.WriteList(e.stdout, tag)
		return nil
	}
	q, err := why.Lookup(args[0])
	if err != nil {
		return usageErr(err)
	}
	var format string
	outs := []outputFile{}
	if f.chart != "" {
		if format, err = chartFormat(f.chart, ""); err != nil {
			return err
		}
		outs = append(outs, outputFile{"--chart", f.chart})
	}
	if f.html != "" {
		outs = append(outs, outputFile{"--html", f.html})
	}
	if err := checkOutputs(outs, "", ""); err != nil {
		return err
	}
	suite, err := loadSuite(nil)
	if err != nil {
		return err
	}
	a, err := why.Ask(suite, q, checker.Options{})
	if err != nil {
		// The answer would be wrong: a bug in the table or the default set.
		return internalErr(err)
	}
	a.Write(e.stdout, tag)
	if f.html != "" {
		var b bytes.Buffer
		if err := htmlview.WriteTrace(&b, a.Counterexample); err != nil {
			return internalErr(err)
		}
		if err := writeOutputFile("--html", f.html, b.Bytes()); err != nil {
			return err
		}
	}
	if f.chart != "" {
		return writeGraph(cmd, e, graphs.Sequence(a.Counterexample), format, "--chart", f.chart)
	}
	return nil
}
