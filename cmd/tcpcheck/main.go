// Command tcpcheck is a model checker for TCP connection management: it
// explores every interleaving of two endpoints running the RFC 9293 state
// machine over a lossy, reordering network, and checks properties written
// in YAML against them.
//
// Usage:
//
//	tcpcheck verify [files...]   check properties (the built-in set by default)
//	tcpcheck graph               draw the state diagram, a reachable graph or a chart
//	tcpcheck spec                print the transition table, or a variant's changes
//	tcpcheck explain FILE        retell a saved counterexample step by step
//	tcpcheck models [NAME]       list the models, or print one fully resolved
//	tcpcheck init                write a starter property file and CI workflow
//	tcpcheck version             print the version
//	tcpcheck completion SHELL    print a shell completion script
//
// Exit codes: 0 every property holds or has its expected verdict, 1 a
// property is violated, 2 a usage or input error, 3 inconclusive (a search
// bound was hit), 4 an internal error.
package main

import (
	"fmt"
	"io"
	"os"
	"runtime/debug"

	"github.com/tcpcheck/tcpcheck/report"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run executes one command line and returns the process's exit code. It
// never panics: a panic is an internal error, reported with exit code 4.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) (code int) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(stderr, "tcpcheck: internal error: %v\n%s\nPlease report this at https://github.com/tcpcheck/tcpcheck/issues.\n", r, debug.Stack())
			code = ExitInternal
		}
	}()
	env := newEnv(stdin, stdout, stderr)
	root := newRootCmd(env)
	root.SetArgs(args)
	err := root.Execute()
	if err == nil {
		return env.code
	}
	code = exitCode(err)
	// Messages quote their input (a name, a line of a file), which must
	// not drive the terminal; see report.EscapeText.
	fmt.Fprintf(stderr, "tcpcheck: %s\n", report.EscapeText(err.Error()))
	if code == ExitUsage && env.usageHint != "" {
		fmt.Fprintln(stderr, env.usageHint)
	}
	return code
}
