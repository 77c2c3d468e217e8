// Package star labels the words of a spoken answer with the parts of a
// STAR story (situation, task, action, result, reflection). It holds the
// segmentation model and its embedded weights, the decoder, the word and
// sentence features, the training, the evaluation, and the reader of the
// labeled corpus in testdata/star.
//
// It knows nothing of interviews: timing, pacing and coaching live in
// package interviewer, which calls it. It does no I/O beyond reading the
// corpus from an fs.FS it is given, and imports nothing of ours but
// transcribe, for its Word type and word alignment.
package star
