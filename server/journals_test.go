package server

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/mockinterview/mockinterview/interviewer/journal"
	"github.com/mockinterview/mockinterview/interviewer/star"
	"github.com/mockinterview/mockinterview/protocol"
	"github.com/mockinterview/mockinterview/store"
)

// call sends a request with a JSON body (nil for none) and returns the
// status and the body.
func call(t *testing.T, method, url string, body any, header http.Header) (int, []byte) {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		r = bytes.NewReader(b)
	}
	code, out, _ := request(t, method, url, r, header)
	return code, out
}

// testJournal is a journal created through the API.
type testJournal struct {
	ID     string `json:"id"`
	Secret string `json:"secret"`
	base   string
}

func newJournal(t *testing.T, ts *testServer) testJournal {
	t.Helper()
	code, body := call(t, http.MethodPost, ts.url+"/api/journals", nil, nil)
	var j testJournal
	if code != http.StatusCreated || json.Unmarshal(body, &j) != nil || !store.ValidSessionID(j.ID) || len(j.Secret) != 32 {
		t.Fatalf("create journal: %d %s", code, body)
	}
	j.base = ts.url + "/api/journals/" + j.ID
	return j
}

// do calls the journal's API with its secret in the header.
func (j testJournal) do(t *testing.T, method, path string, body any) (int, []byte) {
	t.Helper()
	return call(t, method, j.base+path, body, http.Header{JournalSecretHeader: {j.Secret}})
}

func (j testJournal) addStory(t *testing.T, body map[string]any) journal.Story {
	t.Helper()
	code, out := j.do(t, http.MethodPost, "/stories", body)
	var s journal.Story
	if code != http.StatusCreated || json.Unmarshal(out, &s) != nil {
		t.Fatalf("add story: %d %s", code, out)
	}
	return s
}

func (j testJournal) story(t *testing.T, id string) StoryView {
	t.Helper()
	code, out := j.do(t, http.MethodGet, "/stories/"+id, nil)
	var v StoryView
	if code != http.StatusOK || json.Unmarshal(out, &v) != nil {
		t.Fatalf("story: %d %s", code, out)
	}
	return v
}

func (j testJournal) view(t *testing.T) JournalView {
	t.Helper()
	code, out := j.do(t, http.MethodGet, "", nil)
	var v JournalView
	if code != http.StatusOK || json.Unmarshal(out, &v) != nil {
		t.Fatalf("journal: %d %s", code, out)
	}
	return v
}

// The three tellings of one story: the first with a long situation and a
// result without a number, the second with the situation cut, the third
// with a number in its result.
var (
	longSituation = []string{
		"Two years ago I worked on the payments team of a travel company.",
		"We ran the service that charged cards for every booking on the site.",
		"It was an old system that three teams had changed over many years.",
		"Every holiday season the traffic grew to five times the normal load.",
		"That year the company had also moved half of its servers to a new data center.",
		"Nobody had tested the payment path on the new servers under real load.",
		"The sale was planned for the first week of December.",
		"Two days before the sale the checkout started to fail for some customers.",
	}
	shortSituation = []string{
		"Two days before our holiday sale the checkout started to fail for some customers.",
	}
	storyMiddle = []string{
		"I owned the payment path, so I took on finding the cause before the sale began.",
		"I read the error logs and I found that the retries hit a connection limit.",
		"I rewrote the retry logic with a back off and I added an alert on the error rate.",
		"I tested the change under load and I shipped it the next morning.",
	}
	resultVague  = []string{"The checkout worked much better after that and the sale went well."}
	resultNumber = []string{"Failed payments dropped from four percent to under one percent during the sale."}
	storyEnd     = []string{"I learned to test the critical path under real load before every big event."}
)

func telling(t *testing.T, voice string, parts ...[]string) []int16 {
	t.Helper()
	return speechIn(t, voice, slices.Concat(parts...)...)
}

// TestJournalProgress tells one story three times, in two flite voices,
// two answers linked as they start and one linked afterwards, and checks
// that the story's progress shows the shorter situation and the number gained by the
// result, with each attempt's figures those of its session's report.
func TestJournalProgress(t *testing.T) {
	ts := startServer(t, Config{})
	j := newJournal(t, ts)
	s := j.addStory(t, map[string]any{"title": "Checkout failing before the sale", "principles": []string{"ownership", "Deliver Results"},
		"notes": "Retry storm", "vocabulary": []string{"checkout", "retries"}})
	if !slices.Equal(s.Principles, []string{"Ownership", "Deliver Results"}) {
		t.Errorf("principles %q; want the bank's names", s.Principles)
	}
	start := protocol.ClientMessage{Principle: "ownership", Level: "sde1", Mode: "interview",
		Journal: j.ID, JournalSecret: j.Secret, StoryID: s.ID}
	var sessions []*protocol.StreamResult
	sessions = append(sessions, stream(t, ts, start, telling(t, "slt", longSituation, storyMiddle, resultVague, storyEnd)))
	sessions = append(sessions, stream(t, ts, start, telling(t, "kal16", shortSituation, storyMiddle, resultVague, storyEnd)))
	start.Journal, start.JournalSecret, start.StoryID = "", "", ""
	third := stream(t, ts, start, telling(t, "slt", shortSituation, storyMiddle, resultNumber, storyEnd))
	sessions = append(sessions, third)
	code, out := j.do(t, http.MethodPost, "/stories/"+s.ID+"/attempts", map[string]any{"session_id": third.SessionID, "session_secret": third.Secret, "answer": 0})
	if code != http.StatusCreated {
		t.Fatalf("link the third telling: %d %s", code, out)
	}

	v := j.story(t, s.ID)
	if len(v.Attempts) != 3 {
		t.Fatalf("%d attempts; want 3", len(v.Attempts))
	}
	situation := func(a journal.Attempt) float64 { return a.Parts[star.Situation.Index()].Duration }
	for i, a := range v.Attempts {
		if a.SessionID != sessions[i].SessionID {
			t.Fatalf("attempt %d is session %s; want %s (oldest first)", i, a.SessionID, sessions[i].SessionID)
		}
		checkFiguresAreReport(t, ts, a, sessions[i].Secret)
	}
	t.Logf("situation %.1f s, %.1f s, %.1f s; findings %v, %v, %v; progress %+v", situation(v.Attempts[0]), situation(v.Attempts[1]),
		situation(v.Attempts[2]), v.Attempts[0].Findings, v.Attempts[1].Findings, v.Attempts[2].Findings, v.Progress)
	if cut := situation(v.Attempts[0]) - situation(v.Attempts[1]); cut < 10 {
		t.Errorf("the situation went from %.1f s to %.1f s; the second telling cut seven sentences", situation(v.Attempts[0]), situation(v.Attempts[1]))
	}
	// The first telling's vague result may be heard as no result at all
	// after its long situation; the second, the same but for its
	// situation, lacks only the number the third has.
	for i, want := range []bool{true, false} {
		if got := slices.Contains(v.Attempts[i+1].Findings, "result_no_number"); got != want {
			t.Errorf("attempt %d: result_no_number %v, want %v", i+1, got, want)
		}
	}
	if !slices.Contains(v.Progress.Gone, "result_no_number") {
		t.Errorf("progress %+v does not say the result gained its number", v.Progress)
	}
	if !v.Attempts[0].First || v.Attempts[1].First || v.Attempts[2].First {
		t.Errorf("first marks %v %v %v", v.Attempts[0].First, v.Attempts[1].First, v.Attempts[2].First)
	}
	if n := countBest(v.Attempts); n != 1 {
		t.Errorf("%d attempts marked best", n)
	}

	jv := j.view(t)
	if len(jv.Stories) != 1 || jv.Stories[0].Attempts != 3 || len(jv.Principles) != 16 {
		t.Fatalf("journal %+v", jv)
	}
	for _, p := range jv.Principles {
		served := p.Name == "Ownership" || p.Name == "Deliver Results"
		if served != (p.Stories == 1) || served != (p.Status != journal.StatusNone) {
			t.Errorf("principle %+v", p)
		}
	}
	if len(jv.Plan) != 3 {
		t.Errorf("plan %+v; want three steps", jv.Plan)
	}
}

func countBest(attempts []journal.Attempt) int {
	n := 0
	for _, a := range attempts {
		if a.Best {
			n++
		}
	}
	return n
}

// checkFiguresAreReport compares an attempt with its session's stored
// report as the session API shows it.
func checkFiguresAreReport(t *testing.T, ts *testServer, a journal.Attempt, secret string) {
	t.Helper()
	code, body, _ := get(t, ts.url+"/api/sessions/"+a.SessionID+"?secret="+secret, nil)
	var d store.SessionDetail
	if code != http.StatusOK || json.Unmarshal(body, &d) != nil || d.Report == nil {
		t.Fatalf("session %s: %d %.200s", a.SessionID, code, body)
	}
	r := d.Report
	if !a.Reported || a.Duration != r.Budget.Length || a.WPM != r.Pacing.WPM || a.FillersPerMinute != r.Pacing.Fillers.PerMinute {
		t.Errorf("attempt %s: length %.2f wpm %.1f fillers %.2f; the report says %.2f, %.1f, %.2f", a.SessionID,
			a.Duration, a.WPM, a.FillersPerMinute, r.Budget.Length, r.Pacing.WPM, r.Pacing.Fillers.PerMinute)
	}
	if r.Verdict == nil || a.Verdict != r.Verdict.Decision {
		t.Errorf("attempt %s: verdict %q; the report's %+v", a.SessionID, a.Verdict, r.Verdict)
	}
	if len(a.Parts) != len(r.Timing) || len(a.Findings) != len(r.Feedback) || len(a.Probes) != len(r.Probes) {
		t.Fatalf("attempt %s: %d parts, %d findings, %d probes; the report has %d, %d, %d", a.SessionID,
			len(a.Parts), len(a.Findings), len(a.Probes), len(r.Timing), len(r.Feedback), len(r.Probes))
	}
	for i, p := range r.Timing {
		if a.Parts[i] != (journal.Part{Label: p.Label, Duration: p.Duration, Target: p.Target, Status: p.Status}) {
			t.Errorf("attempt %s: part %+v; the report's %+v", a.SessionID, a.Parts[i], p)
		}
	}
	for i, f := range r.Feedback {
		if a.Findings[i] != f.Code {
			t.Errorf("attempt %s: finding %d %q; the report's %q", a.SessionID, i, a.Findings[i], f.Code)
		}
	}
}

// TestJournalRefusals sends what a careless or hostile client would, and
// checks that each gets a clear error and that nothing stored is lost.
func TestJournalRefusals(t *testing.T) {
	ts := startServer(t, Config{AdminToken: "operator-token"})
	j := newJournal(t, ts)
	other := newJournal(t, ts)
	s := j.addStory(t, map[string]any{"title": "Payments", "principles": []string{"Ownership"}})
	res := stream(t, ts, protocol.ClientMessage{Principle: "ownership", Mode: "interview"}, speech(t, mainAnswer...), speech(t, probeReply...))
	linkBody := map[string]any{"session_id": res.SessionID, "session_secret": res.Secret, "answer": 0}

	cases := []struct {
		name     string
		method   string
		url      string
		header   http.Header
		body     any
		code     int
		contains string
	}{
		{"no secret", "GET", j.base, nil, nil, 404, "no such journal"},
		{"wrong secret", "GET", j.base + "?secret=" + other.Secret, nil, nil, 404, "no such journal"},
		{"no such journal", "GET", ts.url + "/api/journals/" + strings.Repeat("a", 32) + "?secret=" + j.Secret, nil, nil, 404, "no such journal"},
		{"not an id", "GET", ts.url + "/api/journals/x?secret=" + j.Secret, nil, nil, 404, "no such journal"},
		{"admin", "GET", j.base, http.Header{"Authorization": {"Bearer operator-token"}}, nil, 200, `"stories"`},
		{"unknown principle", "POST", j.base + "/stories", nil, map[string]any{"title": "T", "principles": []string{"Kindness"}}, 400, "Frugality"},
		{"no principle", "POST", j.base + "/stories", nil, map[string]any{"title": "T", "principles": []string{}}, 400, "at least one principle"},
		{"no title", "POST", j.base + "/stories", nil, map[string]any{"principles": []string{"Ownership"}}, 400, "title"},
		{"long title", "POST", j.base + "/stories", nil, map[string]any{"title": strings.Repeat("x", 121), "principles": []string{"Ownership"}}, 400, "1 to 120 characters"},
		{"misspelt field", "POST", j.base + "/stories", nil, map[string]any{"title": "T", "principle": []string{"Ownership"}}, 400, "unknown field"},
		{"too many terms", "PATCH", j.base + "/stories/" + s.ID, nil, map[string]any{"vocabulary": slices.Repeat([]string{"kafka"}, 51)}, 400, "at most 50"},
		{"no such story", "GET", j.base + "/stories/" + strings.Repeat("b", 32), nil, nil, 404, "no such story"},
		{"story of another journal", "GET", other.base + "/stories/" + s.ID + "?secret=" + other.Secret, nil, nil, 404, "no such story"},
		{"probe reply", "POST", j.base + "/stories/" + s.ID + "/attempts", nil, map[string]any{"session_id": res.SessionID, "session_secret": res.Secret, "answer": 1}, 400, "reply to a probe"},
		{"no such answer", "POST", j.base + "/stories/" + s.ID + "/attempts", nil, map[string]any{"session_id": res.SessionID, "session_secret": res.Secret, "answer": 9}, 404, "no answer 9"},
		{"wrong session secret", "POST", j.base + "/stories/" + s.ID + "/attempts", nil, map[string]any{"session_id": res.SessionID, "session_secret": other.Secret}, 404, "no such session"},
		{"linked", "POST", j.base + "/stories/" + s.ID + "/attempts", nil, linkBody, 201, `"reported": true`},
		{"session of another journal", "POST", other.base + "/stories/" + other.addStory(t, map[string]any{"title": "Other", "principles": []string{"Frugality"}}).ID + "/attempts?secret=" + other.Secret, nil, linkBody, 409, "another journal"},
		{"bad sessions flag", "DELETE", j.base + "?sessions=yes", nil, nil, 400, "sessions must be 1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := c.header
			if h == nil && strings.HasPrefix(c.url, j.base) && c.name != "no secret" && c.name != "wrong secret" {
				h = http.Header{JournalSecretHeader: {j.Secret}}
			}
			code, out := call(t, c.method, c.url, c.body, h)
			if code != c.code || !strings.Contains(string(out), c.contains) {
				t.Errorf("%s %s: %d %s; want %d with %q", c.method, c.url, code, out, c.code, c.contains)
			}
		})
	}
	if v := j.story(t, s.ID); len(v.Attempts) != 1 || v.Title != "Payments" || len(v.Vocabulary) != 0 {
		t.Errorf("after the refusals the story is %+v", v)
	}

	// A Start naming a journal with the wrong secret is refused, and a good
	// one may follow on the same connection.
	c := dialWS(t, ts.listenURL(), nil, nil)
	c.send(protocol.ClientMessage{Type: protocol.TypeStart, Journal: j.ID, JournalSecret: other.Secret, StoryID: s.ID})
	c.expectError(protocol.CodeBadStart, errStoryRefused.Error())

	// Deleting the journal with its sessions removes the linked session
	// and its recording; the other journal is untouched.
	if code, out := j.do(t, http.MethodDelete, "?sessions=1", nil); code != http.StatusNoContent {
		t.Fatalf("delete: %d %s", code, out)
	}
	if code, _, _ := get(t, ts.url+"/api/sessions/"+res.SessionID+"?secret="+res.Secret, nil); code != http.StatusNotFound {
		t.Errorf("the linked session answers %d after its journal was deleted with ?sessions=1", code)
	}
	if code, _ := j.do(t, http.MethodGet, "", nil); code != http.StatusNotFound {
		t.Errorf("the deleted journal answers %d", code)
	}
	if v := other.view(t); len(v.Stories) != 1 {
		t.Errorf("the other journal lost its story: %+v", v.Stories)
	}
}
