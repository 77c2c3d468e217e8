package server

import (
	"net/http"
	"testing"

	"github.com/gorilla/websocket"
)

// TestDeleteAfterClose deletes and retranscribes sessions the moment the
// client has read their close frame: the session has ended, so neither
// may answer 409. One try in four used to, while the server waited for the
// client's reply to its close frame with the session still counted live.
func TestDeleteAfterClose(t *testing.T) {
	ts := startServer(t, Config{})
	listen := ts.listenURL() + "?" + ListenQuery().Encode()
	for i := range 20 {
		for _, method := range []string{http.MethodDelete, http.MethodPost} {
			c := dialWS(t, listen, nil, nil)
			begin := c.start(ClientMessage{Mode: "practice"})
			c.send(ClientMessage{Type: TypeCloseStream})
			c.expectClose(websocket.CloseNormalClosure, "CloseStream", TypeReport, TypeMetadata)
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
