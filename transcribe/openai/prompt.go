package openai

import "strings"

// fillerPrompt is a transcript in the style we want back. Whisper writes
// fluent prose and drops hesitations unless its prompt shows them, and the
// coach counts the "um"s and "uh"s.
const fillerPrompt = "Um, so, uh, I was leading the, like, the migration, and, you know, it was... hmm. " +
	"Uh, we had, um, three weeks, so I, uh, I split the work."

// maxPromptWords keeps the prompt inside Whisper's window: it reads only the
// last 224 tokens of a prompt (about 150 words), dropping the front, which
// is where the fillers are.
const maxPromptWords = 150

// transcriptionPrompt is fillerPrompt followed by as much of the stream's
// vocabulary as fits in maxPromptWords.
func transcriptionPrompt(vocabulary []string) string {
	count := len(strings.Fields(fillerPrompt)) + 1 // and "Vocabulary:"
	seen := make(map[string]bool)
	var terms []string
	for _, v := range vocabulary {
		fields := strings.Fields(strings.Trim(v, " ,."))
		term := strings.Join(fields, " ")
		if term == "" || seen[strings.ToLower(term)] || count+len(fields) > maxPromptWords {
			continue
		}
		seen[strings.ToLower(term)] = true
		terms = append(terms, term)
		count += len(fields)
	}
	if len(terms) == 0 {
		return fillerPrompt
	}
	return fillerPrompt + " Vocabulary: " + strings.Join(terms, ", ") + "."
}
