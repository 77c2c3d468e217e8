package interviewer

// Filler words and phrases that carry no meaning in an answer. "like",
// "kind of" and "sort of" are fillers only in some places ("I like it",
// "what kind of bug" are not), so they are judged by their neighbours.
var (
	singleFillers = map[string]bool{"um": true, "uh": true, "er": true, "ah": true, "erm": true, "uhm": true, "hmm": true, "mm": true, "basically": true}
	pairFillers   = map[[2]string]bool{
		{"you", "know"}: true, {"i", "mean"}: true, {"sort", "of"}: true, {"kind", "of"}: true, {"so", "yeah"}: true,
	}
	// "like" is a filler after a joining word or a form of "be" ("and like
	// we", "it was like ten"), not after a noun or a verb ("a tool like
	// this", "I'd like", "looks like").
	likeAsFiller = map[string]bool{
		"": true, "and": true, "so": true, "but": true, "or": true, "then": true, "because": true,
		"was": true, "is": true, "were": true, "are": true, "am": true, "it's": true, "that's": true,
		"there's": true, "we're": true, "they're": true, "i'm": true, "he's": true, "she's": true,
		"um": true, "uh": true, "like": true, "know": true, "mean": true, "it": true, "yeah": true,
		"okay": true, "ok": true, "right": true, "basically": true,
	}
	// Words before "kind of"/"sort of" that make them a noun phrase:
	// "what kind of bug", "this sort of thing".
	kindIsMeant = map[string]bool{
		"what": true, "this": true, "that": true, "some": true, "any": true, "the": true, "a": true, "one": true,
		"every": true, "same": true, "which": true, "different": true, "those": true, "these": true, "other": true,
	}
)

// MarkFillers returns, for each word (lowercase, no punctuation), whether it
// is part of a filler, and the filler phrase each filler starts.
func MarkFillers(words []string) (filler []bool, phrases []string) {
	filler = make([]bool, len(words))
	phrases = make([]string, len(words))
	prev := func(i int) string {
		if i > 0 {
			return words[i-1]
		}
		return ""
	}
	for i := 0; i < len(words); i++ {
		w := words[i]
		if singleFillers[w] {
			filler[i], phrases[i] = true, w
			continue
		}
		if i+1 < len(words) && pairFillers[[2]string{w, words[i+1]}] {
			if (w == "kind" || w == "sort") && kindIsMeant[prev(i)] {
				continue
			}
			if w == "i" && words[i+1] == "mean" && prev(i) == "what" {
				continue
			}
			// "you know the", "you know what": still a filler when spoken
			// mid-sentence; "do you know" is a question.
			if w == "you" && (prev(i) == "do" || prev(i) == "did" || prev(i) == "if") {
				continue
			}
			filler[i], filler[i+1] = true, true
			phrases[i] = w + " " + words[i+1]
			i++
			continue
		}
		if w == "like" && likeAsFiller[prev(i)] {
			filler[i], phrases[i] = true, "like"
		}
	}
	return filler, phrases
}
