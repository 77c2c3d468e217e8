package server

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/mockinterview/mockinterview/interviewer"
	"github.com/mockinterview/mockinterview/interviewer/star"
	"github.com/mockinterview/mockinterview/protocol"
	"github.com/mockinterview/mockinterview/store"
)

// TestDeleteAfterClose deletes and retranscribes sessions the moment the
// client has read their close frame: the session has ended, so neither
// may answer 409. One try in four used to, while the server waited for the
// client's reply to its close frame with the session still counted live.
func TestDeleteAfterClose(t *testing.T) {
	ts := startServer(t, Config{})
	listen := ts.listenURL() + "?" + protocol.ListenQuery().Encode()
	for i := range 20 {
		for _, method := range []string{http.MethodDelete, http.MethodPost} {
			c := dialWS(t, listen, nil, nil)
			begin := c.start(protocol.ClientMessage{Mode: "practice"})
			c.send(protocol.ClientMessage{Type: protocol.TypeCloseStream})
			c.expectClose(protocol.CloseNormal, "CloseStream", protocol.TypeReport, protocol.TypeMetadata)
			path := ts.url + "/api/sessions/" + begin["session_id"].(string)
			if method == http.MethodPost {
				path += "/retranscribe"
			}
			req, err := http.NewRequest(method, path+"?secret="+begin["secret"].(string), nil)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode == http.StatusConflict {
				t.Errorf("try %d: %s %s right after the close frame: 409", i, method, path)
			}
		}
	}
}

// TestUpgradeNeedsHTTP11 sends the same WebSocket handshake on a raw
// socket as HTTP/1.1, which is upgraded, and as HTTP/1.0, which RFC 6455
// does not allow and which is refused before the upgrade.
func TestUpgradeNeedsHTTP11(t *testing.T) {
	ts := startServer(t, Config{})
	host := strings.TrimPrefix(ts.url, "http://")
	for _, tt := range []struct {
		proto  string
		status int
		body   string
	}{
		{"HTTP/1.1", http.StatusSwitchingProtocols, ""},
		{"HTTP/1.0", http.StatusBadRequest, "a WebSocket needs HTTP/1.1 or later (RFC 6455), and this request is HTTP/1.0: send the upgrade request as HTTP/1.1\n"},
	} {
		conn, err := net.Dial("tcp", host)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		conn.SetDeadline(time.Now().Add(10 * time.Second))
		fmt.Fprintf(conn, "GET /v1/listen?%s %s\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"+
			"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n", protocol.ListenQuery().Encode(), tt.proto, host)
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatalf("%s: %v", tt.proto, err)
		}
		var body []byte
		if resp.StatusCode != http.StatusSwitchingProtocols {
			body, _ = io.ReadAll(resp.Body)
		}
		if resp.StatusCode != tt.status || string(body) != tt.body {
			t.Errorf("%s upgrade: %s %q\nwant %d %q", tt.proto, resp.Status, body, tt.status, tt.body)
		}
	}
}

// TestMarkdownEscapesText puts markup where the export carries outside
// text: the recognizer's words (an answer's part, a probe's reply, a
// finding's evidence) and a language model's wording of a probe. A reader
// that renders the export must show that text, not run its HTML or lay
// out its Markdown.
func TestMarkdownEscapesText(t *testing.T) {
	const hostile = "<script>alert(1)</script> **bold** [link](https://evil.example) `code` a_b | c\n# heading\n\n- item"
	r := &interviewer.InterviewReport{
		Report: interviewer.Report{
			Parts:    []interviewer.PartTiming{{Label: star.Action, Start: 1, End: 9, Text: hostile}},
			Feedback: []interviewer.Finding{{Part: star.Action, Severity: interviewer.SeverityInfo, Message: "filler words", Evidence: hostile}},
		},
		Probes: []interviewer.ProbeExchange{
			{Asked: `<img src=x onerror="alert(1)"> What did you measure?`, Answer: hostile},
			{Asked: "1. Which number moved?\n## Verdict: hire", Skipped: true},
		},
	}
	md := Markdown(&store.SessionDetail{SessionRecord: store.SessionRecord{Principle: "Ownership", Question: "Q?"}, Report: r})
	for _, markup := range []string{"<script", "<img", "**bold**", "[link]", "`code`", "a_b", "\n# heading", "\n- item", "\n## Verdict"} {
		if strings.Contains(md, markup) {
			t.Errorf("the export carries %q as markup:\n%s", markup, md)
		}
	}
	for _, text := range []string{`&lt;script&gt;alert(1)&lt;/script&gt; \*\*bold\*\* \[link\](https://evil.example) \` + "`code\\`" + ` a\_b \| c \# heading - item`,
		`### 1. &lt;img src=x onerror="alert(1)"&gt; What did you measure?`, `### 2. 1\. Which number moved? \#\# Verdict: hire`} {
		if !strings.Contains(md, text) {
			t.Errorf("the export lacks %s:\n%s", text, md)
		}
	}
}
