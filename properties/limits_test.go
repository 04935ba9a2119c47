package properties

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// loadList loads paths and returns the rendered errors.
func loadList(t *testing.T, paths ...string) []string {
	t.Helper()
	_, err := Load(paths)
	return errorLines(t, err)
}

// A file over MaxFileSize is refused before it is parsed (a 26 MB file
// once took 1.6 GB to parse); one at the limit is read.
func TestFileSizeLimit(t *testing.T) {
	dir := t.TempDir()
	// A comment is valid YAML of any length; the file holds nothing else.
	atLimit := "# " + strings.Repeat("x", MaxFileSize-3) + "\n"
	require.Len(t, atLimit, MaxFileSize)
	ok := filepath.Join(dir, "ok.yaml")
	require.NoError(t, os.WriteFile(ok, []byte(atLimit), 0o644))
	_, err := Load([]string{ok})
	require.NoError(t, err)

	big := filepath.Join(dir, "big.yaml")
	require.NoError(t, os.WriteFile(big, []byte(atLimit+"\n"), 0o644))
	assert.Equal(t, []string{big + ":1:1: the file is 4.0 MiB: a property file may be at most 4 MiB (4194304 bytes); split it into several files"}, loadList(t, big))

	_, err = Parse("big.yaml", []byte(atLimit+"\n"))
	assert.EqualError(t, err, "big.yaml:1:1: the file is 4.0 MiB: a property file may be at most 4 MiB (4194304 bytes); split it into several files")
}

// An alias repeated past MaxProperties (or MaxModels) stops the load of
// the list with one error, rather than decoding (and reporting) every
// copy.
func TestCountLimits(t *testing.T) {
	var b strings.Builder
	b.WriteString("properties:\n  - &p {name: dup, kind: invariant, formula: A.closed}\n")
	for i := 0; i < MaxProperties+100; i++ {
		b.WriteString("  - *p\n")
	}
	errs := loadErrors(t, b.String())
	require.Len(t, errs, MaxProperties, "one duplicate error per copy up to the limit, then one error")
	assert.Equal(t, fmt.Sprintf("p.yaml:%d:5: too many properties: a run may load at most %d; this one and those after it are not read", MaxProperties+2, MaxProperties), errs[len(errs)-1])

	b.Reset()
	b.WriteString("models:\n  - &m {name: dup, extends: client-server}\n")
	for i := 0; i < MaxModels; i++ {
		b.WriteString("  - *m\n")
	}
	errs = loadErrors(t, b.String())
	defaults, err := LoadDefault()
	require.NoError(t, err)
	// The default models count, so the list stops earlier.
	line := MaxModels - len(defaults.Models) + 2
	assert.Equal(t, fmt.Sprintf("p.yaml:%d:5: too many models: a run may define at most %d (the default models included); this one and those after it are not read", line, MaxModels), errs[len(errs)-1])
}

// Names are at most MaxNameLength long, and a long name, or any long value,
// is not echoed whole (a 1 MB identifier was printed twice).
func TestLongInputIsNotEchoed(t *testing.T) {
	ok := strings.Repeat("n", MaxNameLength)
	_, err := Parse("p.yaml", []byte("properties:\n  - {name: "+ok+", kind: invariant, formula: A.closed}\n"))
	require.NoError(t, err, "a name of the longest length loads")

	long := strings.Repeat("x", 1<<20)
	assert.Equal(t, []string{fmt.Sprintf(`p.yaml:2:11: a property name may be at most 256 characters long; this one has %d (it starts "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx")`, len(long))},
		loadErrors(t, "properties:\n  - name: "+long+"\n    kind: invariant\n    formula: A.closed\n"))

	for what, src := range map[string]string{
		"a model reference":      "properties:\n  - name: p\n    kind: invariant\n    model: " + long + "\n    formula: A.closed\n",
		"a name in a formula":    "properties:\n  - name: p\n    kind: invariant\n    formula: A." + long + " == 1\n",
		"a kind":                 "properties:\n  - name: p\n    kind: " + long + "\n    formula: A.closed\n",
		"a long line of formula": "properties:\n  - name: p\n    kind: invariant\n    formula: A.nope" + strings.Repeat(" && A.closed", 1<<16) + "\n",
	} {
		errs := loadErrors(t, src)
		require.Len(t, errs, 1, what)
		assert.Less(t, len(errs[0]), 600, "%s: %.300s", what, errs[0])
	}
	// A long line quoted under an error keeps its caret under the column.
	errs := loadErrors(t, "properties:\n  - name: p\n    kind: invariant\n    formula: "+strings.Repeat("A.closed && ", 40)+"A.nope\n")
	require.Len(t, errs, 1)
	lines := strings.Split(errs[0], "\n")
	require.Len(t, lines, 3, errs[0])
	caret := strings.Index(lines[2], "^")
	require.Greater(t, caret, 0)
	assert.Equal(t, "nope", lines[1][caret:min(caret+4, len(lines[1]))], "the caret points at the error:\n%s", errs[0])
	assert.True(t, strings.HasPrefix(lines[1], "\t..."), "the window says it starts mid-line: %q", lines[1])
}

// The same file given twice, or a file and its directory, is one error
// saying so, not "already defined" at the very same place.
func TestSameFileTwice(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "p.yaml")
	require.NoError(t, os.WriteFile(p, []byte("properties:\n  - {name: p, kind: invariant, formula: A.closed}\n"), 0o644))
	const once = "; name each file once (a directory stands for the .yaml and .yml files in it)"
	assert.Equal(t, []string{p + ":1:1: this file is already loaded" + once}, loadList(t, p, p))
	assert.Equal(t, []string{p + ":1:1: this file is already loaded (from the directory " + dir + ")" + once}, loadList(t, dir, p))
	assert.Equal(t, []string{p + ":1:1: this file is already loaded, and the directory " + dir + " holds it too" + once}, loadList(t, p, dir))
	link := filepath.Join(t.TempDir(), "link.yaml")
	require.NoError(t, os.Symlink(p, link))
	assert.Equal(t, []string{link + ":1:1: this file is already loaded as " + p + once}, loadList(t, p, link))
}
