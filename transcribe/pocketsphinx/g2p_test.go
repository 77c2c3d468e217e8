package pocketsphinx

import (
	"strings"
	"testing"
)

// testLexicon stands in for the dictionary in the pure G2P tests.
var testLexicon = map[string]string{
	"web": "W EH B", "hook": "HH UH K", "dashboard": "D AE SH B AO R D",
	"run": "R AH N", "book": "B UH K", "mock": "M AA K", "up": "AH P",
	"delivery": "D IH L IH V ER IY", "route": "R UW T", "config": "K AA N F IH G",
	"click": "K L IH K", "on": "AA N", "boarding": "B AO R D IH NG", "re": "R EY",
}

func lexiconLookup(w string) (string, bool) {
	p, ok := testLexicon[w]
	return p, ok
}

func TestPronounce(t *testing.T) {
	cases := []struct{ word, want string }{
		{"webhook", "W EH B HH UH K"},
		{"webhooks", "W EH B HH UH K S"},
		{"dashboard's", "D AE SH B AO R D Z"},
		{"runbook", "R AH N B UH K"},
		{"mockup", "M AA K AH P"},
		{"redelivery", "R IY D IH L IH V ER IY"},
		{"rerouted", "R IY R UW T IH D"},
		{"configs", "K AA N F IH G Z"},
		{"clickable", "K L IH K AH B AH L"},
		{"onboarding", "AA N B AO R D IH NG"},
		// Letter-to-sound rules for words with no known parts.
		{"zorblax", "Z AO R B L AE K S"},
		{"kafka", "K AE F K AH"},
		{"stripe", "S T R AY P"},
		{"chime", "CH AY M"},
		{"nimbus", "N IH M B AH S"},
	}
	for _, c := range cases {
		if got := Pronounce(c.word, lexiconLookup); got != c.want {
			t.Errorf("Pronounce(%q) = %q, want %q", c.word, got, c.want)
		}
	}
}

// Whatever the spelling, the phones must be ones the acoustic model has,
// or the library drops the word.
func TestPronounceGivesModelPhones(t *testing.T) {
	for _, w := range []string{"quixotic", "xylophone", "tsunami", "aaa", "q", "schedule", "thoughtworks", "ngrok", "mcdonald", "yy"} {
		p := Pronounce(w, lexiconLookup)
		if p == "" {
			t.Errorf("Pronounce(%q) is empty", w)
		}
		for _, ph := range strings.Fields(p) {
			if !validPhones[ph] {
				t.Errorf("Pronounce(%q) = %q: %q is not a phone of the model", w, p, ph)
			}
		}
	}
}

func TestSpelledAcronyms(t *testing.T) {
	for tok, want := range map[string]bool{"AWS": true, "QA": true, "HTTP": true, "YAML": false, "Api": false, "A": false, "SQL": true} {
		if got := IsSpelledAcronym(tok); got != want {
			t.Errorf("IsSpelledAcronym(%q) = %v, want %v", tok, got, want)
		}
	}
	if got := SpellLetters("aws"); got != "EY D AH B AH L Y UW EH S" {
		t.Errorf("SpellLetters(aws) = %q", got)
	}
}

// The built-in dictionary additions must parse and use only model phones.
func TestInterviewDictionaryParses(t *testing.T) {
	words, err := parseDictionary(interviewDict)
	if err != nil {
		t.Fatal(err)
	}
	if len(words) < 50 {
		t.Errorf("only %d words in the built-in dictionary additions", len(words))
	}
	if _, err := parseDictionary("blarg ZZ AA\n"); err == nil {
		t.Error("a dictionary line with an unknown phone was accepted")
	}
}
