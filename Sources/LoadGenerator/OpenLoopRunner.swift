import AsyncHTTPClient
import Planning
import ServingModel

/// Runs a load schedule open loop: each request is sent at its arrival time whether or not the
/// earlier ones have finished (an arrival finding `maxInFlight` requests in flight is dropped and
/// counted), every request streams on one shared HTTP client, and the run ends when the last one
/// has finished or timed out. Progress lines, when enabled, say once a second how far it is.
///
/// ```swift
/// let schedule = LoadSchedule(workload: scenario.workload, horizon: 30, warmup: 5, seed: 1)
/// let report = await OpenLoopRunner.run(schedule, settings: LoadSettings(target: "http://127.0.0.1:8000", model: "llama-3.1-8b"))
/// print(report.overall.ttft.p99)
/// ```
public enum OpenLoopRunner {
    /// Runs `schedule` against `settings.target` with its own HTTP client (shut down afterwards).
    public static func run(
        _ schedule: LoadSchedule, settings: LoadSettings, seed: UInt64? = nil, progress: ProgressReporter = .silent
    ) async -> LoadReport {
        let http = LoadClient.makeHTTPClient(settings)
        let report = await run(schedule, settings: settings, seed: seed, client: http, progress: progress)
        try? await http.shutdown()
        return report
    }

    /// Runs `schedule` on an existing HTTP client.
    public static func run(
        _ schedule: LoadSchedule, settings: LoadSettings, seed: UInt64?, client http: HTTPClient, progress: ProgressReporter
    ) async -> LoadReport {
        let clock = ContinuousClock()
        let recorder = LoadRecorder(schedule: schedule, maxInFlight: settings.maxInFlight)
        let start = clock.now
        let client = LoadClient(client: http, settings: settings, clock: clock, start: start)
        await withTaskGroup(of: Void.self) { outer in
            if progress.isEnabled {
                outer.addTask {
                    await report(progress: progress, recorder: recorder, total: schedule.requests.count, clock: clock, start: start)
                }
            }
            await withDiscardingTaskGroup { group in
                for (position, request) in schedule.requests.enumerated() {
                    let due = start.advanced(by: seconds(request.arrivalTime))
                    if clock.now < due { try? await Task.sleep(until: due, clock: clock) }
                    guard recorder.admit(position) else { continue }
                    group.addTask {
                        let body = LoadRequestBody.make(for: request, settings: settings)
                        let outcome = await client.send(body) { recorder.recordGap(position, $0) }
                        recorder.finish(position, outcome)
                    }
                }
            }
            outer.cancelAll()
        }
        let wall = LoadClient.seconds(start.duration(to: clock.now))
        return LoadReport(schedule: schedule, settings: settings, seed: seed, recording: recorder.snapshot(), wallSeconds: wall)
    }

    /// Once a second until cancelled: `t=12 s: sent 240/600, in flight 14, finished 220 (0 failed), dropped 0`.
    private static func report(
        progress: ProgressReporter, recorder: LoadRecorder, total: Int, clock: ContinuousClock, start: ContinuousClock.Instant
    ) async {
        while !Task.isCancelled {
            do { try await Task.sleep(for: .seconds(1), clock: clock) } catch { return }
            let counts = recorder.counts
            let elapsed = Int(LoadClient.seconds(start.duration(to: clock.now)).rounded())
            progress.say("t=\(elapsed) s: sent \(counts.sent)/\(total), in flight \(counts.inFlight), "
                + "finished \(counts.finished) (\(counts.failed) failed), dropped \(counts.dropped)")
        }
    }

    /// `value` seconds as a `Duration` (nanosecond resolution).
    static func seconds(_ value: Double) -> Duration {
        .nanoseconds(Int64((value * 1e9).rounded()))
    }
}
