package properties

import (
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpcheck/tcpcheck/checker"
)

// TestGuideExamples loads and runs every example of the authoring guide
// (the YAML blocks that start with "# example:"), so the guide cannot
// drift from the language: each example must load, every property must
// have its expected verdict, and every mutant its own.
func TestGuideExamples(t *testing.T) {
	doc, err := os.ReadFile("../docs/properties.md")
	require.NoError(t, err)
	blocks := regexp.MustCompile("(?s)```yaml\n(# example: ([^\n]*)\n.*?)```").FindAllStringSubmatch(string(doc), -1)
	require.GreaterOrEqual(t, len(blocks), 4, "the guide has its examples")
	steps := regexp.MustCompile(`\((\d+) steps\)`)
	for _, b := range blocks {
		src, name := b[1], b[2]
		t.Run(strings.ReplaceAll(name, " ", "-"), func(t *testing.T) {
			s, err := Parse(name+".yaml", []byte(src))
			require.NoError(t, err)
			require.NotEmpty(t, s.Properties)
			for _, mutants := range []bool{false, true} {
				rs, err := s.Run(RunOptions{Mutants: mutants})
				require.NoError(t, err)
				for _, r := range rs {
					require.NoError(t, r.Err, r.Property.Name)
					assert.True(t, r.Matches, "%s (mutant %v): %s %s", r.Property.Name, mutants, r.Outcome.Verdict, r.Outcome.Message)
					if m := steps.FindStringSubmatch(r.Property.Counterexample); m != nil && !mutants {
						require.NotNil(t, r.Outcome.Trace)
						assert.Equal(t, m[1], strconv.Itoa(len(r.Outcome.Trace.Steps)), "the guide's counterexample is the checker's")
					}
				}
			}
		})
	}
}

// TestReferenceModelFile checks that docs/reference-model.yaml, which the
// README offers for the CLI's figures, describes the checker's reference
// model: the benchmark and the CLI measure the same search.
func TestReferenceModelFile(t *testing.T) {
	s, err := Load([]string{"../docs/reference-model.yaml"})
	require.NoError(t, err)
	var got *checker.Model
	for _, m := range s.Models {
		if m.Name == "reference" {
			got = &m.Model
		}
	}
	require.NotNil(t, got, "the file defines the model reference")
	want := checker.Reference()
	require.Equal(t, want.Table.Name(), got.Table.Name())
	got.Table, want.Table = nil, nil
	require.Equal(t, want, *got)
}
