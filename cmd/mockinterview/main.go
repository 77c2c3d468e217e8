// Command mockinterview is a spoken mock-interview coach: it listens to an
// answer to a behavioral question, splits it into its STAR parts, times
// each part against its target and coaches the speaker.
//
// Subcommands are listed by `mockinterview help`.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args, os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "mockinterview:", err)
		}
		os.Exit(exitCode(err))
	}
}

// usageError marks a mistake in the command line (exit status 2).
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func exitCode(err error) int {
	var u usageError
	if errors.As(err, &u) || errors.Is(err, flag.ErrHelp) {
		return 2
	}
	return 1
}

// env is what a subcommand gets from the outside world.
type env struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

type command struct {
	summary string
	run     func(ctx context.Context, e env, args []string) error
}

func commands() map[string]command {
	return map[string]command{
		"analyze":      {"split an answer into STAR parts, time them and coach (WAV or .txt files, or a folder of them)", runAnalyze},
		"journal":      {"keep your stories and see each one's progress across attempts (on a running server)", runJournal},
		"interview":    {"run a whole mock interview from recordings: answer, then one per probe", runInterview},
		"migrate":      {"copy a whole installation, database and recordings, into another (such as PostgreSQL and a bucket) and verify it", runMigrate},
		"loadtest":     {"open many real-time streams to a running server and measure latency, losses and memory", runLoadtest},
		"livebench":    {"stream labeled answers read aloud and score the live STAR timers, part and pace against the truth", runLivebench},
		"questions":    {"list the question bank", runQuestions},
		"retranscribe": {"hear a stored session's recordings again and rebuild its transcript and report", runRetranscribe},
		"serve":        {"run the live service: browser client, WebSocket streaming, review API", runServe},
		"stream":       {"stream WAV recordings to a running server as a live answer and print its events", runStream},
		"transcribe":   {"print the words of a WAV recording with their times", runTranscribe},
		"train-star":   {"fit the STAR segmenter's weights on the labeled corpus", runTrainStar},
		"eval-star":    {"score the STAR segmenter on the corpus's test split", runEvalStar},
		"build-lm":     {"build the interview language model the embedded recognizer mixes in", runBuildLM},
		"build-mllr":   {"adapt the embedded recognizer's acoustic model to noisy speech (an MLLR transform, with sphinxtrain)", runBuildMLLR},
		"eval-asr":     {"measure the embedded recognizer's error rate, speed and memory", runEvalASR},
		"version":      {"print the build's version, commit and Go toolchain", runVersion},
	}
}

func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	e := env{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr}
	cmds := commands()
	if len(args) < 2 || args[1] == "help" || args[1] == "-h" || args[1] == "--help" {
		usage(stdout, cmds)
		if len(args) < 2 {
			return usageError{"no subcommand given"}
		}
		return nil
	}
	if args[1] == "--version" || args[1] == "-version" {
		args[1] = "version"
	}
	c, ok := cmds[args[1]]
	if !ok {
		usage(stderr, cmds)
		return usageError{fmt.Sprintf("unknown subcommand %q", args[1])}
	}
	return c.run(ctx, e, args[2:])
}

func usage(w io.Writer, cmds map[string]command) {
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	fmt.Fprintln(w, "usage: mockinterview <subcommand> [flags] [args]")
	fmt.Fprintln(w)
	for _, n := range names {
		fmt.Fprintf(w, "  %-13s %s\n", n, cmds[n].summary)
	}
	fmt.Fprintln(w, "\nRun `mockinterview <subcommand> -h` for its flags.")
}
