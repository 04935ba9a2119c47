package report

import (
	"bytes"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/tcpcheck/tcpcheck/checker"
	"github.com/tcpcheck/tcpcheck/graphs"
	"github.com/tcpcheck/tcpcheck/properties"
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

// FuzzReadTrace feeds arbitrary bytes to the trace reader with its replay
// check, seeded with the golden trace, a report, and tampered copies of
// the trace: it may refuse, but never panic, and what it accepts renders.
// go test -fuzz FuzzReadTrace -fuzzminimizetime 0s ./report explores
// further (the seeds are tens of kilobytes, and minimizing each new input
// would take the fuzzer's whole time).
func FuzzReadTrace(f *testing.F) {
	defaults, err := properties.LoadDefault()
	if err != nil {
		f.Fatal(err)
	}
	faults, err := properties.Load([]string{"../cmd/tcpcheck/testdata/props/faults.yaml"})
	if err != nil {
		f.Fatal(err)
	}
	trace, err := os.ReadFile("../cmd/tcpcheck/testdata/trace-faults.json")
	if err != nil {
		f.Fatal(err)
	}
	rep, err := os.ReadFile("../cmd/tcpcheck/testdata/verify-demo.json.golden")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(trace)
	f.Add(rep)
	for _, r := range [][2]string{
		{`"verdict": "violated"`, `"verdict": "holds"`},
		{`"verdict": "violated"`, `"verdict": "bogus"`},
		{`"n": 1,`, `"n": 99,`},
		{`"n": 2,`, `"n": -7,`},
		{`"loop_start": -1`, `"loop_start": 0`},
		{`"state": "SYN-SENT"`, `"state": "TIME-WAIT"`},
		{`"schema": "tcpcheck/trace/v1",`, `"schema": "tcpcheck/trace/v1", "schema": "x",`},
	} {
		f.Add(bytes.Replace(trace, []byte(r[0]), []byte(r[1]), 1))
	}
	f.Add([]byte(`{"schema": "tcpcheck/trace/v1", "property": "no-fault-scenario", "model": "faults", "variant": "no-time-wait", "steps": [], "message": "step 12 breaks it"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := ReadTrace("fuzz.json", data, "", faults, defaults)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.json") {
				t.Fatalf("the error does not name the file: %v", err)
			}
			return
		}
		WriteStory(io.Discard, v)
		WriteTextChart(io.Discard, v)
		_ = graphs.DOT(graphs.Sequence(v))
	})
}
