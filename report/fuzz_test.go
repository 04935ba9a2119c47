package report

import (
	"bytes"
	"io"
	"os"
	"testing"

	"github.com/tcpcheck/tcpcheck/checker"
	"github.com/tcpcheck/tcpcheck/graphs"
)

// FuzzExplain feeds arbitrary JSON to the trace reader and, when it
// accepts it, to every renderer: none may panic, whatever the file says.
// go test runs the seeds; go test -fuzz FuzzExplain ./report explores
// further.
func FuzzExplain(f *testing.F) {
	for _, seed := range []string{"../cmd/tcpcheck/testdata/trace-faults.json", "../cmd/tcpcheck/testdata/verify-demo.json.golden"} {
		data, err := os.ReadFile(seed)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"schema": "tcpcheck/trace/v1", "initial": {"a": {"state": "LISTEN"}, "b": {"state": "CLOSED"}}, "loop_start": 0,
		"steps": [{"actor": "B", "action": "deliver", "segment": {"from": "A", "to": "B", "flags": "SYN", "text": "<SEQ=1>"},
		"before": {"a": {"state": "CLOSED"}, "b": {"state": "CLOSED"}}, "after": {"a": {"state": "CLOSED"}, "b": {"state": "CLOSED"}}}]}`))
	f.Add([]byte(`{"schema": "tcpcheck/report/v1", "results": [{"property": "p", "trace": {"schema": "tcpcheck/trace/v1"}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := checker.DecodeTraceView(bytes.NewReader(data))
		if err != nil {
			return
		}
		WriteStory(io.Discard, v)
		WriteTextChart(io.Discard, v)
		_ = graphs.DOT(graphs.Sequence(v))
	})
}
