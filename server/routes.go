package server

import (
	"io/fs"
	"net/http"

	"github.com/rs/zerolog"

	"github.com/mockinterview/mockinterview/interviewer"
	"github.com/mockinterview/mockinterview/store"
	"github.com/mockinterview/mockinterview/transcribe"
)

// addRoutes lists every route of the service.
func addRoutes(mux *http.ServeMux, log zerolog.Logger, cfg Config, st store.Store, engine transcribe.Engine,
	bank *interviewer.Bank, analyzer *interviewer.Analyzer, sessions *Sessions, m *metrics, static fs.FS) {
	mux.Handle("GET /healthz", handleHealthz())
	mux.Handle("GET /readyz", handleReadyz(st.Sessions, engine, cfg.EngineReady, sessions))
	mux.Handle("GET /metrics", m.handler())
	mux.Handle("GET /v1/listen", handleListen(log, cfg, st, engine, bank, analyzer, sessions, m))

	mux.Handle("GET /api/questions", handleQuestions(bank))
	mux.Handle("POST "+checkPath, handleCheck(log, engine))
	mux.Handle("GET /api/sessions", handleListSessions(st.Sessions, cfg.AdminToken))
	mux.Handle("GET /api/sessions/{id}", requireSecret(st.Sessions, cfg.AdminToken, handleGetSession(st.Sessions)))
	mux.Handle("DELETE /api/sessions/{id}", requireSecret(st.Sessions, cfg.AdminToken, handleDeleteSession(log, st, sessions)))
	mux.Handle("GET /api/sessions/{id}/answers/{n}/audio", requireSecret(st.Sessions, cfg.AdminToken, handleAudio(st)))
	mux.Handle("GET /api/sessions/{id}/export.json", requireSecret(st.Sessions, cfg.AdminToken, handleExport(st.Sessions, "json")))
	mux.Handle("GET /api/sessions/{id}/export.md", requireSecret(st.Sessions, cfg.AdminToken, handleExport(st.Sessions, "md")))
	mux.Handle("GET /api/sessions/{id}/export.vtt", requireSecret(st.Sessions, cfg.AdminToken, handleExport(st.Sessions, "vtt")))
	mux.Handle("GET /api/sessions/{id}/export.srt", requireSecret(st.Sessions, cfg.AdminToken, handleExport(st.Sessions, "srt")))
	mux.Handle("POST /api/sessions/{id}/retranscribe", requireSecret(st.Sessions, cfg.AdminToken,
		handleRetranscribe(log, st, engine, bank, analyzer, sessions, m)))

	j := &journals{log: log, st: st, bank: bank, sessions: sessions, adminToken: cfg.AdminToken}
	mux.Handle("POST /api/journals", j.create())
	mux.Handle("GET /api/journals/{id}", j.unlocked(j.get()))
	mux.Handle("DELETE /api/journals/{id}", j.unlocked(j.del()))
	mux.Handle("GET /api/journals/{id}/export.json", j.unlocked(j.export("json")))
	mux.Handle("GET /api/journals/{id}/export.md", j.unlocked(j.export("md")))
	mux.Handle("POST /api/journals/{id}/stories", j.unlocked(j.addStory()))
	mux.Handle("GET /api/journals/{id}/stories/{sid}", j.unlocked(j.getStory()))
	mux.Handle("PATCH /api/journals/{id}/stories/{sid}", j.unlocked(j.patchStory()))
	mux.Handle("DELETE /api/journals/{id}/stories/{sid}", j.unlocked(j.deleteStory()))
	mux.Handle("POST /api/journals/{id}/stories/{sid}/attempts", j.unlocked(j.link()))
	mux.Handle("DELETE /api/journals/{id}/stories/{sid}/attempts/{session}/{n}", j.unlocked(j.unlink()))

	mux.Handle("GET /", http.FileServerFS(static))
}
