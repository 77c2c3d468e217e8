package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"github.com/mockinterview/mockinterview/interviewer"
	"github.com/mockinterview/mockinterview/protocol"
	"github.com/mockinterview/mockinterview/server"
	"github.com/mockinterview/mockinterview/transcribe"
)

// longSituationSentences are the checkout story told with a long
// situation and a result without a number: the first attempt.
var longSituationSentences = []string{
	"So at my last job, our checkout page kept timing out during big sales, and customers were leaving without paying.",
	"It happened in bursts of a few minutes, a few times a day, and nobody on the team knew why.",
	"Support was getting angry messages, and the sales team was worried about the holiday launch.",
	"It was my service, so it was my job to find the cause and fix it before the holiday launch.",
	"I profiled the service and found a lock held across a database call. I moved the call out of the lock, and I added a load test to our pipeline.",
	"As a result, the timeouts went away and the sales team was happy with the launch.",
	"What I learned is to measure first, and now I load test every risky fix.",
}

// journalView and storyView are the parts of the API's answers the test
// compares the pages with (docs/protocol.md, "Story journal").
type journalView struct {
	ID         string         `json:"id"`
	Stories    []journalStory `json:"stories"`
	Principles []struct {
		Name     string `json:"name"`
		Slug     string `json:"slug"`
		Stories  int    `json:"stories"`
		Attempts int    `json:"attempts"`
		Status   string `json:"status"`
	} `json:"principles"`
	Plan []struct {
		Principle string `json:"principle"`
		Message   string `json:"message"`
	} `json:"plan"`
}

type journalStory struct {
	ID            string   `json:"id"`
	Title         string   `json:"title"`
	Principles    []string `json:"principles"`
	Attempts      int      `json:"attempts"`
	LatestVerdict string   `json:"latest_verdict"`
}

// partView is a part of an attempt, as the API and the page give it.
type partView struct {
	Label    string  `json:"label"`
	Duration float64 `json:"duration"`
	Target   float64 `json:"target"`
	Status   string  `json:"status"`
}

type storyView struct {
	ID       string `json:"id"`
	Title    string `json:"title"`
	Attempts []struct {
		SessionID string     `json:"session_id"`
		Duration  float64    `json:"duration"`
		Parts     []partView `json:"parts"`
		Findings  []string   `json:"findings"`
		Verdict   string     `json:"verdict"`
		First     bool       `json:"first"`
		Best      bool       `json:"best"`
	} `json:"attempts"`
	Progress struct {
		Gone []string `json:"gone"`
		Back []string `json:"back"`
		Kept []string `json:"kept"`
	} `json:"progress"`
}

// apiJSON sends a request to the service and decodes the JSON answer into
// out (when not nil), failing the test unless the status is want.
func apiJSON(t *testing.T, method, url string, header map[string]string, body any, want int, out any) {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		r = strings.NewReader(string(b))
	}
	req, err := http.NewRequest(method, url, r)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	if res.StatusCode != want {
		t.Fatalf("%s %s: %s, want %d: %s", method, url, res.Status, want, data)
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			t.Fatalf("%s %s: %v in %s", method, url, err, data)
		}
	}
}

// streamAnswer plays sentences, spoken by flite, as the answer of a mock
// interview on principle, through the Go client as fast as the server
// takes them, and returns the session's id and secret.
func streamAnswer(t *testing.T, svc *service, principle string, sentences []string) (string, string) {
	t.Helper()
	samples, _, err := transcribe.ReadWAV(speechWAV(t, 0.5, 1, sentences))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	url := "ws" + strings.TrimPrefix(svc.URL, "http") + "/v1/listen"
	res, err := protocol.Stream(ctx, protocol.StreamConfig{URL: url, Start: protocol.ClientMessage{Mode: "interview", Level: "sde2", Principle: principle}}, [][]int16{samples}, nil)
	if err != nil {
		t.Fatalf("stream an answer: %v", err)
	}
	if res.Report == nil {
		t.Fatal("the streamed session sent no report")
	}
	return res.SessionID, res.Secret
}

// TestJournal keeps a story journal in the browser: the first story makes
// the journal; stories are added, checked and edited; a session recorded
// earlier is linked to a story from its page; an interview started for a
// principle from the map tells a story chosen on the start form (the
// Start message carries it); a session from another browser is linked
// through the API. The story page then shows the three attempts (first and
// best marked, the chart of each part across them, what changed, two side
// by side with the transcripts this browser can read), and every figure
// agrees with the API. The journal opens in a second browser from its
// private link and from its key file, exports, and is deleted with its
// sessions. axe-core checks the journal page, the story page and the start
// form with a story.
func TestJournal(t *testing.T) {
	t.Parallel()
	svc := startServer(t, server.Config{EndSilence: 3, MaxProbes: 1})

	// Two sessions recorded elsewhere: one stands for a session this
	// browser ran earlier (its key is put in the browser's list below),
	// the other for one from another browser.
	earlierID, earlierSecret := streamAnswer(t, svc, "ownership", longSituationSentences)
	otherID, otherSecret := streamAnswer(t, svc, "ownership", answerSentences)

	ctx := startBrowser(t, fakeMicrophone(t, answerWAV(t, 2.5, 1.5))...)
	installFakeSpeech(t, ctx, 1.5)
	do(t, ctx, "open the journal page",
		chromedp.Navigate(svc.URL+"/?processing=0&check=0#/journal"),
		chromedp.WaitVisible(chromedp.CSS("#story-form")))
	waitFor(t, ctx, "the page", `document.body.dataset.ready === 'true'`, 10*time.Second)
	if got := eval[string](t, ctx, `localStorage.getItem('mockinterview.journal') || ''`); got != "" {
		t.Fatalf("a journal exists before the first story: %s", got)
	}
	screenshot(t, ctx, "1-empty")
	checkAxe(t, ctx, "journal-empty")

	// The form says what is missing before anything is sent.
	do(t, ctx, "save a story without a title", chromedp.Click(chromedp.CSS("#story-save")))
	waitFor(t, ctx, "the form's error", `!document.querySelector('#story-form .notice.error').hidden`, 5*time.Second)
	if msg := text(t, ctx, "#story-form .notice.error"); !strings.Contains(msg, "title") {
		t.Errorf("a story without a title: %q", msg)
	}
	if got := eval[string](t, ctx, `localStorage.getItem('mockinterview.journal') || ''`); got != "" {
		t.Errorf("a story that was refused made a journal: %s", got)
	}

	addStory := func(title string, principles []string, notes, vocabulary string) {
		t.Helper()
		before := eval[int](t, ctx, `document.querySelectorAll('#journal-stories tbody tr').length`)
		boxes, _ := json.Marshal(principles)
		eval[bool](t, ctx, fmt.Sprintf(`(() => {
			const f = document.querySelector('#story-form');
			f.querySelector('#story-title').value = %q;
			for (const b of f.querySelectorAll('input[name="principle"]')) b.checked = %s.includes(b.value);
			f.querySelector('#story-notes').value = %q;
			f.querySelector('#story-vocabulary').value = %q;
			return true;
		})()`, title, boxes, notes, vocabulary))
		do(t, ctx, "add the story "+title, chromedp.Click(chromedp.CSS("#story-save")))
		waitFor(t, ctx, "the story in the list", fmt.Sprintf(`document.querySelectorAll('#journal-stories tbody tr').length === %d`, before+1), 10*time.Second)
	}
	addStory("Checkout timeouts before the sale", []string{"Ownership", "Deliver Results"},
		"The lock held across a database call; timeouts from five percent to almost zero.", "checkout, load test, pipeline")
	var key struct{ ID, Secret string }
	if err := json.Unmarshal([]byte(eval[string](t, ctx, `localStorage.getItem('mockinterview.journal') || '{}'`)), &key); err != nil || key.ID == "" || key.Secret == "" {
		t.Fatalf("the first story kept no journal in the browser (%v)", err)
	}
	journalHeader := map[string]string{"X-Journal-Secret": key.Secret}
	addStory("A cheaper build farm", []string{"Frugality"}, "", "")

	// Editing renames the story on the server.
	do(t, ctx, "edit the second story", chromedp.Click(chromedp.CSS(`#journal-stories tbody tr:nth-child(2) button[data-action="edit"]`)))
	waitFor(t, ctx, "the form in edit mode", `document.querySelector('#story-form[data-editing]') && document.querySelector('#story-title').value === 'A cheaper build farm'`, 5*time.Second)
	eval[bool](t, ctx, `(document.querySelector('#story-title').value = 'Halving the build farm bill', true)`)
	do(t, ctx, "save the change", chromedp.Click(chromedp.CSS("#story-save")))
	waitFor(t, ctx, "the new title", `[...document.querySelectorAll('#journal-stories tbody a')].some((a) => a.textContent === 'Halving the build farm bill')`, 10*time.Second)

	var j journalView
	apiJSON(t, "GET", svc.URL+"/api/journals/"+key.ID, journalHeader, nil, http.StatusOK, &j)
	if len(j.Stories) != 2 || !slices.ContainsFunc(j.Stories, func(s journalStory) bool { return s.Title == "Halving the build farm bill" }) {
		t.Fatalf("the server holds %+v, want the two stories, the second renamed", j.Stories)
	}
	storyID := ""
	for _, s := range j.Stories {
		if s.Title == "Checkout timeouts before the sale" {
			storyID = s.ID
		}
	}

	// The session recorded earlier, linked from its page.
	eval[bool](t, ctx, fmt.Sprintf(`(() => {
		const list = JSON.parse(localStorage.getItem('mockinterview.sessions') || '[]');
		list.unshift({ id: %q, secret: %q, created: new Date().toISOString(), mode: 'interview', level: 'sde2' });
		localStorage.setItem('mockinterview.sessions', JSON.stringify(list));
		return true;
	})()`, earlierID, earlierSecret))
	do(t, ctx, "open the earlier session", chromedp.Navigate(svc.URL+"/?processing=0&check=0#/session/"+earlierID))
	waitFor(t, ctx, "the offer to link it", `document.querySelector('#link-story-select') && !document.querySelector('#link-story').hidden`, 15*time.Second)
	if got := eval[string](t, ctx, `document.querySelector('#link-story-select').value`); got != storyID {
		t.Errorf("the link offers story %q first, want the Ownership story %q", got, storyID)
	}
	screenshotViewport(t, ctx, "2-link")
	do(t, ctx, "link the answer", chromedp.Click(chromedp.CSS("#link-story-button")))
	waitFor(t, ctx, "the link to be made", `document.querySelector('#link-story-open')`, 10*time.Second)
	// Linking it again to the other story is refused, saying why.
	eval[bool](t, ctx, `(() => { const s = document.querySelector('#link-story-select'); s.value = [...s.options].find((o) => o.textContent === 'Halving the build farm bill').value; return true; })()`)
	do(t, ctx, "link it to a second story", chromedp.Click(chromedp.CSS("#link-story-button")))
	waitFor(t, ctx, "the refusal", `document.querySelector('.link-status.error')`, 10*time.Second)

	// From the map, an interview on Ownership that tells the story.
	do(t, ctx, "open the journal", chromedp.Navigate(svc.URL+"/?processing=0&check=0#/journal"))
	waitFor(t, ctx, "the map", `document.querySelectorAll('#journal-map .map-tile').length === 16`, 10*time.Second)
	do(t, ctx, "practise Ownership", chromedp.Click(chromedp.CSS(`#journal-map .map-tile[data-slug="ownership"] a.button`)))
	waitFor(t, ctx, "the start form with the story", `document.body.dataset.view === 'start' && document.querySelector('#principle').value === 'ownership' && !document.querySelector('#story-field').hidden && document.querySelector('#story').options.length === 2`, 10*time.Second)
	if location := eval[string](t, ctx, `location.hash`); location != "#/" {
		t.Errorf("practising from the map left the address at %q", location)
	}
	if got, want := text(t, ctx, "#story-suggestion"), j.Plan; len(want) == 0 || !strings.Contains(got, want[0].Message) {
		t.Errorf("the start form suggests %q, want the plan's first step %+v", got, want)
	}
	eval[bool](t, ctx, fmt.Sprintf(`(() => {
		document.querySelector('#story').value = %q;
		window.sentText = [];
		const send = WebSocket.prototype.send;
		WebSocket.prototype.send = function (data) {
			if (typeof data === 'string') window.sentText.push(data);
			return send.call(this, data);
		};
		return true;
	})()`, storyID))
	screenshot(t, ctx, "3-start")
	checkAxe(t, ctx, "start-with-story")
	do(t, ctx, "start the interview", chromedp.Click(chromedp.CSS("#start-button")))
	waitFor(t, ctx, "the session to begin", `document.querySelector('#view-live').dataset.sessionId`, 15*time.Second)
	liveID := eval[string](t, ctx, `document.querySelector('#view-live').dataset.sessionId`)
	liveSecret := eval[string](t, ctx, fmt.Sprintf(`JSON.parse(localStorage.getItem('mockinterview.sessions')).find((s) => s.id === %q).secret`, liveID))
	var start struct {
		Journal       string `json:"journal"`
		JournalSecret string `json:"journal_secret"`
		StoryID       string `json:"story_id"`
	}
	if err := json.Unmarshal([]byte(eval[string](t, ctx, `window.sentText.find((m) => JSON.parse(m).type === 'Start') || '{}'`)), &start); err != nil ||
		start.Journal != key.ID || start.JournalSecret != key.Secret || start.StoryID != storyID {
		t.Errorf("the Start message carries %+v (%v), want the journal and story %s", start, err, storyID)
	}
	waitFor(t, ctx, "a probe", `document.querySelector('#conversation .turn.interviewer.probe')`, 90*time.Second)
	do(t, ctx, "end the session", chromedp.Click(chromedp.CSS("#btn-end")))
	waitFor(t, ctx, "the report", `document.body.dataset.view === 'report' && document.querySelector('#story-link')`, 60*time.Second)

	// The other browser's session, linked through the API.
	apiJSON(t, "POST", svc.URL+"/api/journals/"+key.ID+"/stories/"+storyID+"/attempts", journalHeader,
		map[string]any{"session_id": otherID, "session_secret": otherSecret, "answer": 0}, http.StatusCreated, nil)

	var story storyView
	apiJSON(t, "GET", svc.URL+"/api/journals/"+key.ID+"/stories/"+storyID, journalHeader, nil, http.StatusOK, &story)
	if len(story.Attempts) != 3 {
		t.Fatalf("the story has %d attempts, want 3", len(story.Attempts))
	}
	do(t, ctx, "open the story", chromedp.Click(chromedp.CSS("#story-link")))
	waitFor(t, ctx, "the story page", `document.querySelectorAll('#story .attempt').length === 3 && document.querySelector('#story-compare .compare-side')`, 15*time.Second)
	checkStoryPage(t, ctx, story, map[string]bool{earlierID: true, liveID: true, otherID: false})
	screenshot(t, ctx, "4-story")
	colorScheme(t, ctx, "dark")
	screenshot(t, ctx, "4-story-dark")
	colorScheme(t, ctx, "light")
	do(t, ctx, "narrow the window to a phone's", chromedp.EmulateViewport(390, 844))
	time.Sleep(500 * time.Millisecond) // for the charts to redraw at the new width
	screenshot(t, ctx, "4-story-phone")
	do(t, ctx, "widen the window again", chromedp.EmulateViewport(1280, 1000))
	checkAxe(t, ctx, "story")
	do(t, ctx, "tell the story again", chromedp.Click(chromedp.CSS("#story-tell")))
	waitFor(t, ctx, "the start form with the story chosen", fmt.Sprintf(`document.body.dataset.view === 'start' && document.querySelector('#principle').value === 'ownership' && document.querySelector('#story').value === %q`, storyID), 10*time.Second)

	// The journal page agrees with the API.
	do(t, ctx, "open the journal", chromedp.Navigate(svc.URL+"/?processing=0&check=0#/journal"))
	waitFor(t, ctx, "the journal", `document.querySelectorAll('#journal-map .map-tile').length === 16`, 10*time.Second)
	apiJSON(t, "GET", svc.URL+"/api/journals/"+key.ID, journalHeader, nil, http.StatusOK, &j)
	checkJournalPage(t, ctx, j)
	screenshot(t, ctx, "5-journal")
	do(t, ctx, "narrow the window to a phone's", chromedp.EmulateViewport(390, 844))
	time.Sleep(300 * time.Millisecond)
	screenshot(t, ctx, "5-journal-phone")
	do(t, ctx, "widen the window again", chromedp.EmulateViewport(1280, 1000))
	saveScreenshot(t, ctx, "6-map", chromedp.Screenshot(chromedp.CSS("#journal-map")))
	checkAxe(t, ctx, "journal")

	// The exports carry the stories.
	for _, format := range []string{"json", "md"} {
		href := eval[string](t, ctx, fmt.Sprintf(`document.querySelector('#journal-elsewhere .exports a[data-format=%q]').getAttribute('href')`, format))
		res, err := http.Get(svc.URL + href)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK || !strings.Contains(string(body), "Checkout timeouts before the sale") {
			t.Errorf("export %s: %s, %d bytes without the story's title", format, res.Status, len(body))
		}
	}

	// The key file, downloaded as a person would.
	downloads := t.TempDir()
	if _, err := chromedp.Call(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorAllow, DownloadPath: downloads,
	}); err != nil {
		t.Fatal(err)
	}
	do(t, ctx, "download the key", chromedp.Click(chromedp.CSS("#journal-download")))
	keyFile := filepath.Join(downloads, "mockinterview-journal.json")
	var fileBody []byte
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		if b, err := os.ReadFile(keyFile); err == nil && len(b) > 0 {
			fileBody = b
			break
		}
	}
	var fileKey struct{ ID, Secret string }
	if err := json.Unmarshal(fileBody, &fileKey); err != nil || fileKey != key {
		t.Fatalf("the downloaded key file holds %q (%v), want the journal's id and secret", fileBody, err)
	}
	link := eval[string](t, ctx, `document.querySelector('#journal-link').value`)
	if !strings.Contains(link, "#/journal/open/"+key.ID+"/"+key.Secret) {
		t.Errorf("the private link %q does not carry the key after the #", link)
	}

	// A second browser opens the journal from the link, then, after
	// forgetting it, from the key file.
	other := startBrowser(t)
	do(t, other, "open the private link", chromedp.Navigate(link), chromedp.WaitVisible(chromedp.CSS("#journal-map")))
	waitFor(t, other, "the journal", fmt.Sprintf(`document.querySelector('#journal')?.dataset.journal === %q && document.querySelectorAll('#journal-stories tbody tr').length === 2`, key.ID), 10*time.Second)
	if hash := eval[string](t, other, `location.hash`); hash != "#/journal" {
		t.Errorf("after opening the link the address still reads %q", hash)
	}
	do(t, other, "forget the journal", chromedp.Click(chromedp.CSS("#journal-forget")))
	do(t, other, "confirm", chromedp.Click(chromedp.CSS("#ask-yes")))
	waitFor(t, other, "the page without a journal", `document.querySelector('#journal-file') && !localStorage.getItem('mockinterview.journal')`, 10*time.Second)
	do(t, other, "open the key file", chromedp.SetUploadFiles(chromedp.CSS("#journal-file"), []string{keyFile}))
	waitFor(t, other, "the journal from the file", fmt.Sprintf(`document.querySelector('#journal')?.dataset.journal === %q && document.querySelectorAll('#journal-map .map-tile').length === 16`, key.ID), 10*time.Second)
	// The session from this browser is not readable there.
	do(t, other, "open the story there", chromedp.Navigate(svc.URL+"/#/journal/story/"+storyID))
	waitFor(t, other, "the story without transcripts", `document.querySelectorAll('#story .attempt').length === 3 && document.querySelectorAll('#story-compare .no-transcript').length === 2`, 15*time.Second)

	// Deleting the journal with its sessions.
	do(t, ctx, "delete the journal", chromedp.Click(chromedp.CSS("#journal-delete")))
	waitFor(t, ctx, "the question", `document.querySelector('dialog.ask[open] #ask-check')`, 5*time.Second)
	do(t, ctx, "ask for the sessions too", chromedp.Click(chromedp.CSS("#ask-check")), chromedp.Click(chromedp.CSS("#ask-yes")))
	waitFor(t, ctx, "the page without a journal", `document.querySelector('#journal-file') && !localStorage.getItem('mockinterview.journal')`, 15*time.Second)
	apiJSON(t, "GET", svc.URL+"/api/journals/"+key.ID, journalHeader, nil, http.StatusNotFound, nil)
	for id, secret := range map[string]string{earlierID: earlierSecret, liveID: liveSecret, otherID: otherSecret} {
		apiJSON(t, "GET", svc.URL+"/api/sessions/"+id+"?secret="+secret, nil, nil, http.StatusNotFound, nil)
	}
	if left := eval[bool](t, ctx, fmt.Sprintf(`JSON.parse(localStorage.getItem('mockinterview.sessions') || '[]').some((s) => s.id === %q)`, liveID)); left {
		t.Error("the browser still lists a session deleted with the journal")
	}
}

// checkStoryPage compares the story page with the API's story: an attempt
// card per attempt with its length, first and best marked where the API
// marks them, the chart with a point per part and attempt, what changed,
// and the two attempts side by side, with transcripts for the sessions
// whose key the browser holds (readable[id]).
func checkStoryPage(t *testing.T, ctx context.Context, story storyView, readable map[string]bool) {
	t.Helper()
	type card struct {
		Session  string     `json:"session"`
		First    bool       `json:"first"`
		Best     bool       `json:"best"`
		Duration string     `json:"duration"`
		Parts    []partView `json:"parts"`
		Findings []string   `json:"findings"`
	}
	cards := eval[[]card](t, ctx, `[...document.querySelectorAll('#story .attempt')].map((c) => ({
		session: c.dataset.session,
		first: !!c.querySelector('.badge.mark[data-mark="first"]'),
		best: !!c.querySelector('.badge.mark[data-mark="best"]'),
		duration: c.querySelector('[data-figure="duration"]').textContent,
		parts: [...c.querySelectorAll('.attempt-parts li')].map((li) => ({ label: li.dataset.label, status: li.dataset.status })),
		findings: [...c.querySelectorAll('.attempt-findings .tag')].map((t) => t.dataset.code),
	}))`)
	firsts, bests := 0, 0
	for i, a := range story.Attempts {
		c := cards[i]
		if c.Session != a.SessionID || c.First != a.First || c.Best != a.Best {
			t.Errorf("attempt %d shows session %s first %v best %v, the API says %s %v %v", i+1, c.Session, c.First, c.Best, a.SessionID, a.First, a.Best)
		}
		if want := interviewer.FormatDuration(a.Duration); c.Duration != want {
			t.Errorf("attempt %d shows a length of %q, the API says %q", i+1, c.Duration, want)
		}
		for _, p := range a.Parts {
			if !slices.ContainsFunc(c.Parts, func(q partView) bool { return q.Label == p.Label && q.Status == p.Status }) {
				t.Errorf("attempt %d does not show the %s as %s: %+v", i+1, p.Label, p.Status, c.Parts)
			}
		}
		if !slices.Equal(c.Findings, a.Findings) && (len(c.Findings) > 0 || len(a.Findings) > 0) {
			t.Errorf("attempt %d shows the findings %v, the API says %v", i+1, c.Findings, a.Findings)
		}
		if a.First {
			firsts++
		}
		if a.Best {
			bests++
		}
	}
	if firsts != 1 || bests != 1 || !story.Attempts[0].First {
		t.Errorf("the API marks %d first (the oldest: %v) and %d best, want one each", firsts, story.Attempts[0].First, bests)
	}

	// The chart: a row per part, a point (or a cross for a part not told)
	// per attempt, and the target band of the parts that have one.
	rows := eval[[]int](t, ctx, `[...document.querySelectorAll('#story-chart svg .progress-row')].map((g) => g.querySelectorAll('.point').length)`)
	if len(rows) != 5 {
		t.Errorf("the chart has %d rows, want one per part", len(rows))
	}
	for i, n := range rows {
		if n != len(story.Attempts) {
			t.Errorf("row %d of the chart has %d points, want %d", i+1, n, len(story.Attempts))
		}
	}
	if n := eval[int](t, ctx, `document.querySelectorAll('#story-chart svg .band').length`); n < 4 {
		t.Errorf("the chart shows %d target bands", n)
	}
	if label := eval[string](t, ctx, `document.querySelector('#story-chart svg').getAttribute('aria-label')`); !strings.Contains(label, "Situation:") {
		t.Errorf("the chart's description %q does not give the times", label)
	}

	for kind, want := range map[string][]string{"gone": story.Progress.Gone, "back": story.Progress.Back, "kept": story.Progress.Kept} {
		got := eval[[]string](t, ctx, fmt.Sprintf(`[...document.querySelectorAll('#story-progress [data-progress=%q] .tag')].map((t) => t.dataset.code)`, kind))
		if len(got) != len(want) || (len(want) > 0 && !slices.Equal(got, want)) {
			t.Errorf("the page lists %v as %s, the API %v", got, kind, want)
		}
	}

	// Side by side: each readable session's words, coloured by part; a
	// plain word for the one whose key is elsewhere.
	for i := range story.Attempts {
		for _, side := range []string{"compare-a", "compare-b"} {
			eval[bool](t, ctx, fmt.Sprintf(`(() => { const s = document.querySelector('#%s'); s.value = '%d'; s.dispatchEvent(new Event('change')); return true; })()`, side, i))
		}
		id := story.Attempts[i].SessionID
		sel := fmt.Sprintf(`#story-compare .compare-side[data-session=%q]`, id)
		if readable[id] {
			waitFor(t, ctx, "the transcript of attempt "+fmt.Sprint(i+1), fmt.Sprintf(`document.querySelectorAll('%s .w[data-label]').length > 15`, sel), 10*time.Second)
		} else {
			waitFor(t, ctx, "the notice on attempt "+fmt.Sprint(i+1), fmt.Sprintf(`document.querySelector('%s .no-transcript')`, sel), 10*time.Second)
		}
		if n := eval[int](t, ctx, fmt.Sprintf(`document.querySelectorAll('%s .compare-timeline rect[data-label]').length`, sel)); n == 0 {
			t.Errorf("attempt %d has no timeline", i+1)
		}
	}
	eval[bool](t, ctx, `(() => {
		for (const [id, v] of [['compare-a', '0'], ['compare-b', '1']]) { const s = document.querySelector('#' + id); s.value = v; s.dispatchEvent(new Event('change')); }
		return true;
	})()`)
	waitFor(t, ctx, "the first two attempts side by side", `document.querySelectorAll('#story-compare .compare-side .w').length > 30`, 10*time.Second)
}

// checkJournalPage compares the journal page with the API's journal: the
// stories with their attempts and verdicts, the plan, and a tile per
// principle with its status and counts.
func checkJournalPage(t *testing.T, ctx context.Context, j journalView) {
	t.Helper()
	type row struct {
		ID       string `json:"id"`
		Attempts string `json:"attempts"`
		Verdict  string `json:"verdict"`
	}
	rows := eval[[]row](t, ctx, `[...document.querySelectorAll('#journal-stories tbody tr')].map((r) => ({
		id: r.dataset.story, attempts: r.querySelector('td[data-th="Attempts"]').textContent,
		verdict: r.querySelector('td[data-th="Latest verdict"]').textContent }))`)
	if len(rows) != len(j.Stories) {
		t.Fatalf("the page lists %d stories, the API %d", len(rows), len(j.Stories))
	}
	for i, s := range j.Stories {
		want := s.LatestVerdict
		if want == "" {
			want = "–"
		}
		if rows[i].ID != s.ID || rows[i].Attempts != fmt.Sprint(s.Attempts) || rows[i].Verdict != want {
			t.Errorf("story row %d shows %+v, the API says %s with %d attempts, verdict %q", i+1, rows[i], s.ID, s.Attempts, s.LatestVerdict)
		}
	}
	plan := eval[[]string](t, ctx, `[...document.querySelectorAll('#journal-plan .plan-message')].map((m) => m.textContent)`)
	if len(plan) != len(j.Plan) {
		t.Errorf("the page shows %d steps of the plan, the API %d", len(plan), len(j.Plan))
	}
	for i := range min(len(plan), len(j.Plan)) {
		if plan[i] != j.Plan[i].Message {
			t.Errorf("plan step %d reads %q, the API %q", i+1, plan[i], j.Plan[i].Message)
		}
	}
	type tile struct {
		Slug   string `json:"slug"`
		Status string `json:"status"`
		Counts string `json:"counts"`
		Color  string `json:"color"`
	}
	tiles := eval[[]tile](t, ctx, `[...document.querySelectorAll('#journal-map .map-tile')].map((t) => ({
		slug: t.dataset.slug, status: t.dataset.status, counts: t.querySelector('.map-counts').textContent,
		color: getComputedStyle(t).borderLeftColor }))`)
	if len(tiles) != 16 || len(j.Principles) != 16 {
		t.Fatalf("the map has %d tiles, the API %d principles; want 16", len(tiles), len(j.Principles))
	}
	colors := map[string]string{}
	for i, p := range j.Principles {
		tl := tiles[i]
		if tl.Slug != p.Slug || tl.Status != p.Status || !strings.HasPrefix(tl.Counts, fmt.Sprintf("%d ", p.Stories)) || !strings.Contains(tl.Counts, fmt.Sprintf("· %d ", p.Attempts)) {
			t.Errorf("map tile %d shows %+v, the API says %+v", i+1, tl, p)
		}
		if c, ok := colors[p.Status]; ok && c != tl.Color {
			t.Errorf("two %s tiles differ in colour: %s and %s", p.Status, c, tl.Color)
		}
		colors[p.Status] = tl.Color
	}
	seen := map[string]string{}
	for status, c := range colors {
		if other, ok := seen[c]; ok {
			t.Errorf("the map shows %s and %s in the same colour %s", status, other, c)
		}
		seen[c] = status
	}
	if len(colors) < 2 {
		t.Errorf("every principle of the map has the same status: %v", colors)
	}
}
