package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/mockinterview/mockinterview/interviewer"
	"github.com/mockinterview/mockinterview/protocol"
	"github.com/mockinterview/mockinterview/transcribe"
)

func runStream(ctx context.Context, e env, args []string) error {
	fs := newFlagSet(e, "stream", "FILE.wav [MORE.wav ...]")
	url := fs.String("url", "ws://127.0.0.1:8080/v1/listen", "the server's listen endpoint [$MOCKINTERVIEW_URL]")
	speed := fs.Float64("speed", 1, "play the recordings this many times faster than real time; 0 as fast as possible")
	mode := fs.String("mode", "interview", "interview (question, probes, verdict) or practice (timers and pacing only)")
	question := fs.String("question", "", "question id (see GET /api/questions); default: one drawn at random")
	principle := fs.String("principle", "", "draw the question from this Leadership Principle")
	level := levelFlag(fs, "sde1, sde2 or senior", "")
	vocabulary := fs.String("vocabulary", "", "comma-separated names and terms the answers use")
	asJSON := fs.Bool("json", false, "print each server message as one line of JSON")
	verbose := fs.Bool("verbose", false, "also print partial results and utterance ends")
	files, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		fs.Usage()
		return usageError{"stream needs at least one WAV file: the answer, then one reply per probe"}
	}
	if *speed < 0 {
		return usageError{"--speed must be 0 (as fast as possible) or more"}
	}
	answers := make([][]int16, len(files))
	for i, f := range files {
		if answers[i], _, err = transcribe.ReadWAV(f); err != nil {
			return err
		}
	}
	cfg := protocol.StreamConfig{
		URL:   *url,
		Speed: *speed,
		Start: protocol.ClientMessage{QuestionID: *question, Principle: *principle, Level: *level, Mode: *mode, Vocabulary: splitList(*vocabulary)},
	}
	res, err := protocol.Stream(ctx, cfg, answers, func(ev protocol.Event) {
		if *asJSON {
			fmt.Fprintf(e.stdout, "%s\n", ev.Raw)
			return
		}
		printEvent(e.stdout, ev, *verbose)
	})
	if res != nil && res.SessionID != "" && !*asJSON {
		fmt.Fprintf(e.stdout, "session %s secret %s\n", res.SessionID, res.Secret)
	}
	if res != nil && res.CloseCode == protocol.CloseGoingAway && !*asJSON {
		fmt.Fprintln(e.stdout, "the server shut down (1001) and closed the session")
	}
	if err == nil && res.Report == nil {
		return fmt.Errorf("stream: the server closed the session without a report")
	}
	return err
}

func splitList(s string) []string {
	var out []string
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// printEvent writes one line for a server message.
func printEvent(w io.Writer, ev protocol.Event, verbose bool) {
	switch ev.Type {
	case protocol.TypeBegin:
		var m protocol.BeginMessage
		ev.Decode(&m)
		fmt.Fprintf(w, "begin: session %s, %s mode, level %s, question %s, engine %s\n", m.SessionID, m.Mode, m.Level, m.QuestionID, m.Engine)
	case protocol.TypeQuestion:
		var m protocol.QuestionMessage
		ev.Decode(&m)
		fmt.Fprintf(w, "question (%s): %s\n", m.Principle, m.Text)
	case protocol.TypeProbe:
		var m protocol.ProbeMessage
		ev.Decode(&m)
		fmt.Fprintf(w, "probe %d (%s) at %.1f s: %s\n", m.Answer, m.Gap, m.Start, m.Text)
	case protocol.TypeResults:
		var m protocol.ResultsMessage
		ev.Decode(&m)
		text := ""
		if len(m.Channel.Alternatives) > 0 {
			text = m.Channel.Alternatives[0].Transcript
		}
		if m.IsFinal {
			fmt.Fprintf(w, "final [%6.2f-%6.2f]: %s\n", m.Start, m.Start+m.Duration, text)
		} else if verbose {
			fmt.Fprintf(w, "partial [%6.2f-%6.2f]: %s\n", m.Start, m.Start+m.Duration, text)
		}
	case protocol.TypeUtteranceEnd:
		if verbose {
			var m protocol.UtteranceEndMessage
			ev.Decode(&m)
			fmt.Fprintf(w, "utterance end after %.2f s\n", m.LastWordEnd)
		}
	case protocol.TypeStar:
		var m protocol.StarMessage
		ev.Decode(&m)
		parts := make([]string, len(m.Parts))
		for i, p := range m.Parts {
			parts[i] = fmt.Sprintf("%s %s of %s %s", p.Label, interviewer.FormatDuration(p.Elapsed), interviewer.FormatDuration(p.Target), p.Status)
		}
		if m.Final {
			fmt.Fprintf(w, "star, whole answer: %s\n", strings.Join(parts, ", "))
		} else {
			fmt.Fprintf(w, "star: %s; now in %s\n", strings.Join(parts, ", "), m.Current)
		}
	case protocol.TypePacing:
		var m protocol.PacingMessage
		ev.Decode(&m)
		fmt.Fprintf(w, "pacing: %.0f words/min, %d fillers (%.1f/min)\n", m.WPM, m.Fillers, m.FillersPerMinute)
	case protocol.TypeInterrupt:
		var m protocol.InterruptMessage
		ev.Decode(&m)
		fmt.Fprintf(w, "interrupt at %.1f s: %s\n", m.At, m.Text)
	case protocol.TypeReport:
		var m protocol.ReportMessage
		ev.Decode(&m)
		if m.Report != nil {
			printReport(w, m.Report)
		}
	case protocol.TypeWarning:
		var m protocol.WarningMessage
		ev.Decode(&m)
		if m.Audio != nil {
			fmt.Fprintf(w, "warning (%s): the last seconds' audio is %s\n", m.Code, interviewer.FormatAudio(*m.Audio))
			break
		}
		fmt.Fprintf(w, "warning (%s, %.1f s behind): %s\n", m.Code, m.Backlog, m.Message)
	case protocol.TypeError:
		var m protocol.ErrorMessage
		ev.Decode(&m)
		fmt.Fprintf(w, "error (%s): %s\n", m.Code, m.Message)
	case protocol.TypeMetadata:
		var m protocol.MetadataMessage
		ev.Decode(&m)
		fmt.Fprintf(w, "metadata: %.1f s of audio\n", m.Duration)
	default:
		var raw json.RawMessage = ev.Raw
		fmt.Fprintf(w, "%s\n", raw)
	}
}

// printReport writes the report's verdict, timing, audio and improvements.
func printReport(w io.Writer, r *interviewer.InterviewReport) {
	decision := "no verdict (practice)"
	if r.Verdict != nil {
		decision = r.Verdict.Decision
	}
	fmt.Fprintf(w, "report: %s; %s (target %s), %d words, %.0f words/min, %d probes\n", decision,
		interviewer.FormatDuration(r.Budget.Length), interviewer.FormatBand(r.Budget.Min, r.Budget.Max), len(r.Words), r.Pacing.WPM, len(r.Probes))
	for _, t := range r.Timing {
		fmt.Fprintf(w, "  %-10s %10s of %-10s %s\n", t.Label, interviewer.FormatDuration(t.Duration), interviewer.FormatDuration(t.Target), t.Status)
	}
	if r.Audio != nil {
		fmt.Fprintf(w, "  audio: %s\n", interviewer.FormatAudio(*r.Audio))
	}
	for _, s := range r.Improvements {
		fmt.Fprintf(w, "  - %s\n", s)
	}
}
