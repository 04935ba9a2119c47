package main

import (
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/tcpcheck/tcpcheck/checker"
	"github.com/tcpcheck/tcpcheck/spec"
)

// builtinModels are the models tcpcheck knows without any file.
func builtinModels() map[string]checker.Model {
	return map[string]checker.Model{
		"client-server": checker.ClientServer(),
		"reference":     checker.Reference(),
	}
}

// modelNames lists the models a command can name.
func modelNames(e *env, files []string) []string {
	var names []string
	for n := range builtinModels() {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// lookupModel finds a model by name ("" for client-server) and applies a
// variant to it ("" keeps the model's own table).
func lookupModel(e *env, files []string, name, variant string) (checker.Model, error) {
	if name == "" {
		name = "client-server"
	}
	m, ok := builtinModels()[name]
	if !ok {
		return checker.Model{}, usageErrf("unknown model %q (expected one of %s)", name, strings.Join(modelNames(e, files), ", "))
	}
	if variant != "" {
		t, err := spec.ForVariant(variant)
		if err != nil {
			return checker.Model{}, usageErr(err)
		}
		m.Table = t
	}
	return m, nil
}

func modelCompletion(e *env) func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return func(_ *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
		return modelNames(e, args), cobra.ShellCompDirectiveNoFileComp
	}
}

// graphTrace finds the trace a graph --kind trace draws.
func graphTrace(cmd *cobra.Command, e *env, f *graphFlags) (*checker.TraceView, error) {
	if f.trace == "" {
		return nil, usageErrf("--kind trace needs --trace FILE: a trace saved by verify --save-traces, or a report written by verify --format json")
	}
	return loadTrace(e, f.trace, f.property)
}
