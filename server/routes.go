package server

import (
	"io/fs"
	"net/http"

	"github.com/rs/zerolog"

	"github.com/mockinterview/mockinterview/interviewer"
	"github.com/mockinterview/mockinterview/transcribe"
)

// addRoutes lists every route of the service.
func addRoutes(mux *http.ServeMux, log zerolog.Logger, cfg Config, store *Store, engine transcribe.Engine,
	bank *interviewer.Bank, analyzer *interviewer.Analyzer, sessions *Sessions, m *metrics, static fs.FS) {
	mux.Handle("GET /healthz", handleHealthz())
	mux.Handle("GET /readyz", handleReadyz(store, engine, cfg.EngineReady, sessions))
	mux.Handle("GET /metrics", m.handler())
	mux.Handle("GET /v1/listen", handleListen(log, cfg, store, engine, bank, analyzer, sessions, m))

	mux.Handle("GET /api/questions", handleQuestions(bank))
	mux.Handle("POST "+checkPath, handleCheck(log, engine))
	mux.Handle("GET /api/sessions", handleListSessions(store, cfg.AdminToken))
	mux.Handle("GET /api/sessions/{id}", requireSecret(store, cfg.AdminToken, handleGetSession(store)))
	mux.Handle("DELETE /api/sessions/{id}", requireSecret(store, cfg.AdminToken, handleDeleteSession(log, store, sessions)))
	mux.Handle("GET /api/sessions/{id}/answers/{n}/audio", requireSecret(store, cfg.AdminToken, handleAudio(store)))
	mux.Handle("GET /api/sessions/{id}/export.json", requireSecret(store, cfg.AdminToken, handleExport(store, "json")))
	mux.Handle("GET /api/sessions/{id}/export.md", requireSecret(store, cfg.AdminToken, handleExport(store, "md")))
	mux.Handle("GET /api/sessions/{id}/export.vtt", requireSecret(store, cfg.AdminToken, handleExport(store, "vtt")))
	mux.Handle("GET /api/sessions/{id}/export.srt", requireSecret(store, cfg.AdminToken, handleExport(store, "srt")))
	mux.Handle("POST /api/sessions/{id}/retranscribe", requireSecret(store, cfg.AdminToken,
		handleRetranscribe(log, store, engine, bank, analyzer, sessions, m)))

	mux.Handle("GET /", http.FileServerFS(static))
}
