package spec_test

import (
	"fmt"

	"github.com/tcpcheck/tcpcheck/spec"
)

// Step takes an endpoint and an event and says what follows: the next TCB,
// the row of the table, and the segments sent.
func ExampleTable_Step() {
	tbl := spec.Default()
	a := spec.ClosedTCB(0) // CLOSED; its next ISN is epoch 0's

	res := tbl.Step(a, spec.Call(spec.OpenActive))
	row := tbl.Row(res.Row)
	fmt.Println(res.Next.State, row.ID, row.Cite)
	fmt.Println(res.Sent())
	// Output:
	// SYN-SENT CLOSED/connect RFC 9293 3.10.1
	// [<SEQ=e0+0><CTL=SYN>]
}

// The three-way handshake of RFC 9293 Figure 6, printed with a Numbering
// that gives A the ISN 100 and B the ISN 300, as the figure does.
func Example_step() {
	tbl := spec.Default()
	n := spec.Numbering{0: 100, 1: 300}
	a, b := spec.ClosedTCB(0), spec.ClosedTCB(1)

	b = tbl.Step(b, spec.Call(spec.OpenPassive)).Next
	r := tbl.Step(a, spec.Call(spec.OpenActive))
	a = r.Next
	for to := &b; r.NOut > 0; {
		seg := r.Out[0]
		r = tbl.Step(*to, spec.Arrival(seg))
		*to = r.Next
		fmt.Printf("%-12s %s  %s\n", a.State, n.Format(seg), b.State)
		if to == &b {
			to = &a
		} else {
			to = &b
		}
	}
	// Output:
	// SYN-SENT     <SEQ=100><CTL=SYN>  SYN-RECEIVED
	// ESTABLISHED  <SEQ=300><ACK=101><CTL=SYN,ACK>  SYN-RECEIVED
	// ESTABLISHED  <SEQ=101><ACK=301><CTL=ACK>  ESTABLISHED
}

// A refused user call is an ordinary result with an error notice.
func ExampleNotice_IsError() {
	res := spec.Default().Step(spec.ClosedTCB(0), spec.Call(spec.Close))
	fmt.Println(res.Next.State, res.Notice, res.Notice.IsError())
	// Output: CLOSED error: connection does not exist true
}

// Diff shows what a variant changes.
func ExampleDiff() {
	rfc1337, err := spec.ForVariant("rfc1337")
	if err != nil {
		panic(err)
	}
	for _, d := range spec.Diff(spec.Default(), rfc1337) {
		fmt.Println(d.Change, d.ID, d.Old.To, "->", d.New.To, "("+d.New.Cite+")")
	}
	// Output: changed TIME-WAIT/rcv-rst CLOSED -> TIME-WAIT (RFC 1337 4.2 (F1))
}

// An overlay mutates the protocol; Apply refuses one that leaves an event
// without a row.
func ExampleTable_Apply() {
	_, err := spec.Default().Apply(spec.Overlay{Name: "mute", Remove: []string{"CLOSED/rcv-ack"}})
	fmt.Println(err)
	_, err = spec.Default().Apply(spec.Overlay{Remove: []string{"CLOSED/rcv-akc"}})
	fmt.Println(err)
	// Output:
	// table mute is not total: 288 events of CLOSED have no row, the first CLOSED on rcv ACK [ack of-SYN] (passive=false, text queued=false, CLOSE queued=false)
	// cannot remove row "CLOSED/rcv-akc": no such row (did you mean "CLOSED/rcv-ack"?)
}

func ExampleParseState() {
	for _, name := range []string{"SYN_RCVD", "time-wait", "Syn_Recv", "FIN_WAIT2"} {
		s, err := spec.ParseState(name)
		fmt.Println(s, err)
	}
	// Output:
	// SYN-RECEIVED <nil>
	// TIME-WAIT <nil>
	// SYN-RECEIVED <nil>
	// FIN-WAIT-2 <nil>
}
