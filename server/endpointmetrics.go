package server

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/mockinterview/mockinterview/transcribe"
)

// endpointMetrics are the figures of each remote endpoint an engine sends
// audio to (one, or a pool), labelled endpoint="host:port" and read from
// the engine at each scrape.
type endpointMetrics struct {
	engine transcribe.EndpointReporter

	state, opened, budgetTimeouts *prometheus.Desc
	requests, errors, inFlight    *prometheus.Desc
	latency                       *prometheus.Desc
}

func newEndpointMetrics(engine transcribe.EndpointReporter) *endpointMetrics {
	desc := func(name, help string) *prometheus.Desc {
		return prometheus.NewDesc(name, help, []string{"endpoint"}, nil)
	}
	return &endpointMetrics{
		engine: engine,
		state: desc("mockinterview_endpoint_breaker_state",
			"The transcription endpoint's circuit breaker: 0 closed (the endpoint hears the utterances), 1 half-open (one utterance probes it), 2 open (the other endpoints or the fallback hear them)."),
		opened: desc("mockinterview_endpoint_breaker_opened_total", "Times the transcription endpoint's circuit breaker opened."),
		budgetTimeouts: desc("mockinterview_endpoint_budget_timeouts_total",
			"Utterances the transcription endpoint gave no words for within their time budget (the utterance's length plus --openai-budget)."),
		requests: desc("mockinterview_endpoint_requests_total", "HTTP requests made to the transcription endpoint, retries included."),
		errors:   desc("mockinterview_endpoint_errors_total", "Requests to the transcription endpoint that brought no usable answer: transport errors, timeouts, error statuses, answers that could not be read."),
		inFlight: desc("mockinterview_endpoint_in_flight", "Utterances being sent to the transcription endpoint now: a request waiting for its answer or a retry waiting for its turn."),
		latency:  desc("mockinterview_endpoint_request_duration_seconds", "How long requests to the transcription endpoint took, answered or not."),
	}
}

// Describe sends the descriptions of the endpoint metrics.
func (m *endpointMetrics) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{m.state, m.opened, m.budgetTimeouts, m.requests, m.errors, m.inFlight, m.latency} {
		ch <- d
	}
}

// Collect sends each endpoint's figures as they are now.
func (m *endpointMetrics) Collect(ch chan<- prometheus.Metric) {
	for _, st := range m.engine.Endpoint().Endpoints {
		ch <- prometheus.MustNewConstMetric(m.state, prometheus.GaugeValue, float64(st.Breaker), st.Host)
		ch <- prometheus.MustNewConstMetric(m.opened, prometheus.CounterValue, float64(st.Opened), st.Host)
		ch <- prometheus.MustNewConstMetric(m.budgetTimeouts, prometheus.CounterValue, float64(st.BudgetTimeouts), st.Host)
		ch <- prometheus.MustNewConstMetric(m.requests, prometheus.CounterValue, float64(st.Requests), st.Host)
		ch <- prometheus.MustNewConstMetric(m.errors, prometheus.CounterValue, float64(st.Errors), st.Host)
		ch <- prometheus.MustNewConstMetric(m.inFlight, prometheus.GaugeValue, float64(st.InFlight), st.Host)
		buckets := make(map[float64]uint64, len(st.Latency.Bounds))
		for i, bound := range st.Latency.Bounds {
			buckets[bound] = st.Latency.Counts[i]
		}
		ch <- prometheus.MustNewConstHistogram(m.latency, st.Latency.Count, st.Latency.Sum, buckets, st.Host)
	}
}
