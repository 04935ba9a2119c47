package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"
)

// starterProperties is the property file tcpcheck init writes: one model
// extending a default one, and two properties, commented.
const starterProperties = `# tcpcheck property file, written by tcpcheck init.
# Check it with:   tcpcheck verify tcpcheck.yaml
# The language is described in docs/properties.md of
# https://github.com/tcpcheck/tcpcheck; "tcpcheck models" lists the models
# you can extend, and "tcpcheck models NAME" shows all their settings.

models:
  # Your model: the default client-server model (a client connects to a
  # listening server; either may close; the network reorders segments and
  # loses one), with one change: the network may also duplicate a segment.
  - name: my-model
    description: client-server, on a network that may also duplicate a segment.
    extends: client-server
    network: {duplicates: 1}

properties:
  # An invariant must hold in every reachable state.
  - name: only-one-connection
    description: >
      Whenever both endpoints are ESTABLISHED, they are two ends of the
      same connection (each has recorded the other's current initial
      sequence number).
    model: my-model
    kind: invariant
    formula: A.state == ESTABLISHED && B.state == ESTABLISHED => A.synced_with_peer
    rfc: ["RFC 9293 3.5"]

  # A reachable property must hold in some reachable state; verify prints
  # the run that reaches it (the witness) with --verbose.
  - name: connection-can-close
    description: A connection can end in an orderly close on both sides.
    model: my-model
    kind: reachable
    formula: A.ended == closed && B.ended == closed
`

// starterWorkflow is the GitHub Actions workflow tcpcheck init writes.
const starterWorkflow = `# GitHub Actions workflow, written by tcpcheck init: checks the properties
# of tcpcheck.yaml on every push and pull request, annotates the property
# file where a property fails, and keeps the reports.
name: tcpcheck
on: [push, pull_request]
permissions:
  contents: read
jobs:
  verify:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-go@v5
        with:
          go-version: stable
      - run: go install github.com/tcpcheck/tcpcheck/cmd/tcpcheck@latest
      - name: Check the properties
        # --progress always prints a progress line every 10 s, so a long
        # search never leaves the log silent.
        run: >
          tcpcheck verify tcpcheck.yaml
          --format github --max-time 10m --progress always
          --junit tcpcheck.xml --save-traces traces
      - name: Keep the JUnit report and the counterexamples
        if: always()
        uses: actions/upload-artifact@v4
        with:
          name: tcpcheck
          path: |
            tcpcheck.xml
            traces/
`

// initFile is a file tcpcheck init writes.
type initFile struct {
	path, content string
}

func initFiles() []initFile {
	return []initFile{
		{"tcpcheck.yaml", starterProperties},
		{filepath.Join(".github", "workflows", "tcpcheck.yml"), starterWorkflow},
	}
}

func newInitCmd(e *env) *cobra.Command {
	var force bool
	var dir string
	cmd := &cobra.Command{
		Use:   "init",
		Short: "Write a starter property file and a GitHub Actions workflow",
		Long: `Write two files into the current directory (or --dir):

  tcpcheck.yaml                   a property file with one model, which
                                  extends client-server, and two
                                  properties, commented
  .github/workflows/tcpcheck.yml  a GitHub Actions workflow that runs
                                  tcpcheck verify tcpcheck.yaml on every
                                  push and pull request

Both run as written: tcpcheck verify tcpcheck.yaml passes. An existing file
is never overwritten (exit code 2, and nothing is written) unless --force.`,
		Example: `  tcpcheck init
  tcpcheck verify tcpcheck.yaml`,
		Args: argsUsage(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runInit(e, dir, force)
		},
	}
	cmd.Flags().BoolVar(&force, "force", false, "overwrite files that exist")
	cmd.Flags().StringVar(&dir, "dir", ".", "write the files into this directory")
	return cmd
}

func runInit(e *env, dir string, force bool) error {
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return usageErrf("--dir is %q: expected a directory that exists", dir)
	}
	files := initFiles()
	if !force {
		for _, f := range files {
			p := filepath.Join(dir, f.path)
			if _, err := os.Lstat(p); err == nil {
				return usageErrf("%s exists: tcpcheck init does not overwrite files (use --force to overwrite it); nothing was written", p)
			} else if !errors.Is(err, fs.ErrNotExist) {
				return usageErr(err)
			}
		}
	}
	for _, f := range files {
		p := filepath.Join(dir, f.path)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return usageErr(err)
		}
		if err := os.WriteFile(p, []byte(f.content), 0o644); err != nil {
			return usageErr(err)
		}
		fmt.Fprintf(e.stdout, "wrote %s\n", p)
	}
	fmt.Fprintf(e.stdout, "Check the properties with: tcpcheck verify %s\n", filepath.Join(dir, "tcpcheck.yaml"))
	return nil
}
