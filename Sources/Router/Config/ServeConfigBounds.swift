/// The ranges `ServeConfigReader` accepts for each number of a `kind: serve` config (and what a
/// `--plan` import may produce), so that no value read from a file sizes an unbounded queue, an
/// allocation or a timer. A value outside gets one line naming its key path and the bound:
/// `pools[0].admission.maxQueued: must be <= 1000000, got 5000000`.
///
/// | key | range |
/// |---|---|
/// | `pools` | 1 to 1,000 pools; `backends` 1 to 1,000 per pool |
/// | `backends[].weight` | > 0, at most 10⁹ |
/// | `admission.maxQueued` | 0 (no queue: 429 when every backend is busy) to 1,000,000 |
/// | `admission.queueTimeout` | > 0 to 3,600 s |
/// | `admission.maxInFlightPerBackend` | 1 to 100,000 |
/// | `prefixAffinity.prefixBytes` | 1 to 1 MiB |
/// | `prefixAffinity.loadFactor` | 1 to 100 (c ≥ 1: the bound ⌈c · mean⌉ must admit the mean) |
/// | `prefixAffinity.virtualNodes` | 1 to 1,024 per backend |
/// | `limits.maxBodyBytes` | 1 KiB to 1 GiB |
/// | `limits.maxConcurrentRequests` | 1 to 1,000,000 |
/// | `apiKeys` | at most 1,000 keys, each 1 to 4,096 printable ASCII characters without spaces |
/// | `health.interval`, `health.openSeconds`, `health.slowFirstByte` | > 0 to 3,600 s |
/// | `health.timeout` | > 0 to 600 s |
/// | `health.failureThreshold` | 1 to 1,000 |
/// | `retry.maxAttempts` | 1 to 10 |
/// | `timeouts.connect` | > 0 to 600 s; `firstByte` > 0 to 86,400 s; `total` > 0 to 86,400 s, and at least `firstByte` and `connect` |
public enum ServeConfigBounds {
    public static let maxPools = 1_000
    public static let maxBackendsPerPool = 1_000
    public static let maxWeight = 1e9
    public static let maxQueued = 1_000_000
    public static let maxQueueTimeoutSeconds = 3_600.0
    public static let maxInFlightPerBackend = 100_000
    public static let maxPrefixBytes = 1 << 20
    public static let maxLoadFactor = 100.0
    public static let maxVirtualNodes = 1_024
    public static let minBodyBytes = 1 << 10
    public static let maxBodyBytes = 1 << 30
    public static let maxConcurrentRequests = 1_000_000
    public static let maxAPIKeys = 1_000
    public static let maxAPIKeyLength = 4_096
    public static let maxHealthSeconds = 3_600.0
    public static let maxProbeTimeoutSeconds = 600.0
    public static let maxFailureThreshold = 1_000
    public static let maxAttempts = 10
    public static let maxConnectSeconds = 600.0
    public static let maxRequestSeconds = 86_400.0
}
