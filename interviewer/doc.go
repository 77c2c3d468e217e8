// Package interviewer holds everything about the interview as an idea: the
// question bank, STAR segmentation of a spoken answer, timing and pacing
// analysis, coaching feedback, probe selection and the interview's flow.
//
// It does no I/O: words and events come in, reports and what the
// interviewer says go out. Its only outside type is transcribe.Word. The
// server and the command line both drive it.
package interviewer
