package htmlview

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"html/template"
	"io"

	"github.com/tcpcheck/tcpcheck/checker"
	"github.com/tcpcheck/tcpcheck/report"
)

var (
	//go:embed assets/page.html
	pageHTML string
	//go:embed assets/style.css
	styleCSS string
	//go:embed assets/app.js
	appJS string
)

var pageTmpl = template.Must(template.New("page").Funcs(template.FuncMap{
	"chart":    func(i int, t *Trace) template.HTML { return template.HTML(chartSVG(i, t)) },
	"diagram":  func(i int, t *Trace) template.HTML { return template.HTML(diagramSVG(i, t)) },
	"lastStep": func(t *Trace) int { return len(t.Steps) - 1 },
}).Parse(pageHTML))

// Write renders the page of a report of verify.
func Write(w io.Writer, r *report.Report) error { return WritePage(w, Compute(r)) }

// WriteTrace renders the page of one trace (explain).
func WriteTrace(w io.Writer, v *checker.TraceView) error { return WritePage(w, ComputeTrace(v)) }

// WritePage renders a computed page. The same page always gives the same
// bytes.
func WritePage(w io.Writer, p *Page) error {
	// json.Marshal escapes <, > and &, so the data cannot end the script
	// element it is spliced into.
	data, err := json.Marshal(p)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	err = pageTmpl.Execute(&b, struct {
		*Page
		CSS  template.CSS
		JS   template.JS
		Data template.JS
	}{p, template.CSS(styleCSS), template.JS(appJS), template.JS(data)})
	if err != nil {
		return err
	}
	_, err = w.Write(b.Bytes())
	return err
}
