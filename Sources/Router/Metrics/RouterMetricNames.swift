import Prometheus

/// The router's metric names and help texts, each defined once (the registry requires one help
/// text per name). Labels are bounded: `model` is a configured pool (or `unknown`), `backend` a
/// configured URL, `reason` a policy's or the router's fixed reasons, `status` an HTTP code.
enum RouterMetricNames {
    static func descriptor(_ name: String, unit: String, help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "gpusched", subsystem: "router", metricName: name, unitName: unit, helpText: help)
    }

    static var requests: MetricNameDescriptor { descriptor("requests", unit: "total", help: "Completion requests answered, by model, endpoint and HTTP status.") }
    static var inFlight: MetricNameDescriptor { descriptor("requests_in_flight", unit: "", help: "Requests sent to a backend and not finished, by model.") }
    static var queued: MetricNameDescriptor { descriptor("requests_queued", unit: "", help: "Requests waiting in the router's queue of a pool, by model.") }
    static var timeToFirstToken: MetricNameDescriptor { descriptor(
        "time_to_first_token", unit: "seconds", help: "Seconds from the request's arrival to the first byte of the backend's answer.") }
    static var interTokenLatency: MetricNameDescriptor { descriptor(
        "inter_token_latency", unit: "seconds", help: "Seconds between consecutive chunks of a streamed answer.") }
    static var requestDuration: MetricNameDescriptor { descriptor(
        "request_duration", unit: "seconds", help: "Seconds from a completion request's arrival to the end of its answer.") }
    static var backendUp: MetricNameDescriptor { descriptor("backend_up", unit: "", help: "1 while a backend may be picked (health probes pass, breaker not open), else 0.") }
    static var backendInFlight: MetricNameDescriptor { descriptor("backend_in_flight", unit: "", help: "Requests in flight on a backend, from this router.") }
    static var routingDecisions: MetricNameDescriptor { descriptor(
        "routing_decisions", unit: "total", help: "Routing decisions by model, policy and the policy's reason.") }
    static var admissions: MetricNameDescriptor { descriptor("admissions", unit: "total", help: "Requests admitted to a backend, by model.") }
    static var rejections: MetricNameDescriptor { descriptor(
        "rejections", unit: "total", help: "Requests refused by the router: queue_full, queue_timeout or overload.") }
    static var retries: MetricNameDescriptor { descriptor("retries", unit: "total", help: "Upstream attempts retried before the first byte, by model and reason.") }

    /// Buckets of the latency histograms, seconds.
    static let latencyBuckets: [Double] = [
        0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300,
    ]
}
