package main

import (
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/mockinterview/mockinterview/interviewer"
)

// TestEnvironmentChecked sets each kind of flag through its environment
// variable with a value the flag would refuse: the command stops with a
// usage error that names the variable, its value and what to give.
func TestEnvironmentChecked(t *testing.T) {
	wav := filepath.Join(t.TempDir(), "missing.wav")
	serve := []string{"serve", "--addr", "127.0.0.1:0", "--data", t.TempDir()}
	tests := []struct {
		kind  string
		name  string
		value string
		args  []string
		want  string
	}{
		{"duration", "MOCKINTERVIEW_END_SILENCE", "4", serve, `MOCKINTERVIEW_END_SILENCE="4": give a duration with its unit, such as 4s, 300ms or 1m30s`},
		{"int", "MOCKINTERVIEW_MAX_PROBES", "three", serve, `MOCKINTERVIEW_MAX_PROBES="three": give a whole number, such as 3`},
		{"int64", "MOCKINTERVIEW_MAX_BODY", "64k", serve, `MOCKINTERVIEW_MAX_BODY="64k": give a whole number, such as 3`},
		{"float", "MOCKINTERVIEW_CONNECT_RATE", "fast", serve, `MOCKINTERVIEW_CONNECT_RATE="fast": give a number, such as 0.5`},
		{"bool", "MOCKINTERVIEW_ACCURATE", "yes please", []string{"transcribe", wav}, `MOCKINTERVIEW_ACCURATE="yes please": give true or false`},
		{"engine", "MOCKINTERVIEW_ENGINE", "vosk", []string{"transcribe", wav}, `MOCKINTERVIEW_ENGINE="vosk": use pocketsphinx or openai`},
		{"engine of serve", "MOCKINTERVIEW_ENGINE", "vosk", serve, `MOCKINTERVIEW_ENGINE="vosk": use pocketsphinx, openai or instant`},
		{"level", "MOCKINTERVIEW_LEVEL", "principal", []string{"analyze", wav}, `MOCKINTERVIEW_LEVEL="principal": unknown level; use sde1, sde2 or senior, or give your own targets with --profile FILE.json`},
		{"log level", "MOCKINTERVIEW_LOG_LEVEL", "loud", serve, `MOCKINTERVIEW_LOG_LEVEL="loud": use debug, info, warn or error`},
		{"duration out of range", "MOCKINTERVIEW_PAUSE", "50s", serve, `MOCKINTERVIEW_PAUSE="50s": give the silence that ends an utterance, from 10ms to 10s, such as 300ms`},
		{"negative duration", "MOCKINTERVIEW_END_SILENCE", "-4s", serve, `MOCKINTERVIEW_END_SILENCE="-4s": give a positive duration, such as 4s`},
		{"int out of range", "MOCKINTERVIEW_MAX_FRAME", "1", serve, `MOCKINTERVIEW_MAX_FRAME="1": give at least 2 bytes (one sample); 3200 is 100 ms of audio`},
		{"float out of range", "MOCKINTERVIEW_LM_MIX", "1.5", []string{"transcribe", wav}, `MOCKINTERVIEW_LM_MIX="1.5": give a weight below 1, such as 0.3 (0 or less: the stock model alone)`},
		{"list", "MOCKINTERVIEW_ALLOWED_ORIGINS", "https://coach.example,coach.example", serve,
			`MOCKINTERVIEW_ALLOWED_ORIGINS="https://coach.example,coach.example": give origins such as https://coach.example, comma-separated, or * for any`},
	}
	// A command that took the bad value would stop at its first wait
	// instead of serving.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, tt := range tests {
		getenv := func(name string) string { return map[string]string{tt.name: tt.value}[name] }
		err := run(ctx, append([]string{"mockinterview"}, tt.args...), getenv, strings.NewReader(""), io.Discard, io.Discard)
		if err == nil || err.Error() != tt.want || exitCode(err) != 2 {
			t.Errorf("%s: %s=%q, %v: %v (exit %d)\nwant %s (exit 2)", tt.kind, tt.name, tt.value, tt.args, err, exitCode(err), tt.want)
		}
	}
}

// TestFlagOverEnvironment: a flag on the command line wins over its
// variable, even a bad one, a variable is used when the flag is not given,
// and a bad flag is named as the flag.
func TestFlagOverEnvironment(t *testing.T) {
	path := filepath.Join(t.TempDir(), "answer.txt")
	os.WriteFile(path, []byte("I noticed our webhooks were dropping. I traced a race condition and I wrote a fix. The drop rate went to zero."), 0o644)
	level := func(environ map[string]string, args ...string) string {
		t.Helper()
		out, _, err := runCLIEnv(t, environ, append([]string{"analyze", "--json"}, args...)...)
		if err != nil {
			t.Fatalf("%v with %v: %v", args, environ, err)
		}
		var r interviewer.Report
		if err := json.Unmarshal([]byte(out), &r); err != nil {
			t.Fatal(err)
		}
		return r.Level
	}
	if got := level(map[string]string{"MOCKINTERVIEW_LEVEL": "senior"}, path); got != "senior" {
		t.Errorf("MOCKINTERVIEW_LEVEL=senior: level %s", got)
	}
	if got := level(map[string]string{"MOCKINTERVIEW_LEVEL": "principal"}, "--level", "sde1", path); got != "sde1" {
		t.Errorf("--level sde1 over MOCKINTERVIEW_LEVEL=principal: level %s", got)
	}
	_, _, err := runCLIEnv(t, map[string]string{"MOCKINTERVIEW_LEVEL": "senior"}, "analyze", "--level", "principal", path)
	if want := `--level "principal": unknown level; use sde1, sde2 or senior, or give your own targets with --profile FILE.json`; err == nil || err.Error() != want {
		t.Errorf("--level principal: %v; want %s", err, want)
	}
	_, _, err = runCLIEnv(t, map[string]string{"MOCKINTERVIEW_ENGINE": "vosk"}, "transcribe", "--engine", "pocketsphinx", filepath.Join(t.TempDir(), "missing.wav"))
	if err == nil || strings.Contains(err.Error(), "MOCKINTERVIEW_ENGINE") || !strings.Contains(err.Error(), "missing.wav") {
		t.Errorf("--engine pocketsphinx over MOCKINTERVIEW_ENGINE=vosk: %v; want the missing file", err)
	}
}

// TestREADMEListsEveryVariable: the README's configuration table names
// every environment variable a subcommand reads, and no other.
func TestREADMEListsEveryVariable(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	documented := map[string]bool{}
	for _, m := range regexp.MustCompile("(?m)^\\| `--[a-z0-9-]+` \\| `([A-Z0-9_]+)` \\|").FindAllStringSubmatch(string(b), -1) {
		documented[m[1]] = true
	}
	read := map[string]bool{}
	for name := range commands() {
		_, help, _ := runCLI(t, name, "-h")
		for _, m := range envVar.FindAllStringSubmatch(help, -1) {
			read[m[1]] = true
			if !documented[m[1]] {
				t.Errorf("%s reads %s, which the README's configuration table does not list", name, m[1])
			}
		}
	}
	for name := range documented {
		if !read[name] {
			t.Errorf("the README lists %s, which no subcommand reads", name)
		}
	}
}
