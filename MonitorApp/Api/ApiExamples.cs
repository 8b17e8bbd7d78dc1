using System.Globalization;
using System.Text.Json.Nodes;

namespace MonitorApp.Api;

/// <summary>
/// An example for every operation of the OpenAPI document: the request a caller can send as it is (its times are the
/// server's clock, so the event-time bounds accept it), and an answer of the shape the operation returns. The figures in
/// the answers illustrate the format; they are not measurements. A test checks each example against its schema (Redocly's
/// <c>no-invalid-media-type-examples</c>, extra properties refused) and sends each request to the running app.
/// </summary>
public static class ApiExamples
{
    /// <summary>The JSON request body of <paramref name="operationId"/>, or null when it takes none.</summary>
    public static JsonNode? Request(string operationId, DateTime now) => operationId switch
    {
        "postIngestSessionEvents" => Json($$"""
            {"events": [
              {"session_id": "c-1042", "type": "started", "at": "{{At(now, 3)}}", "category": "Career", "provider": "livekit"},
              {"session_id": "c-1043", "type": "started", "at": "{{At(now, 3)}}", "category": "Sleep", "provider": "daily_co"},
              {"session_id": "c-1042", "type": "quality", "at": "{{At(now, 2)}}", "quality": "good"},
              {"session_id": "c-1042", "type": "heartbeat", "at": "{{At(now, 1)}}"},
              {"session_id": "c-1042", "type": "stats", "at": "{{At(now, 1)}}", "direction": "receive", "kind": "audio", "window_seconds": 10,
               "packet_loss_pct": 0.8, "rtt_ms": 95, "jitter_ms": 12, "bitrate_kbps": 38, "expected_bitrate_kbps": 40, "relay": false,
               "provider_level": "good"},
              {"session_id": "c-1043", "type": "ended", "at": "{{At(now, 1)}}"}
            ]}
            """),
        "postIngestRequests" => Json($$"""
            {"requests": [
              {"service": "checkout", "at": "{{At(now, 1)}}", "status": 200, "duration_ms": 42.5, "route": "/api/orders"},
              {"service": "checkout", "at": "{{At(now, 1)}}", "status": 503, "duration_ms": 1204}
            ]}
            """),
        "postAdminAlertsSilences" => Json("""
            {"rule": "service_down", "service": "daily_co", "duration_minutes": 60, "comment": "Daily.co's announced maintenance"}
            """),
        // OTLP/JSON (the protobuf message's JSON mapping): one delta histogram of http.server.request.duration in seconds,
        // on the buckets OpenTelemetry recommends; times in nanoseconds since the epoch, as strings.
        "postV1Metrics" => Json($$$"""
            {"resourceMetrics": [{
              "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "checkout"}}]},
              "scopeMetrics": [{
                "scope": {"name": "Microsoft.AspNetCore.Hosting"},
                "metrics": [{
                  "name": "http.server.request.duration",
                  "unit": "s",
                  "histogram": {
                    "aggregationTemporality": 1,
                    "dataPoints": [{
                      "attributes": [{"key": "http.response.status_code", "value": {"intValue": "200"}}],
                      "startTimeUnixNano": "{{{Nanos(now.AddMinutes(-2))}}}",
                      "timeUnixNano": "{{{Nanos(now.AddMinutes(-1))}}}",
                      "count": "10",
                      "sum": 0.61,
                      "explicitBounds": [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10],
                      "bucketCounts": ["0", "0", "2", "5", "1", "1", "1", "0", "0", "0", "0", "0", "0", "0", "0"]
                    }]
                  }
                }]
              }]
            }]}
            """),
        _ => null,
    };

    /// <summary>A successful JSON answer of <paramref name="operationId"/>, or null when it has none.</summary>
    public static JsonNode? Response(string operationId) => operationId switch
    {
        "postIngestSessionEvents" => Json("""{"accepted": 6}"""),
        "postIngestRequests" => Json("""{"accepted": 2}"""),
        "getAdminMetricsCurrent" => Json("""
            {"active_sessions_count": 17, "avg_connection_quality": "good", "error_rate_last_hour": 0.031, "api_response_time_p95": 328.8,
             "db_pool_active": 3, "db_pool_size": 20, "system_health": "degraded", "db_pool_idle": 17, "db_pool_pending": 0,
             "db_pool_wait_p95_ms": 0.4, "db_provider": "postgres", "health_reasons": ["error rate 3.1 % > 2 % (degraded)"],
             "requests_last_hour": 1790, "generated_at": "2026-11-27T14:05:30.000Z", "stale": false, "stale_seconds": 3.8,
             "stale_reason": null, "unknown": {}}
            """),
        "getAdminMetricsSessions" => Json("""
            {"window": "24h", "total_sessions": 18, "sessions_by_category": {"Career": 6, "Relationships": 4, "Sleep": 4, "Grief": 2, "Anxiety": 2},
             "connection_quality_distribution": {"excellent": 55.6, "good": 22.2, "fair": 16.7, "poor": 5.5},
             "connection_quality_counts": {"excellent": 10, "good": 4, "fair": 3, "poor": 1},
             "generated_at": "2026-11-27T14:05:30.000Z", "stale": false}
            """),
        "getAdminMetricsErrorRate" => Json("""
            {"hours": 2, "points": [
               {"hour": "2026-11-27T13:00:00Z", "requests": 1800, "errors": 56, "error_rate": 0.031111, "p95_ms": 309.8, "level": "degraded", "alert_fired": true},
               {"hour": "2026-11-27T14:00:00Z", "requests": 0, "errors": 0, "error_rate": null, "p95_ms": null, "level": null, "alert_fired": false}],
             "thresholds": {"error_rate_degraded": 0.02, "error_rate_critical": 0.05, "p95_degraded_ms": 500, "p95_critical_ms": 1000},
             "generated_at": "2026-11-27T14:05:30.000Z", "stale": false}
            """),
        "getAdminMetricsServices" => Json("""
            {"window": "1h", "generated_at": "2026-11-27T14:05:30.000Z", "stale": false, "services": [
               {"service": "checkout", "requests": 420, "errors": 21, "error_rate": 0.05, "p95_ms": 625, "level": "degraded"},
               {"service": "platform-api", "requests": 1370, "errors": 2, "error_rate": 0.00146, "p95_ms": 95, "level": "healthy"}]}
            """),
        "getAdminMetricsQuality" => Json("""
            {"window": "1h", "generated_at": "2026-11-27T14:05:30.000Z", "stale": false, "providers": [
               {"provider": "livekit", "windows": 1260, "mos_median": 3.9, "mos_p10": 2.7, "poor_share": 0.1421, "send_mos_median": 4.1,
                "receive_mos_median": 3.8, "relay_share": 0.0873, "reasons": {"loss": 0.6201, "delay": 0.3408, "jitter": 0.0391},
                "main_reason": "loss", "unknown": {}},
               {"provider": "daily_co", "windows": 980, "mos_median": 4.3, "mos_p10": 4.1, "poor_share": 0, "send_mos_median": 4.3,
                "receive_mos_median": 4.3, "relay_share": 0.0204, "reasons": null, "main_reason": null,
                "unknown": {"reasons": "no poor windows in 1h"}}]}
            """),
        "getAdminMetricsDbPool" => Json("""
            {"provider": "postgres", "active": 3, "idle": 17, "size": 20, "pending": 0, "wait_p95_ms": 0.4, "open_samples_5m": 182,
             "unknown": {}, "generated_at": "2026-11-27T14:05:30.000Z"}
            """),
        "getAdminMetricsExternalServices" => Json("""
            {"daily_co": "operational",
             "services": {"daily_co": {
               "name": "daily_co", "display_name": "Daily.co", "kind": "statuspage", "status": "operational", "detail": "All Systems Operational",
               "last_checked_at": "2026-11-27T14:05:04.000Z", "last_latency_ms": 182, "status_since": "2026-11-20T08:00:00.000Z",
               "consecutive_failures": 0, "uptime_percent": {"24h": 100, "7d": 99.9, "30d": 99.95}, "unknown": {},
               "history": {
                 "last_24h": [{"from": "2026-11-27T13:30:00Z", "to": "2026-11-27T14:00:00Z", "status": "operational", "checks": 30,
                               "worst_latency_ms": 240, "average_latency_ms": 175, "unanswered": 0}],
                 "last_30_days": [{"day": "2026-11-26T00:00:00Z", "uptime_percent": 100, "checks": 1440, "down_checks": 0}]}}},
             "generated_at": "2026-11-27T14:05:30.000Z", "stale": false}
            """),
        "getAdminAlerts" => Json("""
            {"read_at": "2026-11-27T14:05:31.000Z", "evaluate_seconds": 15, "channels": ["webhook"],
             "rules": [{"name": "error_rate_degraded", "severity": "degraded", "watches": "error rate over the last hour above Health:ErrorRateDegraded",
                        "enabled": true, "for": "00:02:00", "keep_firing_for": "00:05:00", "state": "firing",
                        "alerts": [{"subject": "system", "state": "firing", "active_since": "2026-11-27T13:40:00.000Z", "fired_at": "2026-11-27T13:42:00.000Z",
                                    "clear_since": null, "value": 0.031, "threshold": 0.02, "reason": "error rate 3.1 % > 2 % (degraded)",
                                    "fingerprint": "3f9a0c2b71d4e856", "silenced": false, "silence_id": null}]}],
             "silences": [{"id": 7, "rule": "service_down", "service": "daily_co", "starts_at": "2026-11-27T14:00:00.000Z", "ends_at": "2026-11-27T15:00:00.000Z",
                           "comment": "Daily.co's announced maintenance", "created_by": "ops@example.org"}],
             "delivery_failures": [{"channel": "webhook", "rule": "error_rate_degraded", "service": null, "state": "firing", "attempts": 3,
                                    "last_error": "HTTP 502 from the receiver", "created_at": "2026-11-27T13:42:00.000Z",
                                    "next_attempt_at": "2026-11-27T13:42:40.000Z", "gave_up_at": null}]}
            """),
        "getAdminEvents" => Json("""
            {"hours": 24, "events": [
               {"at": "2026-11-27T13:42:00.000Z", "kind": "alert", "subject": "error_rate_degraded", "state": "firing", "previous_state": "pending",
                "summary": "error_rate_degraded firing", "reasons": ["error rate 3.1 % > 2 % (degraded)"]},
               {"at": "2026-11-27T13:40:05.000Z", "kind": "health", "subject": "system", "state": "degraded", "previous_state": "healthy",
                "summary": "health degraded (was healthy)", "reasons": ["error rate 3.1 % > 2 % (degraded)"]}]}
            """),
        "postAdminAlertsSilences" => Json("""
            {"id": 7, "rule": "service_down", "service": "daily_co", "starts_at": "2026-11-27T14:00:00.000Z", "ends_at": "2026-11-27T15:00:00.000Z",
             "comment": "Daily.co's announced maintenance", "created_by": "ops@example.org"}
            """),
        "getAdminAudit" => Json("""
            {"events": [
               {"id": 1204, "at": "2026-11-27T14:01:12.000Z", "action": "sign_in", "actor": "ops@example.org", "target": null,
                "address": "203.0.113.7", "outcome": "success", "detail": null},
               {"id": 1203, "at": "2026-11-27T13:58:40.000Z", "action": "token_revoked", "actor": "ops@example.org", "target": "grafana",
                "address": "203.0.113.7", "outcome": "success", "detail": null}],
             "page": 1, "page_size": 50, "has_more": false}
            """),
        _ => null,
    };

    private static JsonNode Json(string json) => JsonNode.Parse(json)!;

    private static string At(DateTime now, int minutesAgo) =>
        now.AddMinutes(-minutesAgo).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string Nanos(DateTime utc) =>
        ((utc.Ticks - DateTime.UnixEpoch.Ticks) * 100).ToString(CultureInfo.InvariantCulture);
}
