// Package interviewer holds everything about the interview as an idea: the
// question bank, timing and pacing analysis, coaching feedback, probe
// selection and the interview's flow. Which part of the story each word
// belongs to comes from its subpackage star, the segmentation model.
//
// It does no I/O: words and events come in, reports and what the
// interviewer says go out. Its only outside type is transcribe.Word. It
// makes every decision of an interview (the question, the defaults, when
// an answer ends, which probe, the replay of a stored session); the
// server and the command line drive it and only carry those out. A chat
// model that words probes (Phraser) is called by them, never from inside
// the state machine.
package interviewer
