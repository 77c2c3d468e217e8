package transcribe

import (
	"strings"
	"testing"
)

func TestSpokenWords(t *testing.T) {
	cases := []struct{ in, want string }{
		{"We saved $8,000 a week.", "we saved eight thousand dollars a week"},
		{"a 3% drop", "a three percent drop"},
		{"about $1.2M over the year", "about one point two million dollars over the year"},
		{"$300K, maybe more", "three hundred thousand dollars maybe more"},
		{"the p99 latency", "the p ninety nine latency"},
		{"B2B and A/B tests", "b two b and a b tests"},
		{"in 2019 and 1998", "in twenty nineteen and nineteen ninety eight"},
		{"in 2005, 1900 and 1905", "in two thousand five nineteen hundred and nineteen oh five"},
		{"meal-kit company's \"growth\" team", "meal kit company's growth team"},
		{"1,250,000 rows", "one million two hundred fifty thousand rows"},
		{"R&D", "r and d"},
	}
	for _, c := range cases {
		if got := strings.Join(SpokenWords(c.in), " "); got != c.want {
			t.Errorf("SpokenWords(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestSpokenSentences(t *testing.T) {
	got := SpokenSentences("It took 2.5 days. Then what? We shipped it!\nDone; really")
	want := []string{"it took two point five days", "then what", "we shipped it", "done", "really"}
	if len(got) != len(want) {
		t.Fatalf("got %d sentences %q, want %d", len(got), got, len(want))
	}
	for i := range want {
		if s := strings.Join(got[i], " "); s != want[i] {
			t.Errorf("sentence %d = %q, want %q", i, s, want[i])
		}
	}
}
