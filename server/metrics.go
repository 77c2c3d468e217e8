package server

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/mockinterview/mockinterview/protocol"
	"github.com/mockinterview/mockinterview/transcribe"
)

// metrics are the service's Prometheus metrics, in a registry of the
// server's own (no global state), served at /metrics with the Go runtime's
// and the process's (process_resident_memory_bytes among them).
type metrics struct {
	registry *prometheus.Registry

	connections   prometheus.Gauge       // WebSocket connections in progress
	active        prometheus.Gauge       // sessions started and not ended
	started       prometheus.Counter     // sessions started
	audio         prometheus.Counter     // seconds of audio received
	engineBusy    prometheus.Counter     // seconds the engine spent on the audio
	rtf           prometheus.Histogram   // per session: engine seconds per audio second
	finalLatency  prometheus.Histogram   // audio received to final result sent
	fallbacks     prometheus.Counter     // utterances a fallback engine transcribed
	timesRepaired prometheus.Counter     // final results whose word times were spread over the utterance
	errors        *prometheus.CounterVec // by code: Error messages and refusals
	dropped       *prometheus.CounterVec // audio frames not recorded, by reason
	retranscribed prometheus.Counter     // sessions rebuilt from their recordings
	sessionsEnded *prometheus.CounterVec // by how they ended
	resumed       prometheus.Counter     // sessions that went on over a new connection
	relayed       prometheus.Counter     // Resumes carried to the replica holding the session
	store         *storeMetrics          // calls to the database and the recordings
}

// newMetrics makes the metrics; an engine that depends on remote
// endpoints adds each one's (endpointMetrics).
func newMetrics(engine transcribe.Engine, replica string) *metrics {
	registry := prometheus.NewRegistry()
	var reg prometheus.Registerer = registry
	if replica != "" {
		reg = prometheus.WrapRegistererWith(prometheus.Labels{"replica": replica}, registry)
	}
	m := &metrics{
		registry: registry,
		connections: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "mockinterview_connections_active", Help: "WebSocket connections in progress.",
		}),
		active: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "mockinterview_sessions_active", Help: "Interview sessions started and not yet ended.",
		}),
		started: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "mockinterview_sessions_started_total", Help: "Interview sessions started.",
		}),
		audio: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "mockinterview_audio_received_seconds_total", Help: "Seconds of audio received from clients.",
		}),
		engineBusy: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "mockinterview_engine_busy_seconds_total", Help: "Wall-clock seconds the transcription engine spent on the audio; divided by the audio received, the real-time factor.",
		}),
		rtf: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "mockinterview_session_realtime_factor",
			Help:    "Per session with at least a second of audio: engine seconds per second of audio.",
			Buckets: []float64{0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 5},
		}),
		finalLatency: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "mockinterview_final_result_latency_seconds",
			Help:    "From receiving the audio that ends an utterance's last word to sending its final result.",
			Buckets: []float64{0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10, 30},
		}),
		fallbacks: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "mockinterview_fallback_utterances_total", Help: "Utterances transcribed by the fallback engine after the session's own engine failed.",
		}),
		timesRepaired: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "mockinterview_word_times_repaired_total",
			Help: "Final results whose word times were broken (not finite, a word ending before it starts, far outside the utterance, out of order) and whose words were spread over the utterance instead.",
		}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mockinterview_errors_total", Help: "Error messages sent and connections refused, by code.",
		}, []string{"code"}),
		dropped: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mockinterview_dropped_frames_total", Help: "Audio frames not recorded: not whole samples, before Start, or after the session ended.",
		}, []string{"reason"}),
		retranscribed: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "mockinterview_retranscribed_sessions_total", Help: "Sessions rebuilt from their recordings.",
		}),
		sessionsEnded: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mockinterview_sessions_ended_total", Help: "Connections ended, by reason.",
		}, []string{"reason"}),
	}
	reg.MustRegister(m.connections, m.active, m.started, m.audio, m.engineBusy, m.rtf, m.finalLatency,
		m.fallbacks, m.timesRepaired, m.errors, m.dropped, m.retranscribed, m.sessionsEnded,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if ep, ok := engine.(transcribe.EndpointReporter); ok {
		reg.MustRegister(newEndpointMetrics(ep))
	}
	m.resumed = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "mockinterview_sessions_resumed_total", Help: "Sessions that went on over a new connection after theirs dropped (Resume).",
	})
	m.relayed = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "mockinterview_resumes_relayed_total", Help: "Resumes this replica carried to the replica holding their session.",
	})
	reg.MustRegister(m.resumed, m.relayed)
	m.store = newStoreMetrics(reg)
	// Codes that exist show up as 0 before their first use.
	for _, code := range []string{protocol.CodeBadAudio, protocol.CodeBadMessage, protocol.CodeUnknownType, protocol.CodeNotStarted, protocol.CodeAlreadyStarted,
		protocol.CodeBadStart, protocol.CodeBusy, protocol.CodeTranscription, protocol.CodeIdle, protocol.CodeInternal, protocol.CodeTooLong, protocol.CodeFrameTooBig,
		protocol.CodeServerFull, protocol.CodeOriginDenied, protocol.CodeRateLimited, protocol.CodeBadFormat, protocol.CodeBadParameter, protocol.CodeSlowClient, protocol.CodeCannotResume, protocol.CodeResumeLater} {
		m.errors.WithLabelValues(code)
	}
	for _, reason := range []string{"bad_audio", "before_start", "after_end"} {
		m.dropped.WithLabelValues(reason)
	}
	return m
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{})
}
