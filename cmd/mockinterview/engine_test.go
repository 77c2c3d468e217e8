package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestOpenAIURLFlag: --openai-url takes one base URL as before, several
// comma-separated, or the flag repeated; OPENAI_BASE_URL takes them
// comma-separated, and the flag wins over it.
func TestOpenAIURLFlag(t *testing.T) {
	a, b, c := "http://10.0.0.5:8000/v1", "http://10.0.0.6:8000/v1", "https://asr.example/v1"
	tests := []struct {
		args    []string
		environ map[string]string
		want    []string
	}{
		{nil, nil, nil}, // the OpenAI cloud
		{[]string{"--openai-url", ""}, nil, nil},
		{[]string{"--openai-url", a}, nil, []string{a}},
		{[]string{"--openai-url", a + "," + b}, nil, []string{a, b}},
		{[]string{"--openai-url", a + ", " + b, "--openai-url", c}, nil, []string{a, b, c}},
		{nil, map[string]string{"OPENAI_BASE_URL": a + "," + c}, []string{a, c}},
		{[]string{"--openai-url", b}, map[string]string{"OPENAI_BASE_URL": a + "," + c}, []string{b}},
	}
	for _, tt := range tests {
		var f engineFlags
		fs := newFlagSet(env{getenv: func(name string) string { return tt.environ[name] }, stderr: io.Discard}, "transcribe", "FILE")
		f.register(fs)
		if _, err := parseFlags(fs, append([]string{"--engine", "openai"}, tt.args...)); err != nil {
			t.Errorf("%q with %v: %v", tt.args, tt.environ, err)
			continue
		}
		if !slices.Equal(f.openaiURLs, tt.want) {
			t.Errorf("%q with %v: URLs %q, want %q", tt.args, tt.environ, f.openaiURLs, tt.want)
		}
	}
}

// TestOpenAIURLFlagRefused: a list with an empty entry, a URL that is not
// http(s) or one given twice stops the command with a usage error that
// names the flag or variable and says what to give. Another engine leaves
// the variable alone.
func TestOpenAIURLFlagRefused(t *testing.T) {
	wav := filepath.Join(t.TempDir(), "missing.wav")
	tests := []struct {
		args    []string
		environ map[string]string
		want    string
	}{
		{[]string{"--openai-url", "http://10.0.0.5:8000/v1,,http://10.0.0.6:8000/v1"}, nil,
			`--openai-url "http://10.0.0.5:8000/v1,,http://10.0.0.6:8000/v1": entry 2 of 3 is empty: give base URLs separated by single commas, such as http://10.0.0.5:8000/v1,http://10.0.0.6:8000/v1`},
		{nil, map[string]string{"OPENAI_BASE_URL": "http://10.0.0.5:8000/v1,"},
			`OPENAI_BASE_URL="http://10.0.0.5:8000/v1,": entry 2 of 2 is empty: give base URLs separated by single commas, such as http://10.0.0.5:8000/v1,http://10.0.0.6:8000/v1`},
		{[]string{"--openai-url", "http://10.0.0.5:8000/v1", "--openai-url", "10.0.0.6:8000/v1"}, nil,
			`--openai-url "http://10.0.0.5:8000/v1,10.0.0.6:8000/v1": base URL "10.0.0.6:8000/v1" is not an http(s) URL such as http://localhost:8000/v1`},
		{[]string{"--openai-url", "http://10.0.0.5:8000/v1,http://10.0.0.5:8000/v1/"}, nil,
			`--openai-url "http://10.0.0.5:8000/v1,http://10.0.0.5:8000/v1/": base URL "http://10.0.0.5:8000/v1/" is given twice (entries 1 and 2): give each endpoint once`},
	}
	for _, tt := range tests {
		args := append([]string{"transcribe", "--engine", "openai"}, tt.args...)
		_, _, err := runCLIEnv(t, tt.environ, append(args, wav)...)
		if err == nil || err.Error() != tt.want || exitCode(err) != 2 {
			t.Errorf("%q with %v: %v (exit %d)\nwant %s (exit 2)", tt.args, tt.environ, err, exitCode(err), tt.want)
		}
	}
	_, _, err := runCLIEnv(t, map[string]string{"OPENAI_BASE_URL": "http://10.0.0.5:8000/v1,"}, "transcribe", "--engine", "pocketsphinx", wav)
	if err == nil || exitCode(err) == 2 {
		t.Errorf("with --engine pocketsphinx a bad OPENAI_BASE_URL gave %v; want it ignored (and the missing file reported)", err)
	}
}

// TestServeOpenAIPoolFlag starts serve with two endpoints, one down: the
// service is ready while one answers, and /metrics names both.
func TestServeOpenAIPoolFlag(t *testing.T) {
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v1/models" {
			t.Errorf("request %s %s", r.Method, r.URL.Path)
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"object":"list","data":[{"id":"whisper-1","object":"model"}]}`)
	}))
	defer up.Close()
	down := "http://127.0.0.1:1/v1"
	srv := startServe(t, t.TempDir(), "--engine", "openai", "--fallback=false", "--openai-url", down+","+up.URL+"/v1", "--replica", "r1")
	if status, body := httpGet(t, srv.url+"/readyz"); status != http.StatusOK || !strings.Contains(body, "engine openai ok") {
		t.Errorf("readyz with one endpoint of two answering: %d %q", status, body)
	}
	_, metrics := httpGet(t, srv.url+"/metrics")
	for _, host := range []string{"127.0.0.1:1", strings.TrimPrefix(up.URL, "http://")} {
		if line := `mockinterview_endpoint_breaker_state{endpoint="` + host + `",replica="r1"} 0`; !strings.Contains(metrics, line) {
			t.Errorf("/metrics lacks %s", line)
		}
	}
	if line := `mockinterview_sessions_active{replica="r1"} 0`; !strings.Contains(metrics, line) {
		t.Errorf("/metrics lacks %s: every metric carries the replica's name", line)
	}
}
