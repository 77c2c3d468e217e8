package nginxtest

import (
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/gorilla/websocket"
)

// deployConf is the shipped configuration the cluster test runs.
func deployConf(t *testing.T) string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "deploy", "nginx", "mockinterview.conf")
}

func TestRewrite(t *testing.T) {
	const site = `upstream app {
    least_conn;
    server one:8080 max_fails=2 fail_timeout=10s;
    server two:8080 max_fails=2 fail_timeout=10s;
}
server {
    listen 8080;
    location / { proxy_pass http://app; }
}
`
	got, err := Rewrite(site, "127.0.0.1:9999", []string{"127.0.0.1:1", "127.0.0.1:2"})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"    server 127.0.0.1:1 max_fails=2 fail_timeout=10s;\n    server 127.0.0.1:2 max_fails=2 fail_timeout=10s;\n}",
		"    listen 127.0.0.1:9999;",
		"    least_conn;",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("rewritten configuration lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "one:8080") || strings.Contains(got, "two:8080") {
		t.Errorf("the file's own servers are still there:\n%s", got)
	}

	for _, tc := range []struct{ name, conf, want string }{
		{"no upstream", "server {\n listen 80;\n}\n", "0 upstream blocks"},
		{"no server in it", "upstream a {\n least_conn;\n}\nserver {\n listen 80;\n}\n", "no server line"},
		{"two listens", "upstream a {\n server x:1;\n}\nserver {\n listen 80;\n listen 81;\n}\n", "2 listen directives"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Rewrite(tc.conf, "127.0.0.1:1", []string{"127.0.0.1:2"}); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v; want one saying %q", err, tc.want)
			}
		})
	}
}

// TestStart runs the shipped configuration in front of two servers: a
// request reaches one of them with the browser's Host, the shipped
// health location answers, and a WebSocket upgrade goes through.
func TestStart(t *testing.T) {
	var upgrader websocket.Upgrader
	backend := func(name string) *httptest.Server {
		return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/v1/listen" {
				ws, err := upgrader.Upgrade(w, r, nil)
				if err != nil {
					return
				}
				defer ws.Close()
				_, msg, err := ws.ReadMessage()
				if err == nil {
					ws.WriteMessage(websocket.TextMessage, append([]byte(name+": "), msg...))
				}
				return
			}
			io.WriteString(w, name+" "+r.Host)
		}))
	}
	a, b := backend("a"), backend("b")
	defer a.Close()
	defer b.Close()
	lb := Start(t, deployConf(t), strings.TrimPrefix(a.URL, "http://"), strings.TrimPrefix(b.URL, "http://"))

	resp, err := http.Get(lb.URL("/api/questions"))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if got := string(body); got != "a "+lb.Addr && got != "b "+lb.Addr {
		t.Errorf("through nginx: %q; want a backend's name and the Host %s", got, lb.Addr)
	}
	resp, err = http.Get(lb.URL("/nginx-health"))
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("/nginx-health: %v %v", resp, err)
	}
	resp.Body.Close()

	ws, _, err := websocket.DefaultDialer.Dial("ws://"+lb.Addr+"/v1/listen", nil)
	if err != nil {
		t.Fatalf("WebSocket through nginx: %v", err)
	}
	defer ws.Close()
	if err := ws.WriteMessage(websocket.TextMessage, []byte("hello")); err != nil {
		t.Fatal(err)
	}
	_, msg, err := ws.ReadMessage()
	if err != nil || (string(msg) != "a: hello" && string(msg) != "b: hello") {
		t.Errorf("WebSocket echo %q, %v", msg, err)
	}
}
