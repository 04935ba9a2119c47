package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestConsoleExamples runs every console example of README.md and
// docs/*.md and compares what it prints with what the page shows, so the
// documentation cannot drift from the tool.
//
// In a ```console block, a line "$ tcpcheck ARGS" is a command and the
// lines up to the next "$ " are its standard output and error, in that
// order; a line "..." stands for any number of lines. "$ echo $?" shows
// the exit code of the command before. The commands run in a fresh
// directory; a file the command names that the repository does not have
// (my-properties.yaml) is the ```yaml block just before the console
// block.
func TestConsoleExamples(t *testing.T) {
	pages, err := filepath.Glob("../../docs/*.md")
	if err != nil {
		t.Fatal(err)
	}
	pages = append([]string{"../../README.md"}, pages...)
	n := 0
	for _, page := range pages {
		data, err := os.ReadFile(page)
		if err != nil {
			t.Fatal(err)
		}
		for _, ex := range consoleExamples(string(data)) {
			n++
			t.Run(fmt.Sprintf("%s:%d", filepath.Base(page), ex.line), func(t *testing.T) {
				runExample(t, ex)
			})
		}
	}
	if n < 5 {
		t.Fatalf("found %d console examples; the README has more", n)
	}
}

// example is one console block and the yaml block before it.
type example struct {
	line     int // the line of the block's first command
	commands []exampleCommand
	yaml     string
}

type exampleCommand struct {
	args []string
	want []string
}

var fence = regexp.MustCompile("(?m)^```([a-z]*)\n((?s:.*?))^```\n")

func consoleExamples(page string) []example {
	var out []example
	lastYAML := ""
	for _, m := range fence.FindAllStringSubmatchIndex(page, -1) {
		lang, body := page[m[2]:m[3]], page[m[4]:m[5]]
		switch lang {
		case "yaml":
			lastYAML = body
		case "console":
			ex := example{line: strings.Count(page[:m[4]], "\n") + 1, yaml: lastYAML}
			for _, l := range strings.Split(strings.TrimSuffix(body, "\n"), "\n") {
				if cmd, ok := strings.CutPrefix(l, "$ "); ok {
					ex.commands = append(ex.commands, exampleCommand{args: strings.Fields(cmd)})
					continue
				}
				if len(ex.commands) > 0 {
					last := &ex.commands[len(ex.commands)-1]
					last.want = append(last.want, l)
				}
			}
			out = append(out, ex)
		}
	}
	return out
}

// repoDir returns a fresh directory that, like the repository's top, has
// docs/, properties/ and testdata/ in it (links to the repository's own),
// since the examples name files from the top: docs/...
func repoDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, top := range []string{"docs", "properties", "testdata"} {
		abs, err := filepath.Abs(filepath.Join("../..", top))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(abs, filepath.Join(dir, top)); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func runExample(t *testing.T, ex example) {
	t.Chdir(repoDir(t))
	code := 0
	for _, c := range ex.commands {
		var got []string
		switch {
		case len(c.args) == 2 && c.args[0] == "echo" && c.args[1] == "$?":
			got = []string{strconv.Itoa(code)}
		case len(c.args) > 0 && c.args[0] == "tcpcheck":
			for _, a := range c.args[1:] {
				if strings.HasSuffix(a, ".yaml") && !strings.Contains(a, "/") {
					if err := os.WriteFile(a, []byte(ex.yaml), 0o644); err != nil {
						t.Fatal(err)
					}
				}
			}
			out, errOut, exit := runCmd(t, "", c.args[1:]...)
			code = exit
			got = strings.Split(strings.TrimSuffix(out+errOut, "\n"), "\n")
			if out+errOut == "" {
				got = nil
			}
		default:
			t.Fatalf("line %d: the example runs %q; only tcpcheck and echo $? are run", ex.line, strings.Join(c.args, " "))
		}
		if !matchLines(c.want, got) {
			t.Errorf("line %d: $ %s printed\n%s\nbut the page shows\n%s", ex.line, strings.Join(c.args, " "),
				strings.Join(got, "\n"), strings.Join(c.want, "\n"))
		}
	}
}

// matchLines matches got against want, where a line "..." of want stands
// for any number of lines.
func matchLines(want, got []string) bool {
	if len(want) == 0 {
		return len(got) == 0
	}
	if want[0] == "..." {
		for i := 0; i <= len(got); i++ {
			if matchLines(want[1:], got[i:]) {
				return true
			}
		}
		return false
	}
	return len(got) > 0 && got[0] == want[0] && matchLines(want[1:], got[1:])
}
