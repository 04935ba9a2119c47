package graphs

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"

	"github.com/emicklei/dot"
)

// ErrNoGraphviz is returned by Render when Graphviz's dot program is not
// installed.
var ErrNoGraphviz = errors.New("the dot program of Graphviz was not found on PATH; install the graphviz package (apt-get install graphviz, dnf install graphviz, brew install graphviz) or write DOT and render it elsewhere")

// Formats lists the output formats Render accepts besides DOT.
var Formats = []string{"svg", "png"}

// layoutFormats are what Render also accepts, for measuring a layout.
var layoutFormats = []string{"json"}

// DOT returns a graph's DOT source, ending in a newline.
func DOT(g *dot.Graph) []byte {
	var b bytes.Buffer
	g.Write(&b)
	return b.Bytes()
}

// Render runs Graphviz's dot on DOT source and returns the image in
// format ("svg" or "png"). Anything dot writes on its standard error,
// warnings included, is returned as an error together with the image, so
// that a caller can refuse a drawing Graphviz had to guess at.
func Render(ctx context.Context, src []byte, format string) ([]byte, error) {
	ok := false
	for _, f := range append(Formats, layoutFormats...) {
		ok = ok || f == format
	}
	if !ok {
		return nil, fmt.Errorf("unknown image format %q (expected %s)", format, strings.Join(Formats, " or "))
	}
	path, err := exec.LookPath("dot")
	if err != nil {
		return nil, ErrNoGraphviz
	}
	cmd := exec.CommandContext(ctx, path, "-T"+format)
	cmd.Stdin = bytes.NewReader(src)
	var out, stderr bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("the dot program of Graphviz failed: %v: %s", err, strings.TrimSpace(stderr.String()))
	}
	if msg := strings.TrimSpace(stderr.String()); msg != "" {
		return out.Bytes(), &WarningError{Msg: msg}
	}
	return out.Bytes(), nil
}

// WarningError carries what Graphviz printed while rendering successfully.
type WarningError struct{ Msg string }

// Error renders the warnings.
func (e *WarningError) Error() string { return "Graphviz dot warned: " + e.Msg }
