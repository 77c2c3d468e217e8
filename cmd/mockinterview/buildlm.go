package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"

	"github.com/mockinterview/mockinterview/interviewer/star"
	"github.com/mockinterview/mockinterview/transcribe"
	"github.com/mockinterview/mockinterview/transcribe/pocketsphinx"
)

// runBuildLM builds the interview-domain language model that the embedded
// recognizer mixes with its stock model, and the pronunciations of its words
// that the stock dictionary lacks.
func runBuildLM(ctx context.Context, e env, args []string) error {
	fs := newFlagSet(e, "build-lm", "[LABELED_DIR] [TEXT_DIR]")
	out := fs.String("o", "transcribe/pocketsphinx/lm", "folder for interview.lm and interview.dict")
	dictPath := fs.String("dict", filepath.Join(pocketsphinx.DefaultModelDir, "cmudict-en-us.dict"), "the stock dictionary; words missing from it get a pronunciation")
	holdout := fs.Bool("holdout-dev", false, "leave out the development answers of the labeled corpus (for tuning with eval-asr -set dev)")
	dirs, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	labeledDir, textDir := "testdata/star/train", "testdata/lm"
	if len(dirs) > 0 {
		labeledDir = dirs[0]
	}
	if len(dirs) > 1 {
		textDir = dirs[1]
	}
	if len(dirs) > 2 {
		return usageError{"build-lm takes at most a labeled-answer folder and a text folder"}
	}
	if filepath.Base(filepath.Clean(labeledDir)) == "test" {
		return usageError{fmt.Sprintf("%s looks like the test split, which must never train a model", labeledDir)}
	}

	answers, err := loadCorpus(labeledDir)
	if err != nil {
		return err
	}
	texts, err := filepath.Glob(filepath.Join(textDir, "*.txt"))
	if err != nil {
		return err
	}
	sort.Strings(texts)
	sentences, used, extra, err := lmSentences(answers, texts, *holdout)
	if err != nil {
		return err
	}
	if len(sentences) == 0 {
		return fmt.Errorf("no sentences in %s or %s", labeledDir, textDir)
	}

	model := pocketsphinx.BuildTrigramModel(sentences)
	var arpa bytes.Buffer
	if err := model.WriteARPA(&arpa); err != nil {
		return err
	}
	stock, err := readDictionaryWords(*dictPath)
	if err != nil {
		return fmt.Errorf("stock dictionary: %w (install pocketsphinx-en-us or pass -dict)", err)
	}
	dict, missing := domainDictionary(ctx, model.Vocabulary(), stock, corpusAcronyms(answers, texts), filepath.Base(*dictPath))
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(*out, "interview.lm"), arpa.Bytes(), 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(*out, "interview.dict"), []byte(dict), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%d labeled answers and %d sentences of %s: %d sentences, %d words in the vocabulary, %d of them added to the dictionary\n",
		used, extra, textDir, len(sentences), len(model.Vocabulary())-2, missing)
	fmt.Fprintf(e.stdout, "wrote %s (%d kB) and interview.dict\n", filepath.Join(*out, "interview.lm"), arpa.Len()/1024)
	return nil
}

// lmSentences are the spoken sentences the interview model learns from:
// every part of the labeled answers (less the development ones when
// holdout is set) and every line of the text files. used counts the
// answers taken, extra the sentences of the text files.
func lmSentences(answers []star.LabeledAnswer, texts []string, holdout bool) (sentences [][]string, used, extra int, err error) {
	for i, a := range answers {
		if holdout && isDevAnswer(i) {
			continue
		}
		used++
		for _, s := range a.Spans {
			sentences = append(sentences, transcribe.SpokenSentences(s.Text)...)
		}
	}
	for _, path := range texts {
		lines, err := readTextLines(path)
		if err != nil {
			return nil, 0, 0, err
		}
		for _, line := range lines {
			s := transcribe.SpokenSentences(line)
			extra += len(s)
			sentences = append(sentences, s...)
		}
	}
	return sentences, used, extra, nil
}

// domainDictionary pronounces the model's words that the stock dictionary
// (named stockName) lacks, one "word PH ON ES" line each, and counts them.
func domainDictionary(ctx context.Context, vocabulary []string, stock map[string]string, acronyms map[string]bool, stockName string) (dict string, missing int) {
	var b strings.Builder
	fmt.Fprintf(&b, "# Pronunciations of the interview model's words missing from %s.\n# Built by `mockinterview build-lm`; do not edit.\n", stockName)
	for _, w := range vocabulary {
		if w == pocketsphinx.SentenceStart || w == pocketsphinx.SentenceEnd || stock[w] != "" {
			continue
		}
		phones := pronounceDomainWord(ctx, w, acronyms, stock)
		if phones == "" {
			continue
		}
		missing++
		fmt.Fprintf(&b, "%s %s\n", w, phones)
	}
	return b.String(), missing
}

// pronounceDomainWord finds phones for a word of the corpus that the stock
// dictionary lacks: acronyms are spelled, words built from dictionary words
// read from their parts, and the rest go to flite's letter-to-sound rules
// (or ours when flite is not installed).
func pronounceDomainWord(ctx context.Context, w string, acronyms map[string]bool, stock map[string]string) string {
	lookup := func(s string) (string, bool) { p, ok := stock[s]; return p, ok }
	if acronyms[w] {
		return pocketsphinx.SpellLetters(w)
	}
	if base, ok := strings.CutSuffix(w, "s"); ok && acronyms[base] {
		return pocketsphinx.SpellLetters(base) + " Z" // "APIs", "SREs"
	}
	if p := pocketsphinx.PronounceByParts(w, lookup); p != "" {
		return p
	}
	if p := flitePhones(ctx, w); p != "" {
		return p
	}
	return pocketsphinx.Pronounce(w, lookup)
}

// isDevAnswer picks the development answers of the training split: every
// sixth file in name order. Decoder settings and mixing weights are tuned
// on them; the test split is only ever measured.
func isDevAnswer(i int) bool { return i%6 == 0 }

// readTextLines reads a text file of sentences, one or more a line, and
// skips comment lines starting with '#'.
func readTextLines(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line != "" && !strings.HasPrefix(line, "#") {
			lines = append(lines, line)
		}
	}
	return lines, sc.Err()
}

// readDictionaryWords maps each word of a PocketSphinx dictionary to its
// first pronunciation.
func readDictionaryWords(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	words := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		word, phones, ok := strings.Cut(sc.Text(), " ")
		if !ok || strings.Contains(word, "(") {
			continue
		}
		words[word] = strings.TrimSpace(phones)
	}
	return words, sc.Err()
}

// corpusAcronyms finds the acronyms a speaker spells out ("VP", "SQL").
func corpusAcronyms(answers []star.LabeledAnswer, textFiles []string) map[string]bool {
	found := map[string]bool{}
	add := func(text string) {
		for _, tok := range strings.Fields(text) {
			tok = strings.Trim(tok, ".,;:!?()\"'")
			tok = strings.TrimSuffix(tok, "s") // "APIs", "KPIs"
			if pocketsphinx.IsSpelledAcronym(tok) {
				found[strings.ToLower(tok)] = true
			}
		}
	}
	for _, a := range answers {
		for _, s := range a.Spans {
			add(s.Text)
		}
	}
	for _, path := range textFiles {
		if b, err := os.ReadFile(path); err == nil {
			add(string(b))
		}
	}
	return found
}

// flitePhones asks flite's t2p for a word's phones and writes them in the
// acoustic model's ArpaBet: no stress marks, schwa as AH. It returns ""
// when t2p is not installed.
func flitePhones(ctx context.Context, word string) string {
	out, err := exec.CommandContext(ctx, "t2p", word).Output()
	if err != nil {
		return ""
	}
	var phones []string
	for _, p := range strings.Fields(string(out)) {
		p = strings.ToUpper(strings.TrimRight(p, "012"))
		switch p {
		case "PAU":
			continue
		case "AX":
			p = "AH"
		case "AXR":
			p = "ER"
		}
		phones = append(phones, p)
	}
	return strings.Join(phones, " ")
}
