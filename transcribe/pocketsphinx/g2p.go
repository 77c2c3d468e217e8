package pocketsphinx

import (
	"strings"
	"unicode"
)

// Pronounce guesses the ArpaBet phones ("W EH B HH UH K") of a lowercase
// word the recognizer's dictionary lacks, so that a name or product a
// speaker listed can still be recognized. lookup returns the dictionary's
// pronunciation of a known word.
//
// A word built from dictionary words is read from their pronunciations
// (see PronounceByParts); any other word goes through letter-to-sound
// rules, which get most short names and coined words near enough for the
// acoustic match to work.
func Pronounce(word string, lookup func(string) (string, bool)) string {
	if p := PronounceByParts(word, lookup); p != "" {
		return p
	}
	return letterToSound(word)
}

// PronounceByParts reads a word the dictionary lacks from words it has: a
// known word with an ending ("dashboard's", "configs", "clickable"), with a
// prefix ("redelivery", "misrouted"), or a compound of known words
// ("runbook", "cutover", "onboarding"). It returns "" for any other word.
func PronounceByParts(word string, lookup func(string) (string, bool)) string {
	return byParts(word, lookup, 2)
}

// byParts is PronounceByParts looking at most depth affixes deep.
func byParts(word string, lookup func(string) (string, bool), depth int) string {
	known := func(w string) string {
		if p, ok := lookup(w); ok {
			return p
		}
		if depth > 0 {
			return byParts(w, lookup, depth-1)
		}
		return compound(w, lookup)
	}
	for _, suf := range suffixes {
		stem, ok := strings.CutSuffix(word, suf.spelling)
		if !ok || len(stem) < 3 {
			continue
		}
		for _, candidate := range []string{stem, stem + "e"} {
			if p := known(candidate); p != "" {
				return p + " " + suf.phones(p)
			}
			if suf.spelling == "s" || suf.spelling == "'s" || suf.spelling == "d" {
				break // "e" was already part of the word
			}
		}
	}
	for _, pre := range prefixes {
		if rest, ok := strings.CutPrefix(word, pre.spelling); ok && len(rest) >= 3 {
			if p := known(rest); p != "" {
				return pre.phones + " " + p
			}
		}
	}
	return compound(word, lookup)
}

type suffix struct {
	spelling string
	phones   func(stem string) string
}

// lastPhone is the final phone of a pronunciation.
func lastPhone(phones string) string {
	return phones[strings.LastIndexByte(phones, ' ')+1:]
}

// plural says -s as the stem's last sound asks: "cats" S, "dogs" Z,
// "boxes" IH Z.
func plural(stem string) string {
	switch lastPhone(stem) {
	case "S", "Z", "SH", "ZH", "CH", "JH":
		return "IH Z"
	case "P", "T", "K", "F", "TH":
		return "S"
	}
	return "Z"
}

// past says -ed: "wanted" IH D, "hoped" T, "logged" D.
func past(stem string) string {
	switch lastPhone(stem) {
	case "T", "D":
		return "IH D"
	case "P", "K", "F", "TH", "S", "SH", "CH":
		return "T"
	}
	return "D"
}

func fixed(p string) func(string) string { return func(string) string { return p } }

var suffixes = []suffix{
	{"'s", plural}, {"es", plural}, {"s", plural}, {"ed", past}, {"d", past},
	{"ing", fixed("IH NG")}, {"ers", fixed("ER Z")}, {"er", fixed("ER")},
	{"able", fixed("AH B AH L")}, {"ly", fixed("L IY")},
}

var prefixes = []struct{ spelling, phones string }{
	{"re", "R IY"}, {"de", "D IY"}, {"mis", "M IH S"}, {"un", "AH N"},
	{"pre", "P R IY"}, {"co", "K OW"}, {"non", "N AA N"},
}

// shortWords are the two-letter words a compound may contain; other
// two-letter dictionary entries ("re", "ap") are mostly names of letters
// and notes that would misread a word.
var shortWords = map[string]bool{"on": true, "up": true, "in": true, "at": true, "by": true, "go": true, "do": true, "no": true, "so": true, "we": true, "my": true, "to": true}

// SpellLetters reads a word letter by letter, as people say an acronym
// such as "AWS" or "SQL".
func SpellLetters(word string) string {
	var phones []string
	for _, r := range strings.ToLower(word) {
		if p, ok := letterNames[r]; ok {
			phones = append(phones, p)
		}
	}
	return strings.Join(phones, " ")
}

var letterNames = map[rune]string{
	'a': "EY", 'b': "B IY", 'c': "S IY", 'd': "D IY", 'e': "IY", 'f': "EH F",
	'g': "JH IY", 'h': "EY CH", 'i': "AY", 'j': "JH EY", 'k': "K EY", 'l': "EH L",
	'm': "EH M", 'n': "EH N", 'o': "OW", 'p': "P IY", 'q': "K Y UW", 'r': "AA R",
	's': "EH S", 't': "T IY", 'u': "Y UW", 'v': "V IY", 'w': "D AH B AH L Y UW",
	'x': "EH K S", 'y': "W AY", 'z': "Z IY",
}

// IsSpelledAcronym reports whether a written token is an acronym people
// spell out: two or three capitals ("QA", "AWS") or up to five with no
// vowel ("HTTP"). Longer ones with vowels are said as words ("YAML").
func IsSpelledAcronym(token string) bool {
	if len(token) < 2 || len(token) > 5 {
		return false
	}
	for _, r := range token {
		if !unicode.IsUpper(r) {
			return false
		}
	}
	return len(token) <= 3 || !strings.ContainsAny(token, "AEIOU")
}

// compound splits word into the fewest dictionary words (at most four) of
// three letters or more, or common short words ("mock" + "up"), and joins
// their pronunciations.
func compound(word string, lookup func(string) (string, bool)) string {
	n := len(word)
	const maxParts = 4
	// best[i] is the fewest parts covering word[:i]; from[i] where the last
	// part starts.
	best := make([]int, n+1)
	from := make([]int, n+1)
	for i := 1; i <= n; i++ {
		best[i] = maxParts + 1
		for j := 0; j+2 <= i; j++ {
			if best[j] >= maxParts || best[j]+1 >= best[i] {
				continue
			}
			if i-j < 3 && !shortWords[word[j:i]] {
				continue
			}
			if _, ok := lookup(word[j:i]); ok {
				best[i], from[i] = best[j]+1, j
			}
		}
	}
	if best[n] > maxParts || best[n] < 2 {
		return ""
	}
	var parts []string
	for i := n; i > 0; i = from[i] {
		p, _ := lookup(word[from[i]:i])
		parts = append([]string{p}, parts...)
	}
	return strings.Join(parts, " ")
}

// soundRule maps a spelling to phones; rules are tried longest first at
// each position.
type soundRule struct {
	spelling string
	phones   string
	// where limits the rule: 'b' word start, 'e' word end, 0 anywhere.
	where byte
}

var soundRules = []soundRule{
	{"tion", "SH AH N", 0}, {"sion", "ZH AH N", 0}, {"ture", "CH ER", 0},
	{"ough", "AO", 0}, {"augh", "AO", 0}, {"eigh", "EY", 0},
	{"igh", "AY", 0}, {"tch", "CH", 0}, {"dge", "JH", 0}, {"que", "K", 'e'},
	{"ck", "K", 0}, {"ph", "F", 0}, {"sh", "SH", 0}, {"ch", "CH", 0},
	{"th", "TH", 0}, {"wh", "W", 0}, {"qu", "K W", 0}, {"ng", "NG", 0},
	{"nk", "NG K", 0}, {"kn", "N", 'b'}, {"wr", "R", 'b'}, {"gh", "", 0},
	{"ee", "IY", 0}, {"ea", "IY", 0}, {"ai", "EY", 0}, {"ay", "EY", 0},
	{"oa", "OW", 0}, {"oo", "UW", 0}, {"ou", "AW", 0}, {"ow", "OW", 'e'},
	{"ow", "AW", 0}, {"oi", "OY", 0}, {"oy", "OY", 0}, {"au", "AO", 0},
	{"aw", "AO", 0}, {"ie", "AY", 'e'}, {"ie", "IY", 0}, {"ei", "EY", 0},
	{"ey", "IY", 'e'}, {"ey", "EY", 0}, {"ue", "UW", 0}, {"ew", "UW", 0},
	{"ar", "AA R", 0}, {"er", "ER", 0}, {"ir", "ER", 0}, {"ur", "ER", 0},
	{"or", "AO R", 0}, {"le", "AH L", 'e'}, {"es", "Z", 'e'}, {"ed", "D", 'e'},
	{"x", "K S", 0}, {"j", "JH", 0}, {"q", "K", 0}, {"y", "Y", 'b'}, {"y", "IY", 'e'},
	{"y", "IH", 0}, {"a", "AE", 0}, {"e", "EH", 0}, {"i", "IH", 0},
	{"o", "AA", 0}, {"u", "AH", 0}, {"b", "B", 0}, {"d", "D", 0},
	{"f", "F", 0}, {"h", "HH", 0}, {"k", "K", 0}, {"l", "L", 0}, {"m", "M", 0},
	{"n", "N", 0}, {"p", "P", 0}, {"r", "R", 0}, {"t", "T", 0}, {"v", "V", 0},
	{"w", "W", 0}, {"z", "Z", 0},
}

// longVowels are what a vowel says before a consonant and a silent final
// e ("make", "code", "mute").
var longVowels = map[byte]string{'a': "EY", 'e': "IY", 'i': "AY", 'o': "OW", 'u': "UW"}

func isVowel(c byte) bool { return strings.IndexByte("aeiou", c) >= 0 }

// letterToSound reads a word by spelling rules: digraphs, a silent final e
// that lengthens the vowel before it, soft c and g before e, i and y,
// doubled consonants said once.
func letterToSound(word string) string {
	w := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' {
			return r
		}
		return -1
	}, strings.ToLower(word))
	if len(w) <= 1 {
		return SpellLetters(w)
	}
	n := len(w)
	silentE := n > 3 && w[n-1] == 'e' && !isVowel(w[n-2]) && w[n-2] != 'l' && isVowel(w[n-3])
	if silentE {
		w = w[:n-1]
		n--
	}
	var phones []string
	for i := 0; i < n; {
		// Doubled consonants are said once.
		if i > 0 && w[i] == w[i-1] && !isVowel(w[i]) {
			i++
			continue
		}
		if said, ok := letterInContext(w, i, silentE); ok {
			phones = append(phones, said...)
			i++
			continue
		}
		said, width := spellingSound(w, i)
		if said != "" {
			phones = append(phones, said)
		}
		i += width
	}
	return strings.Join(phones, " ")
}

// letterInContext says the letter at w[i] when its sound depends on its
// neighbours (a soft or hard c or g, a voiced s, a long vowel before a
// silent e, an open final vowel, a silent final e); ok is false when the
// spelling rules decide.
func letterInContext(w string, i int, silentE bool) (said []string, ok bool) {
	n, c := len(w), w[i]
	if silentE && i == n-2 && isVowel(c) {
		return []string{longVowels[c]}, true
	}
	next := byte(0)
	if i+1 < n {
		next = w[i+1]
	}
	switch {
	case c == 'c' && (next == 'e' || next == 'i' || next == 'y'):
		return []string{"S"}, true
	case c == 'c' && next != 'k' && next != 'h':
		return []string{"K"}, true
	case c == 'g' && next != 'h':
		if (next == 'e' || next == 'i' || next == 'y') && i > 0 {
			return []string{"JH"}, true
		}
		return []string{"G"}, true
	case c == 's' && i > 0 && i+1 < n && isVowel(w[i-1]) && isVowel(next):
		return []string{"Z"}, true
	case c == 's' && next != 'h':
		return []string{"S"}, true
	case isVowel(c) && i == n-1 && c != 'e' && n > 1:
		// An open final vowel: "taxi", "demo", "data".
		return []string{map[byte]string{'a': "AH", 'i': "IY", 'o': "OW", 'u': "UW"}[c]}, true
	case c == 'e' && i == n-1 && n > 2:
		return nil, true // silent
	}
	return nil, false
}

// spellingSound says the first of soundRules that matches w at i, and how
// many letters it took; a letter no rule matches is skipped, unsaid.
func spellingSound(w string, i int) (said string, width int) {
	for _, r := range soundRules {
		if !strings.HasPrefix(w[i:], r.spelling) {
			continue
		}
		if r.where == 'b' && i != 0 || r.where == 'e' && i+len(r.spelling) != len(w) {
			continue
		}
		switch {
		case r.spelling == "ed" && i > 0 && (w[i-1] == 't' || w[i-1] == 'd'):
			said = "IH D"
		case r.spelling == "es" && i > 0 && strings.IndexByte("sxz", w[i-1]) < 0 && !strings.HasSuffix(w[:i], "ch") && !strings.HasSuffix(w[:i], "sh"):
			said = "Z"
		case r.spelling == "es":
			said = "IH Z"
		default:
			said = r.phones
		}
		return said, len(r.spelling)
	}
	return "", 1
}
