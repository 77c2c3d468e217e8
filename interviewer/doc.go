// Package interviewer holds everything about the interview as an idea: the
// question bank, timing and pacing analysis, coaching feedback, probe
// selection and the interview's flow. Which part of the story each word
// belongs to comes from its subpackage star, the segmentation model.
//
// It does no I/O: words and events come in, reports and what the
// interviewer says go out. Its only outside type is transcribe.Word. The
// server and the command line both drive it.
package interviewer
