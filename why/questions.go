package why

// questions are the questions answered so far, each with the default
// property and mutant behind it. Their texts are the English message
// keys; the catalogue of package internal/lang has them in Chinese.
var questions = []Question{
	{
		Key:      "three-way-handshake",
		Property: "no-connection-from-old-syn",
		Title:    "Why does opening a connection take three segments, not two?",
		Rule: "A server that receives a SYN answers with a SYN,ACK and waits in SYN-RECEIVED for the client's ACK of it; " +
			"only then is it ESTABLISHED. A SYN alone cannot tell a new connection attempt from an old duplicate still in the network, " +
			"so the third segment confirms that the client is still trying with that very SYN; an old one draws a RST, " +
			"and the server goes back to LISTEN.",
		Cite:   "RFC 9293 3.5 (Figure 8), 3.10.7.2",
		Mutant: "a two-way handshake: the server is ESTABLISHED as soon as a SYN arrives",
		Wrong: "The client gave up on its connection, but its old SYN, still in the network, opened one at the server: " +
			"the server holds a connection no client has (half-open).",
	},
	{
		Key:      "four-way-close",
		Property: "half-closed-receiver-takes-text",
		Title:    "Why does closing a connection take four segments?",
		Rule: "A FIN closes one direction only (a half-close). The side that receives it acknowledges it at once, " +
			"goes on sending what it still has from CLOSE-WAIT, and sends its own FIN only when its user closes; " +
			"the first closer, in FIN-WAIT-2, keeps receiving until then. Two directions, each a FIN and its ACK: four segments. " +
			"When the second side has nothing more to send, its ACK can ride on its FIN and the close takes three.",
		Cite:   "RFC 9293 3.6.1 (half-close), 3.10.7.4",
		Mutant: "a FIN closes both directions: FIN-WAIT-2 drops the text that arrives",
		Wrong:  "The side that received the FIN still sent its text from CLOSE-WAIT, and the first closer, half-closed in FIN-WAIT-2, threw it away.",
	},
	{
		Key:      "time-wait",
		Property: "time-wait-necessary-lost-ack",
		Title:    "Why does the side that closes first wait in TIME_WAIT?",
		Rule: "The side that closes first acknowledges the peer's FIN and then lingers in TIME-WAIT for 2MSL " +
			"instead of deleting the connection at once. If that last ACK is lost, the peer retransmits its FIN, " +
			"and TIME-WAIT is still there to acknowledge it again, so the peer closes normally.",
		Cite:   "RFC 9293 3.3.2 (TIME-WAIT), 3.6, 3.10.7.4",
		Mutant: "no TIME-WAIT: the side that closes first goes straight to CLOSED",
		Wrong: "The last ACK was lost; the retransmitted FIN met an endpoint that was already CLOSED, which answered with a RST, " +
			"and the peer's connection ended in a reset instead of a normal close.",
	},
	{
		Key:      "two-msl",
		Property: "time-wait-lasts-2msl",
		Title:    "Why does TIME_WAIT last 2MSL?",
		Rule: "MSL is the longest a segment lives in the network (two minutes), and TIME-WAIT lasts twice that: " +
			"long enough for the last ACK to be lost and the peer's retransmitted FIN to arrive, and for every segment of the connection to die out. " +
			"The model has no clock, so there 2MSL is what it guarantees: the 2MSL timer fires only once nothing is in flight " +
			"and the peer will not retransmit any more.",
		Cite:   "RFC 9293 3.3.2 (TIME-WAIT), 3.4.2 (MSL), 3.6",
		Mutant: "a TIME-WAIT that may end at any moment, shorter than 2MSL",
		Wrong: "TIME-WAIT ended while the peer was still retransmitting its FIN; the FIN met a CLOSED endpoint, drew a RST, " +
			"and the peer's connection ended in a reset.",
	},
	{
		Key:      "who-waits",
		Property: "only-first-closer-time-wait",
		Title:    "Which side waits in TIME_WAIT?",
		Rule: "Only the side that closes first (it sends its FIN before the peer's arrives) passes through TIME-WAIT; " +
			"the side that receives a FIN first goes CLOSE-WAIT, LAST-ACK, CLOSED. When both close at once, both wait.",
		Cite:   "RFC 9293 3.6 (Figures 12 and 13), RFC 1122 4.2.2.20 (a)",
		Mutant: "RFC 793 as first published, where CLOSE in CLOSE-WAIT enters CLOSING",
		Wrong:  "The side that closed second went through CLOSING into TIME-WAIT: under RFC 793's first text the passive closer waits too.",
	},
	{
		Key:      "rst",
		Property: "no-rst-answers-rst",
		Title:    "Why is a RST never answered with a RST?",
		Rule: "Every state discards a RST it does not accept, CLOSED and LISTEN included: " +
			"two endpoints that answered each other's resets would exchange RSTs forever.",
		Cite:   "RFC 9293 3.10.7.1, 3.10.7.2, 3.5.2",
		Mutant: "a CLOSED endpoint answers a RST with a RST,ACK",
		Wrong:  "A RST reached a CLOSED endpoint, which answered it with a RST.",
		Also: []Question{{
			Property: "syn-received-to-listen-only-if-passive",
			Rule: "A RST in SYN-RECEIVED undoes the handshake: the connection goes back to LISTEN when it came from LISTEN, " +
				"so the server goes on listening, and to CLOSED when it came from an active OPEN (a simultaneous open), " +
				"whose user never asked to listen.",
			Cite:   "RFC 9293 3.10.7.4 (second check), RFC 1122 4.2.2.11",
			Mutant: "a RST sends SYN-RECEIVED back to LISTEN wherever the connection came from",
			Wrong:  "An endpoint whose user opened actively ended up listening for connections that its user never asked for.",
		}},
	},
}
