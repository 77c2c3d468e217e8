package transcribe

import (
	"strconv"
	"strings"
	"unicode"
)

// SpokenSentences splits written text into sentences of the words a
// speaker would say, the form a language model is trained on: lowercase,
// numbers, percentages and amounts spelled out ("$1.2M" becomes "one point
// two million dollars"), hyphens and slashes between words treated as
// spaces, other punctuation dropped. Sentences end at '.', '?', '!', ';'
// and line breaks.
func SpokenSentences(text string) [][]string {
	var out [][]string
	start := 0
	flush := func(end int) {
		if w := SpokenWords(text[start:end]); len(w) > 0 {
			out = append(out, w)
		}
		start = end + 1
	}
	for i := 0; i < len(text); i++ {
		switch text[i] {
		case '?', '!', ';', '\n':
			flush(i)
		case '.':
			// A point between digits belongs to a number.
			if i > 0 && i+1 < len(text) && isDigit(text[i-1]) && isDigit(text[i+1]) {
				continue
			}
			flush(i)
		}
	}
	flush(len(text))
	return out
}

// SpokenWords turns a phrase into the words a speaker would say; see
// SpokenSentences.
func SpokenWords(text string) []string {
	var out []string
	text = strings.ReplaceAll(dropThousandsCommas(text), "&", " and ")
	for _, tok := range strings.FieldsFunc(text, func(r rune) bool {
		return unicode.IsSpace(r) || r == '/' || r == '-' || r == '–' || r == '—' || r == '(' || r == ')' || r == '"' || r == ','
	}) {
		out = append(out, spokenToken(tok)...)
	}
	return out
}

// dropThousandsCommas turns "8,000" into "8000" so that the comma is not
// taken for a pause.
func dropThousandsCommas(s string) string {
	if !strings.Contains(s, ",") {
		return s
	}
	b := []byte(s)
	out := b[:0]
	for i, c := range b {
		if c == ',' && i > 0 && i+3 < len(b) && isDigit(b[i-1]) && isDigit(b[i+1]) && isDigit(b[i+2]) && isDigit(b[i+3]) {
			continue
		}
		out = append(out, c)
	}
	return string(out)
}

// spokenToken spells out one token without spaces.
func spokenToken(tok string) []string {
	tok = strings.ToLower(strings.Trim(tok, ".:;!?'\"`‘’“”"))
	if tok == "" {
		return nil
	}
	var words []string
	dollars := false
	if strings.HasPrefix(tok, "$") {
		dollars = true
		tok = tok[1:]
	}
	percent := false
	if strings.HasSuffix(tok, "%") {
		percent = true
		tok = tok[:len(tok)-1]
	}
	// Split at the borders between letters and digits: "p99" is "p 99",
	// "300k" is "300 k", "b2b" is "b 2 b".
	parts := splitLettersDigits(tok)
	for i, part := range parts {
		switch {
		case part == "":
		case isDigit(part[0]):
			words = append(words, numberWords(part)...)
		case i == len(parts)-1 && i > 0 && isDigit(parts[i-1][0]) && multiplier(part, dollars) != "":
			words = append(words, multiplier(part, dollars))
		default:
			if w := cleanLetters(part); w != "" {
				words = append(words, w)
			}
		}
	}
	if percent {
		words = append(words, "percent")
	}
	if dollars {
		words = append(words, "dollars")
	}
	return words
}

// multiplier reads the letter after an amount: "300k" is three hundred
// thousand, "$2b" two billion; "b2b" stays letters.
func multiplier(letters string, dollars bool) string {
	switch letters {
	case "k":
		return "thousand"
	case "m", "mm":
		return "million"
	case "b", "bn":
		if dollars {
			return "billion"
		}
	}
	return ""
}

// splitLettersDigits cuts a token where letters meet digits; a decimal
// point stays inside its number.
func splitLettersDigits(tok string) []string {
	var parts []string
	start := 0
	for i := 1; i < len(tok); i++ {
		prevDigit := isDigit(tok[i-1]) || (tok[i-1] == '.' && i > 1 && isDigit(tok[i-2]))
		curDigit := isDigit(tok[i]) || (tok[i] == '.' && i+1 < len(tok) && isDigit(tok[i+1]) && isDigit(tok[i-1]))
		if prevDigit != curDigit {
			parts = append(parts, tok[start:i])
			start = i
		}
	}
	return append(parts, tok[start:])
}

// cleanLetters keeps letters and inner apostrophes: "team's" stays,
// "o'clock" stays, "&" goes.
func cleanLetters(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case unicode.IsLetter(r):
			b.WriteRune(unicode.ToLower(r))
		case r == '\'' || r == '’':
			b.WriteByte('\'')
		}
	}
	return strings.Trim(b.String(), "'")
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

var (
	smallNumbers = strings.Fields("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen")
	tensNumbers  = strings.Fields("_ _ twenty thirty forty fifty sixty seventy eighty ninety")
	scaleNumbers = []struct {
		value int64
		word  string
	}{{1_000_000_000, "billion"}, {1_000_000, "million"}, {1000, "thousand"}}
)

// numberWords spells digits as a speaker reads them: "1.2" is "one point
// two", "2019" is "twenty nineteen", "300" is "three hundred".
func numberWords(digits string) []string {
	whole, frac, hasPoint := strings.Cut(digits, ".")
	n, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		// Too long to be an amount: read it digit by digit.
		var out []string
		for i := 0; i < len(digits); i++ {
			if isDigit(digits[i]) {
				out = append(out, smallNumbers[digits[i]-'0'])
			}
		}
		return out
	}
	var out []string
	switch {
	case len(whole) == 4 && n >= 1100 && n < 2000 && n%100 == 0:
		out = append(cardinal(n/100), "hundred") // "fifteen hundred"
	case len(whole) == 4 && n >= 1100 && n < 2000 && n%100 < 10:
		out = append(cardinal(n/100), append([]string{"oh"}, cardinal(n%100)...)...) // "nineteen oh five"
	case len(whole) == 4 && (n >= 1100 && n < 2000 || n >= 2010 && n < 2100):
		out = append(cardinal(n/100), cardinal(n%100)...) // "twenty nineteen"
	default:
		out = cardinal(n)
	}
	if hasPoint {
		out = append(out, "point")
		for i := 0; i < len(frac); i++ {
			out = append(out, smallNumbers[frac[i]-'0'])
		}
	}
	return out
}

func cardinal(n int64) []string {
	if n == 0 {
		return []string{"zero"}
	}
	var out []string
	for _, s := range scaleNumbers {
		if n >= s.value {
			out = append(out, cardinal(n/s.value)...)
			out = append(out, s.word)
			n %= s.value
		}
	}
	if n >= 100 {
		out = append(out, smallNumbers[n/100], "hundred")
		n %= 100
	}
	switch {
	case n == 0:
	case n < 20:
		out = append(out, smallNumbers[n])
	case n%10 == 0:
		out = append(out, tensNumbers[n/10])
	default:
		out = append(out, tensNumbers[n/10], smallNumbers[n%10])
	}
	return out
}
