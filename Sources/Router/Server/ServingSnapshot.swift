import Foundation
import Logging
import NIOCore

/// Builds a pool's routing policy from its config (`PolicyFactory.make` in `gpusched serve`).
public typealias PolicyMaker = @Sendable (PoolConfig) throws -> any RoutingPolicy

/// What the router serves from one config: its pools by model, the `/v1/models` answer and the API
/// keys. A reload builds a new snapshot and swaps it in; requests in flight keep the pools they
/// leased from.
final class ServingSnapshot: Sendable {
    let config: ServeConfig
    let pools: [BackendPool]
    let poolsByModel: [String: BackendPool]
    /// The cascades by the name clients ask for.
    let cascades: [String: CascadePolicy]
    let apiKeys: Set<String>
    /// The `/v1/models` body.
    let modelsBody: ByteBuffer

    init(config: ServeConfig, makePolicy: PolicyMaker, metrics: RouterMetrics, client: UpstreamClient, logger: Logger) throws {
        self.config = config
        pools = try config.pools.map { pool in
            BackendPool(config: pool, policy: try makePolicy(pool), health: config.health, metrics: metrics, logger: logger)
        }
        poolsByModel = Dictionary(pools.map { ($0.model, $0) }, uniquingKeysWith: { first, _ in first })
        let sender = PoolCompletionSender(
            pools: poolsByModel, proxy: CompletionProxy(client: client, retry: config.retry, timeouts: config.timeouts, logger: logger))
        cascades = Dictionary(
            config.cascades.map { ($0.name, CascadePolicy(config: $0, sender: sender, judge: $0.judge.judge(client: client.http))) },
            uniquingKeysWith: { first, _ in first })
        apiKeys = Set(config.apiKeys)
        modelsBody = ByteBuffer(bytes: Self.modelsList(config))
    }

    /// `{"object":"list","data":[{"id":…,"object":"model","created":0,"owned_by":"gpusched"}, …]}`,
    /// the pools' and the cascades' names, sorted.
    static func modelsList(_ config: ServeConfig) -> [UInt8] {
        let names = Set(config.pools.map(\.model)).union(config.cascades.map(\.name)).sorted()
        let data: [[String: Any]] = names.map { ["id": $0, "object": "model", "created": 0, "owned_by": "gpusched"] }
        let json = try? JSONSerialization.data(withJSONObject: ["object": "list", "data": data], options: [.sortedKeys])
        return Array(json ?? Data())
    }
}
