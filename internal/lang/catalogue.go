// Package lang holds the message catalogue of tcpcheck's texts for
// people (the answers of why and the telling of a run) in English and
// Simplified Chinese, and picks the language of a run.
package lang

import (
	"fmt"
	"os"
	"strings"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/message/catalog"
)

// The languages answers are written in.
var (
	English = language.English
	Chinese = language.SimplifiedChinese
)

// Translation is a message in English, its key, and in Simplified
// Chinese.
type Translation struct{ EN, ZH string }

// translations holds every translated message, in English (the key) and
// Simplified Chinese, with the terms Chinese courses use: 三次握手,
// 四次挥手, TIME_WAIT, 2MSL, 半关闭, 半连接. State names, flags, row names
// and RFC citations are not translated.
var translations = []Translation{
	// The questions (questions.go).
	{"Why does opening a connection take three segments, not two?", "为什么建立连接需要三次握手，而不是两次？"},
	{"A server that receives a SYN answers with a SYN,ACK and waits in SYN-RECEIVED for the client's ACK of it; " +
		"only then is it ESTABLISHED. A SYN alone cannot tell a new connection attempt from an old duplicate still in the network, " +
		"so the third segment confirms that the client is still trying with that very SYN; an old one draws a RST, " +
		"and the server goes back to LISTEN.",
		"服务器收到 SYN 后回复 SYN,ACK，并在 SYN-RECEIVED 状态等待客户端对它的 ACK，收到后才进入 ESTABLISHED。" +
			"单凭一个 SYN 无法区分新的连接请求和仍滞留在网络中的旧的重复 SYN，所以第三次握手用来确认客户端仍在用这个 SYN 建立连接；" +
			"旧的 SYN 会引来 RST，服务器随即回到 LISTEN。"},
	{"a two-way handshake: the server is ESTABLISHED as soon as a SYN arrives", "两次握手：服务器一收到 SYN 就进入 ESTABLISHED"},
	{"The client gave up on its connection, but its old SYN, still in the network, opened one at the server: " +
		"the server holds a connection no client has (half-open).",
		"客户端已经放弃了这次连接，但它仍滞留在网络中的旧 SYN 在服务器上建立了连接：服务器持有一个没有任何客户端的连接（半连接）。"},

	{"Why does closing a connection take four segments?", "为什么断开连接需要四次挥手？"},
	{"A FIN closes one direction only (a half-close). The side that receives it acknowledges it at once, " +
		"goes on sending what it still has from CLOSE-WAIT, and sends its own FIN only when its user closes; " +
		"the first closer, in FIN-WAIT-2, keeps receiving until then. Two directions, each a FIN and its ACK: four segments. " +
		"When the second side has nothing more to send, its ACK can ride on its FIN and the close takes three.",
		"一个 FIN 只关闭一个方向（半关闭）。收到 FIN 的一方立即确认，在 CLOSE-WAIT 状态中继续发送尚未发完的数据，" +
			"直到它的用户关闭时才发出自己的 FIN；先关闭的一方在 FIN-WAIT-2 中一直接收到那时为止。" +
			"两个方向各有一个 FIN 和它的 ACK：共四个报文段。如果后关闭的一方已经没有数据要发，它的 ACK 可以和 FIN 合并，挥手只需三次。"},
	{"a FIN closes both directions: FIN-WAIT-2 drops the text that arrives", "一个 FIN 同时关闭两个方向：FIN-WAIT-2 丢弃到达的数据"},
	{"The side that received the FIN still sent its text from CLOSE-WAIT, and the first closer, half-closed in FIN-WAIT-2, threw it away.",
		"收到 FIN 的一方仍在 CLOSE-WAIT 中发送了数据，而先关闭、处于半关闭 FIN-WAIT-2 状态的一方把它丢弃了。"},

	{"Why does the side that closes first wait in TIME_WAIT?", "为什么先关闭的一方要进入 TIME_WAIT 状态？"},
	{"The side that closes first acknowledges the peer's FIN and then lingers in TIME-WAIT for 2MSL " +
		"instead of deleting the connection at once. If that last ACK is lost, the peer retransmits its FIN, " +
		"and TIME-WAIT is still there to acknowledge it again, so the peer closes normally.",
		"先关闭的一方确认对方的 FIN 之后，并不立即删除连接，而是在 TIME-WAIT 状态停留 2MSL。" +
			"如果这最后一个 ACK 丢失，对方会重传 FIN，而 TIME-WAIT 仍在，可以再次确认，于是对方能够正常关闭。"},
	{"no TIME-WAIT: the side that closes first goes straight to CLOSED", "没有 TIME-WAIT：先关闭的一方直接进入 CLOSED"},
	{"The last ACK was lost; the retransmitted FIN met an endpoint that was already CLOSED, which answered with a RST, " +
		"and the peer's connection ended in a reset instead of a normal close.",
		"最后一个 ACK 丢失了；重传的 FIN 遇到一个已经 CLOSED 的端点，被回以 RST，对方的连接以“连接被重置”而不是正常关闭告终。"},

	{"Why does TIME_WAIT last 2MSL?", "为什么 TIME_WAIT 要持续 2MSL？"},
	{"MSL is the longest a segment lives in the network (two minutes), and TIME-WAIT lasts twice that: " +
		"long enough for the last ACK to be lost and the peer's retransmitted FIN to arrive, and for every segment of the connection to die out. " +
		"The model has no clock, so there 2MSL is what it guarantees: the 2MSL timer fires only once nothing is in flight " +
		"and the peer will not retransmit any more.",
		"MSL 是报文段在网络中存活的最长时间（两分钟），TIME-WAIT 持续它的两倍：足以让最后一个 ACK 丢失后对方重传的 FIN 到达，" +
			"也足以让这个连接的所有报文段在网络中消失。模型里没有时钟，所以 2MSL 以它所保证的性质来表示：" +
			"只有当网络中没有报文段、对方也不会再重传时，2MSL 定时器才会超时。"},
	{"a TIME-WAIT that may end at any moment, shorter than 2MSL", "随时可能结束的 TIME-WAIT，比 2MSL 短"},
	{"TIME-WAIT ended while the peer was still retransmitting its FIN; the FIN met a CLOSED endpoint, drew a RST, " +
		"and the peer's connection ended in a reset.",
		"对方还在重传它的 FIN 时 TIME-WAIT 就结束了；这个 FIN 遇到一个 CLOSED 的端点，引来 RST，对方的连接以重置告终。"},

	{"Which side waits in TIME_WAIT?", "哪一方会进入 TIME_WAIT？"},
	{"Only the side that closes first (it sends its FIN before the peer's arrives) passes through TIME-WAIT; " +
		"the side that receives a FIN first goes CLOSE-WAIT, LAST-ACK, CLOSED. When both close at once, both wait.",
		"只有先关闭的一方（在对方的 FIN 到达之前发出自己的 FIN）会经过 TIME-WAIT；" +
			"先收到 FIN 的一方依次经过 CLOSE-WAIT、LAST-ACK、CLOSED。双方同时关闭时，两方都要等待。"},
	{"RFC 793 as first published, where CLOSE in CLOSE-WAIT enters CLOSING", "最初发布的 RFC 793：在 CLOSE-WAIT 中调用 CLOSE 会进入 CLOSING"},
	{"The side that closed second went through CLOSING into TIME-WAIT: under RFC 793's first text the passive closer waits too.",
		"后关闭的一方经过 CLOSING 进入了 TIME-WAIT：按照 RFC 793 的原文，被动关闭方也要等待。"},

	{"Why is a RST never answered with a RST?", "为什么 RST 永远不会被回以 RST？"},
	{"Every state discards a RST it does not accept, CLOSED and LISTEN included: " +
		"two endpoints that answered each other's resets would exchange RSTs forever.",
		"每个状态都会丢弃它不接受的 RST，CLOSED 和 LISTEN 也不例外：如果两个端点互相回应对方的 RST，它们会无休止地交换 RST。"},
	{"a CLOSED endpoint answers a RST with a RST,ACK", "CLOSED 状态的端点对 RST 回以 RST,ACK"},
	{"A RST reached a CLOSED endpoint, which answered it with a RST.", "一个 RST 到达了 CLOSED 状态的端点，而该端点回复了一个 RST。"},

	{"A RST in SYN-RECEIVED undoes the handshake: the connection goes back to LISTEN when it came from LISTEN, " +
		"so the server goes on listening, and to CLOSED when it came from an active OPEN (a simultaneous open), " +
		"whose user never asked to listen.",
		"SYN-RECEIVED 状态收到 RST 会撤销这次握手：如果连接来自 LISTEN，就回到 LISTEN，服务器继续监听；" +
			"如果来自主动打开（同时打开），就进入 CLOSED，因为它的用户从未要求监听。"},
	{"a RST sends SYN-RECEIVED back to LISTEN wherever the connection came from", "无论连接从哪里来，RST 都让 SYN-RECEIVED 回到 LISTEN"},
	{"An endpoint whose user opened actively ended up listening for connections that its user never asked for.",
		"一个由用户主动打开的端点最终在监听连接，而它的用户从未要求这样做。"},

	// The frame of every answer (text.go).
	{"Question: %s", "问题：%s"},
	{"The rule (%s):", "规则（%s）："},
	{"Verdict: property %s holds on rfc9293, checked now on model %s (%d states explored).",
		"结论：性质 %s 在 rfc9293 上成立，刚刚在模型 %s 上检查过（搜索了 %d 个状态）。"},
	{"Without the rule (%s), it fails. The shortest run that goes wrong, %d steps:",
		"去掉这条规则（%s）后，性质不再成立。出错的最短运行，共 %d 步："},
	{"What went wrong: %s", "问题出在：%s"},
	{"Each answer is checked when it is asked. The questions:", "每个解答都在提问时现场检查。问题列表："},
	{"Run tcpcheck why QUESTION for the answer.", "运行 tcpcheck why 问题名 查看解答。"},

	// The telling of a run (report.WriteStoryIn).
	{"Property %s is %s on model %s (variant %s)", "性质 %[1]s 在模型 %[3]s（变体 %[4]s）上%[2]s"},
	{"holds", "成立"},
	{"violated", "不成立"},
	{"inconclusive", "未判定"},
	{"A run for property %s on model %s (variant %s)", "性质 %s 在模型 %s（变体 %s）上的一次运行"},
	{"A run of model %s (variant %s)", "模型 %s（变体 %s）的一次运行"},
	{".", "。"},
	{"Segments are numbered as in RFC 9293's figures: A's first sequence number is 100, B's is 300.",
		"报文段的序号与 RFC 9293 的图一致：A 的初始序号是 100，B 的是 300。"},
	{"At the start, A is %s and B is %s. %s", "开始时，A 处于 %s，B 处于 %s。%s"},
	{"From here on the run repeats forever (steps %s to %s, then back to step %s):", "从这里开始，运行无限重复（第 %s 步到第 %s 步，然后回到第 %s 步）："},
	{"Step %s. %s", "第 %s 步。%s"},
	{"Then back to step %s, forever.", "然后回到第 %s 步，无限循环。"},
	{"In the end, A is %s and B is %s. %s", "最后，A 处于 %s，B 处于 %s。%s"},
	{"in %s", "%s"},
	{"%s and %s", "%s 和 %s"},
	{"Nothing is in flight.", "网络中没有报文段。"},
	{"In flight: %s.", "网络中：%s。"},
	{"%s's user calls %s.", "%s 的用户调用 %s。"},
	{"%s's user opens a new connection (%s).", "%s 的用户打开一个新连接（%s）。"},
	{"%s's %s fires.", "%s 的%s超时。"},
	{"retransmission timer", "重传定时器"},
	{"2MSL timer", "2MSL 定时器"},
	{"user timer", "用户超时定时器"},
	{"FIN-WAIT-2 timer", "FIN-WAIT-2 定时器"},
	{"%s receives %s's %s.", "%s 收到 %s 的 %s。"},
	{" The table reads it as %s.", "状态表把它归类为 %s。"},
	{"The network loses %s's %s on its way to %s. %s stays %s, %s %s. %s", "网络丢失了 %[1]s 发往 %[3]s 的 %[2]s。%[4]s 仍处于 %[5]s，%[6]s 处于 %[7]s。%[8]s"},
	{"The network duplicates %s's %s: a second copy is now on its way to %s. %s", "网络复制了 %s 的 %s：第二个副本正发往 %s。%s"},
	{"%s's host crashes. Its TCB is lost and %s is CLOSED, without a word to %s (RFC 9293 3.5.1: a half-open connection). %s",
		"%s 的主机崩溃。它的 TCB 丢失，%s 处于 CLOSED，而 %s 对此一无所知（RFC 9293 3.5.1：半连接）。%s"},
	{"sends %s", "发送 %s"},
	{"enters %s", "进入 %s"},
	{"stays %s", "保持 %s"},
	{"%s was %s; it %s.", "%s 原处于 %s；它%s。"},
	{"%s was %s; it %s and %s.", "%s 原处于 %s；它%s，并%s。"},
	{" The network drops %s at once: that direction is full, and a network that can lose segments loses what it has no room for.",
		"网络立即丢弃了 %s：这个方向已满，会丢包的网络丢掉放不下的报文段。"},
	{"Why: row %s (%s)", "原因：规则 %s（%s）"},
	{", which variant %s redirected into %s.", "，变体 %s 把它改到 %s。"},
	{", a row variant %s %s", "，一条被变体 %s %s的规则"},
	{"made", "加入"},
	{"added", "加入"},
	{"replaced", "替换"},
	{"%s's user is told \"%s\".", "%s 的用户得到通知“%s”。"},
}

// messages is the catalogue of translations.
var messages = func() catalog.Catalog {
	b := catalog.NewBuilder(catalog.Fallback(English))
	for _, t := range translations {
		// SetString fails only for a malformed tag, and these are fixed.
		_ = b.SetString(English, t.EN, t.EN)
		_ = b.SetString(Chinese, t.EN, t.ZH)
	}
	return b
}()

// Translations lists every message with its translation.
func Translations() []Translation { return append([]Translation(nil), translations...) }

// Parse returns the language lang names: "zh" (or any tag of Chinese)
// for Simplified Chinese, "en" for English, and "" to follow the LC_ALL
// and LANG environment variables (Chinese when they start with zh).
func Parse(lang string) (language.Tag, error) {
	if lang == "" {
		for _, v := range []string{"LC_ALL", "LANG"} {
			if env := os.Getenv(v); env != "" {
				lang = env
				break
			}
		}
		if !strings.HasPrefix(strings.ToLower(lang), "zh") {
			lang = "en"
		}
	}
	switch l := strings.ToLower(lang); {
	case strings.HasPrefix(l, "en"):
		return English, nil
	case strings.HasPrefix(l, "zh"):
		return Chinese, nil
	}
	return language.Und, fmt.Errorf("unknown language %q (expected en or zh)", lang)
}

// Printer returns the printer of a language the catalogue has.
func Printer(lang language.Tag) *message.Printer {
	return message.NewPrinter(lang, message.Catalog(messages))
}
