package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/mockinterview/mockinterview/interviewer"
	"github.com/mockinterview/mockinterview/interviewer/journal"
	"github.com/mockinterview/mockinterview/protocol"
	"github.com/mockinterview/mockinterview/server"
	"github.com/mockinterview/mockinterview/transcribe"
)

const journalUsage = `usage: mockinterview journal <action> [flags]

A story journal lives on a running server (mockinterview serve): your
stories, every attempt at each, and the principles still without one.

  new                     create a journal; prints its id, secret and private link
  show                    the stories, the principle map and what to practise next
  add-story               add a story: --title, --principle (once for each), --notes, --vocabulary
  story STORY             a story's attempts as a table: each part's time, pace, findings, verdict
  link STORY              link a session's answer: --session ID --session-secret S [--answer 0]

Every action but new needs --journal and --journal-secret (or
MOCKINTERVIEW_JOURNAL and MOCKINTERVIEW_JOURNAL_SECRET). To count
recordings as attempts: mockinterview analyze --journal ID --journal-secret S
--story STORY FILE.wav ...
`

// journalClient calls a server's journal API.
type journalClient struct {
	server, id, secret string
}

// journalFlags adds the flags every journal action takes.
func journalFlags(fs *flagSet) *journalClient {
	c := &journalClient{}
	fs.StringVar(&c.server, "server", "http://127.0.0.1:8080", "the running server [$MOCKINTERVIEW_SERVER]")
	fs.StringVar(&c.id, "journal", "", "the journal's id [$MOCKINTERVIEW_JOURNAL]")
	fs.StringVar(&c.secret, "journal-secret", "", "the journal's secret [$MOCKINTERVIEW_JOURNAL_SECRET]")
	fs.check("server", "give the server's address, such as http://127.0.0.1:8080", func() bool {
		u, err := url.Parse(c.server)
		return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
	})
	return c
}

// need says what is missing before a call that needs the journal.
func (c *journalClient) need() error {
	if c.id == "" || c.secret == "" {
		return usageError{"give the journal with --journal ID --journal-secret SECRET (as `mockinterview journal new` printed them), or set MOCKINTERVIEW_JOURNAL and MOCKINTERVIEW_JOURNAL_SECRET"}
	}
	return nil
}

// call sends a request to the journal API (path after /api/journals/ID)
// and decodes a 2xx answer into out; any other answer is an error with the
// server's message.
func (c *journalClient) call(ctx context.Context, method, path string, body, out any) error {
	u := strings.TrimSuffix(c.server, "/") + "/api/journals"
	if c.id != "" {
		u += "/" + url.PathEscape(c.id)
	}
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		r = bytes.NewReader(b)
	}
	ctx, cancel := context.WithTimeout(ctx, journalTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, u+path, r)
	if err != nil {
		return err
	}
	req.Header.Set(server.JournalSecretHeader, c.secret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("journal: %w (is `mockinterview serve` running at %s?)", err, c.server)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		var e struct {
			Error string `json:"error"`
		}
		if json.Unmarshal(b, &e) != nil || e.Error == "" {
			e.Error = strings.TrimSpace(string(b))
		}
		return fmt.Errorf("journal: %s %s: %d: %s", method, path, resp.StatusCode, e.Error)
	}
	if out == nil || resp.StatusCode == http.StatusNoContent {
		return nil
	}
	return json.Unmarshal(b, out)
}

func runJournal(ctx context.Context, e env, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(e.stdout, journalUsage)
		if len(args) == 0 {
			return usageError{"journal needs an action: new, show, add-story, story or link"}
		}
		return nil
	}
	action, args := args[0], args[1:]
	fs := newFlagSet(e, "journal "+action, "")
	c := journalFlags(fs)
	asJSON := fs.Bool("json", false, "print the server's JSON")
	switch action {
	case "new":
		if err := parseNoArgs(fs, args); err != nil {
			return err
		}
		return journalNew(ctx, e, c, *asJSON)
	case "show":
		if err := parseNoArgs(fs, args); err != nil {
			return err
		}
		return journalShow(ctx, e, c, *asJSON)
	case "add-story":
		title := fs.String("title", "", "the story's title, as you would name it to yourself")
		var principles listFlag
		fs.Var(&principles, "principle", "a principle the story serves, by name or slug (ownership, deliver-results); repeat for each")
		notes := fs.String("notes", "", "notes for yourself")
		vocabulary := fs.String("vocabulary", "", "names, products and numbers the story uses, comma-separated (they help the recognizer)")
		if err := parseNoArgs(fs, args); err != nil {
			return err
		}
		body := map[string]any{"title": *title, "principles": []string(principles), "notes": *notes, "vocabulary": splitList(*vocabulary)}
		var s journal.Story
		return journalDo(ctx, e, c, *asJSON, http.MethodPost, "/stories", body, &s, func() {
			fmt.Fprintf(e.stdout, "story %s: %s (%s)\n", s.ID, s.Title, strings.Join(s.Principles, "; "))
		})
	case "story":
		rest, err := parseFlags(fs, args)
		if err != nil {
			return err
		}
		if len(rest) != 1 {
			return usageError{"journal story needs the story's id (journal show lists them)"}
		}
		var v server.StoryView
		return journalDo(ctx, e, c, *asJSON, http.MethodGet, "/stories/"+url.PathEscape(rest[0]), nil, &v, func() {
			fmt.Fprint(e.stdout, formatStory(v))
		})
	case "link":
		session := fs.String("session", "", "the session's id")
		sessionSecret := fs.String("session-secret", "", "the session's secret")
		answer := fs.Int("answer", 0, "the answer (0, the main one)")
		rest, err := parseFlags(fs, args)
		if err != nil {
			return err
		}
		if len(rest) != 1 || *session == "" {
			return usageError{"journal link needs the story's id and --session ID --session-secret SECRET"}
		}
		var a journal.Attempt
		body := map[string]any{"session_id": *session, "session_secret": *sessionSecret, "answer": *answer}
		return journalDo(ctx, e, c, *asJSON, http.MethodPost, "/stories/"+url.PathEscape(rest[0])+"/attempts", body, &a, func() {
			fmt.Fprintf(e.stdout, "linked session %s answer %d\n", a.SessionID, a.Answer)
		})
	}
	fmt.Fprint(e.stderr, journalUsage)
	return usageError{fmt.Sprintf("unknown journal action %q: use new, show, add-story, story or link", action)}
}

// journalDo makes one call that needs the journal, and prints its answer
// as JSON or with text.
func journalDo(ctx context.Context, e env, c *journalClient, asJSON bool, method, path string, body, out any, text func()) error {
	if err := c.need(); err != nil {
		return err
	}
	if err := c.call(ctx, method, path, body, out); err != nil {
		return err
	}
	if asJSON {
		return json.NewEncoder(e.stdout).Encode(out)
	}
	text()
	return nil
}

func journalNew(ctx context.Context, e env, c *journalClient, asJSON bool) error {
	c.id, c.secret = "", ""
	var j struct {
		ID     string `json:"id"`
		Secret string `json:"secret"`
	}
	if err := c.call(ctx, http.MethodPost, "", nil, &j); err != nil {
		return err
	}
	if asJSON {
		return json.NewEncoder(e.stdout).Encode(j)
	}
	fmt.Fprintf(e.stdout, "journal %s\nsecret  %s\n\nKeep the secret: it is the only key to the journal. To use it here:\n\n"+
		"  export MOCKINTERVIEW_JOURNAL=%s MOCKINTERVIEW_JOURNAL_SECRET=%s\n\nIn a browser: %s/#/journal/open/%s/%s\n",
		j.ID, j.Secret, j.ID, j.Secret, strings.TrimSuffix(c.server, "/"), j.ID, j.Secret)
	return nil
}

func journalShow(ctx context.Context, e env, c *journalClient, asJSON bool) error {
	var v server.JournalView
	return journalDo(ctx, e, c, asJSON, http.MethodGet, "", nil, &v, func() {
		fmt.Fprint(e.stdout, formatJournal(v))
	})
}

// formatJournal writes a journal for the terminal: its stories, the map
// and the plan.
func formatJournal(v server.JournalView) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Journal %s, %s\n\n", v.ID, plural(len(v.Stories), "story", "stories"))
	if len(v.Stories) > 0 {
		w := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "STORY\tTITLE\tPRINCIPLES\tATTEMPTS\tLATEST VERDICT")
		for _, s := range v.Stories {
			fmt.Fprintf(w, "%s\t%s\t%s\t%d\t%s\n", s.ID, s.Title, strings.Join(s.Principles, "; "), s.Attempts, dash(s.LatestVerdict))
		}
		w.Flush()
		b.WriteByte('\n')
	}
	w := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "PRINCIPLE\tSTORIES\tATTEMPTS\tLATEST VERDICT\tSTATUS")
	for _, p := range v.Principles {
		fmt.Fprintf(w, "%s\t%d\t%d\t%s\t%s\n", p.Name, p.Stories, p.Attempts, dash(p.LatestVerdict), p.Status)
	}
	w.Flush()
	if len(v.Plan) > 0 {
		b.WriteString("\nPractise next:\n")
		for i, s := range v.Plan {
			fmt.Fprintf(&b, "  %d. %s\n", i+1, s.Message)
		}
	}
	return b.String()
}

// formatStory writes a story's attempts as a table, one row an attempt.
func formatStory(v server.StoryView) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s)\n", v.Title, strings.Join(v.Principles, "; "))
	if v.Notes != "" {
		fmt.Fprintf(&b, "%s\n", v.Notes)
	}
	b.WriteByte('\n')
	if len(v.Attempts) == 0 {
		b.WriteString("Not told yet: answer in the browser with this story chosen, or `mockinterview analyze --story`.\n")
		return b.String()
	}
	w := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "#\tDATE\tLENGTH\tSITUATION\tTASK\tACTION\tRESULT\tREFLECTION\tWPM\tFILLERS/MIN\tVERDICT\tFINDINGS")
	for i, a := range v.Attempts {
		mark := a.Marks(" %s")
		date := a.Created.Local().Format("2006-01-02 15:04")
		if !a.Reported {
			fmt.Fprintf(w, "%d%s\t%s\t(no report yet)\n", i+1, mark, date)
			continue
		}
		fmt.Fprintf(w, "%d%s\t%s\t%s %s", i+1, mark, date, interviewer.FormatDuration(a.Duration), a.Budget.Status)
		for _, p := range a.Parts {
			fmt.Fprintf(w, "\t%s", partTime(p))
		}
		fmt.Fprintf(w, "\t%.0f\t%.1f\t%s\t%s\n", a.WPM, a.FillersPerMinute, dash(a.Verdict), strings.Join(a.Findings, ", "))
	}
	w.Flush()
	if len(v.Progress.Gone) > 0 {
		fmt.Fprintf(&b, "\nGone since earlier attempts: %s\n", strings.Join(v.Progress.Gone, ", "))
	}
	if len(v.Progress.Back) > 0 {
		fmt.Fprintf(&b, "Back in the latest attempt: %s\n", strings.Join(v.Progress.Back, ", "))
	}
	return b.String()
}

// partTime is a part's time, with its status when off target.
func partTime(p journal.Part) string {
	if p.Status == interviewer.StatusOK {
		return interviewer.FormatDuration(p.Duration)
	}
	return interviewer.FormatDuration(p.Duration) + " " + string(p.Status)
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// journalTimeout bounds one call to the journal API.
const journalTimeout = 30 * time.Second

// analyzeIntoJournal streams each recording to the server as a practice
// answer that is an attempt of the story, so that recorded practice counts
// in the journal with the same figures as an answer given in the browser.
func analyzeIntoJournal(ctx context.Context, e env, c *journalClient, storyID, level string, paths []string, asJSON bool) error {
	if err := c.need(); err != nil {
		return err
	}
	var v server.StoryView
	if err := c.call(ctx, http.MethodGet, "/stories/"+url.PathEscape(storyID), nil, &v); err != nil {
		return err
	}
	listen := "ws" + strings.TrimPrefix(strings.TrimSuffix(c.server, "/"), "http") + "/v1/listen"
	start := protocol.ClientMessage{Mode: string(interviewer.ModePractice), Level: level, Principle: v.Principles[0],
		Journal: c.id, JournalSecret: c.secret, StoryID: storyID}
	failed := 0
	for _, p := range paths {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := streamAttempt(ctx, e, listen, start, p, asJSON); err != nil {
			fmt.Fprintf(e.stderr, "mockinterview: %v\n", err)
			failed++
		}
	}
	if !asJSON {
		if err := c.call(ctx, http.MethodGet, "/stories/"+url.PathEscape(storyID), nil, &v); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "\n%s\n\n%s", strings.Repeat("=", 72), formatStory(v))
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d files did not become attempts (the reasons are above)", failed, len(paths))
	}
	return nil
}

// streamAttempt streams one recording as fast as the server hears it and
// prints its report.
func streamAttempt(ctx context.Context, e env, listen string, start protocol.ClientMessage, path string, asJSON bool) error {
	if !isRecording(path) {
		return usageError{fmt.Sprintf("%s: an attempt is a recording the server hears; give a .wav file (a typed transcript can be analyzed without --story)", path)}
	}
	samples, _, err := transcribe.ReadWAV(path)
	if err != nil {
		return err
	}
	res, err := protocol.Stream(ctx, protocol.StreamConfig{URL: listen, Start: start}, [][]int16{samples}, nil)
	if err != nil {
		return fmt.Errorf("%s: %w (is `mockinterview serve` running?)", path, err)
	}
	if res.Report == nil {
		return fmt.Errorf("%s: the server closed the session without a report", path)
	}
	if asJSON {
		return json.NewEncoder(e.stdout).Encode(map[string]any{"source": path, "session_id": res.SessionID, "secret": res.Secret, "report": res.Report})
	}
	r := res.Report.Report
	r.Source = path
	fmt.Fprintf(e.stdout, "%s\nsession %s secret %s\n\n", interviewer.FormatReport(r), res.SessionID, res.Secret)
	return nil
}

// listFlag is a flag given once for each value.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ", ") }

func (l *listFlag) Set(v string) error {
	*l = append(*l, v)
	return nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
