package server

import (
	"encoding/json"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/mockinterview/mockinterview/interviewer"
	"github.com/mockinterview/mockinterview/protocol"
)

// docField is one row of docs/protocol.md's table of the session's JSON.
type docField struct {
	path     string // "answers[].audio", "report.verdict"
	optional bool   // the row says when the field is omitted
}

// sessionFieldsDoc reads the table under "### The session's JSON".
func sessionFieldsDoc(t *testing.T) []docField {
	t.Helper()
	return fieldsDoc(t, "The session's JSON")
}

// fieldsDoc reads the table of fields under a heading of docs/protocol.md.
func fieldsDoc(t *testing.T, heading string) []docField {
	t.Helper()
	b, err := os.ReadFile("../docs/protocol.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(b), "\n### "+heading+"\n")
	if !ok {
		t.Fatalf(`docs/protocol.md has no "### %s" section`, heading)
	}
	if i := strings.Index(section, "\n#"); i >= 0 {
		section = section[:i]
	}
	var fields []docField
	for _, line := range strings.Split(section, "\n") {
		if !strings.HasPrefix(line, "| `") {
			continue
		}
		cells := strings.Split(line, " | ")
		if len(cells) < 3 {
			t.Fatalf("docs/protocol.md: row %q does not have a field, a type and a meaning", line)
		}
		fields = append(fields, docField{
			path:     strings.Trim(strings.TrimPrefix(cells[0], "| "), "`"),
			optional: strings.Contains(cells[2], "omitted"),
		})
	}
	return fields
}

// jsonPaths lists the keys of v as paths: "answers[].n" for the key n of
// any element of the array answers. The report is described field by
// field only at its first level.
func jsonPaths(prefix string, v any, out map[string]bool) {
	switch v := v.(type) {
	case map[string]any:
		for k, child := range v {
			path := k
			if prefix != "" {
				path = prefix + "." + k
			}
			out[path] = true
			if path != "report" && strings.HasPrefix(path, "report.") {
				continue
			}
			jsonPaths(path, child, out)
		}
	case []any:
		for _, e := range v {
			jsonPaths(prefix+"[]", e, out)
		}
	}
}

// TestSessionJSONDocumented: the fields docs/protocol.md lists for GET
// /api/sessions/{id} are the keys of a real session's JSON, from the
// server on loopback with its database on disk: none missing from the
// document, none documented that the JSON lacks (but those the document
// says are omitted when empty). The session's one probe goes unanswered:
// End is pressed with nothing said, as the report and the Markdown export
// then say.
func TestSessionJSONDocumented(t *testing.T) {
	doc := sessionFieldsDoc(t)
	if len(doc) < 50 {
		t.Fatalf("read %d fields from docs/protocol.md; the table is not where it was", len(doc))
	}
	ts := startServer(t, Config{MaxProbes: 1})
	res := stream(t, ts, protocol.ClientMessage{QuestionID: "deliver-results-biggest-impact", Mode: "interview", Level: "sde2"},
		speech(t, mainAnswer...), []int16{})
	base := ts.url + "/api/sessions/" + res.SessionID
	status, body, _ := get(t, base+"?secret="+res.Secret, nil)
	if status != http.StatusOK {
		t.Fatalf("GET session: %d %s", status, body)
	}
	var v map[string]any
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	jsonPaths("", v, got)

	compareDoc(t, "the session's JSON", doc, got)

	// What the document says of the audio URL: a path without the secret,
	// which needs it as every read does.
	var view struct {
		Answers []struct {
			Audio string `json:"audio"`
		} `json:"answers"`
		Probes []interviewer.ProbeExchange  `json:"probes"`
		Report *interviewer.InterviewReport `json:"report"`
	}
	json.Unmarshal(body, &view)
	if len(view.Answers) != 2 || len(view.Probes) != 1 || view.Report == nil {
		t.Fatalf("%d answers, %d probes, report %v; want 2, 1 and a report", len(view.Answers), len(view.Probes), view.Report != nil)
	}
	audio := view.Answers[0].Audio
	if audio != "/api/sessions/"+res.SessionID+"/answers/0/audio" {
		t.Errorf("audio URL %q", audio)
	}
	for _, c := range []struct {
		query  string
		header http.Header
		want   int
	}{
		{"", nil, http.StatusNotFound},
		{"?secret=" + res.Secret, nil, http.StatusOK},
		{"", http.Header{SecretHeader: {res.Secret}}, http.StatusOK},
	} {
		if status, _, _ := get(t, ts.url+audio+c.query, c.header); status != c.want {
			t.Errorf("GET %s%s with %v: %d, want %d", audio, c.query, c.header, status, c.want)
		}
	}

	// The probe End ended with nothing said.
	for _, p := range []interviewer.ProbeExchange{view.Probes[0], view.Report.Probes[0]} {
		if p.Answer != "" || p.Verdict == nil || p.Verdict.Rating != interviewer.RatingUnanswered {
			t.Errorf("probe %+v; want no answer, rated unanswered", p)
		}
	}
	if v := view.Report.Verdict; v == nil || !strings.Contains(v.Summary, "was not answered") {
		t.Errorf("verdict %+v does not say the follow-up was not answered", v)
	}
	_, md, _ := get(t, base+"/export.md?secret="+res.Secret, nil)
	if !strings.Contains(string(md), "**Unanswered**: No reply was heard") || strings.Contains(string(md), "**Weak**") {
		t.Errorf("the Markdown export does not show the probe as unanswered:\n%s", md)
	}
}

// compareDoc checks the documented fields against the keys of a real
// JSON: every key there is documented, and every documented field is
// there unless the document says when it is omitted.
func compareDoc(t *testing.T, what string, doc []docField, got map[string]bool) {
	t.Helper()
	documented := map[string]bool{}
	for _, f := range doc {
		if documented[f.path] {
			t.Errorf("docs/protocol.md lists %s twice", f.path)
		}
		documented[f.path] = true
		if !f.optional && !got[f.path] {
			t.Errorf("docs/protocol.md lists %s, which %s does not have (and does not say when it is omitted)", f.path, what)
		}
	}
	var undocumented []string
	for path := range got {
		if !documented[path] {
			undocumented = append(undocumented, path)
		}
	}
	slices.Sort(undocumented)
	for _, path := range undocumented {
		t.Errorf("%s has %s, which docs/protocol.md does not list", what, path)
	}
}
