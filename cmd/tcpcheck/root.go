package main

import (
	"errors"
	"fmt"
	"github.com/tcpcheck/tcpcheck/report"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/tcpcheck/tcpcheck/internal/didyoumean"
)

// The exit codes are the report package's policy, documented in the root
// command's help and the README.
const (
	ExitOK           = report.ExitOK
	ExitViolated     = report.ExitViolated
	ExitUsage        = report.ExitUsage
	ExitInconclusive = report.ExitInconclusive
	ExitInternal     = report.ExitInternal
)

const exitCodesHelp = `Exit codes:
  0  every property holds, or has the verdict its file expects
  1  a property is violated (or does not have its expected verdict)
  2  usage or input error: a bad flag, file, property or model
  3  inconclusive: a property was not decided, because a search bound
     (states, depth, time, memory) was hit, the run was interrupted
     (SIGINT or SIGTERM), or a liveness property was checked with
     --fingerprint; nothing was verified about it
  4  internal error in tcpcheck
  130, 143  a second SIGINT (130) or SIGTERM (143) ended the run at once`

// codeError is an error with the exit code it calls for.
type codeError struct {
	code int
	err  error
}

func (e *codeError) Error() string { return e.err.Error() }
func (e *codeError) Unwrap() error { return e.err }

// usageErr marks err as a usage or input error (exit code 2).
func usageErr(err error) error { return &codeError{ExitUsage, err} }

// usageErrf formats a usage or input error.
func usageErrf(format string, args ...any) error { return usageErr(fmt.Errorf(format, args...)) }

// internalErr marks err as a bug in tcpcheck (exit code 4).
func internalErr(err error) error { return &codeError{ExitInternal, err} }

// exitCode maps an error to its exit code. Errors nobody classified come
// from cobra's own argument checks, so they are usage errors.
func exitCode(err error) int {
	var ce *codeError
	if errors.As(err, &ce) {
		return ce.code
	}
	return ExitUsage
}

// env is what commands write to and how: the streams, whether they are
// terminals, and the exit code a successful command chose.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	// stdoutTTY and stderrTTY report whether the streams are terminals.
	stdoutTTY, stderrTTY bool
	// color is the --color flag: auto, always or never.
	color string
	// code is the exit code of a command that ran to its end (verify
	// sets 1 or 3 without an error, since it printed its report).
	code int
	// usageHint is printed after a usage error.
	usageHint string
}

func newEnv(stdin io.Reader, stdout, stderr io.Writer) *env {
	return &env{stdin: stdin, stdout: stdout, stderr: stderr, stdoutTTY: isTerminal(stdout), stderrTTY: isTerminal(stderr), color: "auto"}
}

// isTerminal reports whether w is a terminal (a character device).
func isTerminal(w any) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// useColor reports whether human output gets colour: on a terminal only,
// never when NO_COLOR is set (https://no-color.org), unless --color
// forces it.
func (e *env) useColor() bool {
	switch e.color {
	case "always":
		return true
	case "never":
		return false
	}
	return e.stdoutTTY && os.Getenv("NO_COLOR") == ""
}

func newRootCmd(e *env) *cobra.Command {
	root := &cobra.Command{
		Use:   "tcpcheck",
		Short: "A model checker for TCP connection states",
		Long: `tcpcheck is a model checker for TCP connection management. It explores every
interleaving of two endpoints running the RFC 9293 state machine (or a
variant of it) over a network that may lose, reorder and duplicate segments,
and checks properties written in YAML against every reachable state. When a
property fails it prints a counterexample: the shortest run that breaks it,
step by step, with the RFC section behind every transition.

` + exitCodesHelp,
		SilenceUsage:  true,
		SilenceErrors: true,
		// With no subcommand, print the help.
		Run: func(cmd *cobra.Command, args []string) { _ = cmd.Help() },
	}
	root.SetIn(e.stdin)
	root.SetOut(e.stdout)
	root.SetErr(e.stderr)
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		e.usageHint = fmt.Sprintf("Run '%s --help' for usage.", cmd.CommandPath())
		return usageErr(suggestFlag(cmd, err))
	})
	root.PersistentFlags().StringVar(&e.color, "color", "auto", "colour in human output: auto (on a terminal, unless NO_COLOR is set), always or never")
	_ = root.RegisterFlagCompletionFunc("color", fixedCompletion("auto", "always", "never"))
	root.PersistentPreRunE = func(cmd *cobra.Command, args []string) error {
		switch e.color {
		case "auto", "always", "never":
			return nil
		}
		return usageErrf("--color is %q: expected auto, always or never", e.color)
	}
	root.AddCommand(newVerifyCmd(e), newGraphCmd(e), newSpecCmd(e), newExplainCmd(e), newVersionCmd(e))
	root.AddCommand(newModelsCmd(e), newInitCmd(e), newConformCmd(e), newWhyCmd(e))
	return root
}

// suggestFlag adds "did you mean --NAME?" to pflag's error for an
// unknown long flag, naming the closest flag the command takes.
func suggestFlag(cmd *cobra.Command, err error) error {
	name, ok := strings.CutPrefix(err.Error(), "unknown flag: --")
	if !ok {
		return err
	}
	var names []string
	add := func(f *pflag.Flag) {
		if !f.Hidden {
			names = append(names, f.Name)
		}
	}
	cmd.Flags().VisitAll(add)
	cmd.InheritedFlags().VisitAll(add)
	if best, ok := didyoumean.Closest(name, names, true); ok {
		return fmt.Errorf("%w (did you mean --%s?)", err, best)
	}
	return err
}

// fixedCompletion completes a flag from a fixed list of values.
func fixedCompletion(values ...string) func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return values, cobra.ShellCompDirectiveNoFileComp
	}
}

// argsUsage wraps a cobra argument check so its failure is a usage error.
func argsUsage(check cobra.PositionalArgs) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := check(cmd, args); err != nil {
			return usageErr(err)
		}
		return nil
	}
}
