// swift-tools-version: 6.1
// GPUSched: operations research for LLM serving fleets.
import PackageDescription

let package = Package(
    name: "GPUSched",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "gpusched", targets: ["gpusched"]),
        .library(name: "Solver", targets: ["Solver"]),
        .library(name: "ServingModel", targets: ["ServingModel"]),
        .library(name: "Planning", targets: ["Planning"]),
        .library(name: "Simulation", targets: ["Simulation"]),
        .library(name: "GateAndRoute", targets: ["GateAndRoute"]),
        .library(name: "Cascade", targets: ["Cascade"]),
        .library(name: "ExpertPlacement", targets: ["ExpertPlacement"]),
        .library(name: "Deployment", targets: ["Deployment"]),
        .library(name: "Reporting", targets: ["Reporting"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.0"),
        // The live serving stack (serve, mock-engine, load). Hummingbird without its default traits, so
        // swift-configuration is not built.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    ],
    targets: [
        // LP/MILP modelling layer and the HiGHS backend (loaded at run time).
        .target(name: "Solver"),
        // Domain types, the built-in catalog, scenario documents.
        .target(
            name: "ServingModel",
            dependencies: [.product(name: "Yams", package: "Yams")]
        ),
        // The pipeline as types: Planner, Evaluator, PlanReport, SolveSummary, PlanningError, Estimate,
        // the JSON contract, seeds, timing, progress and model export.
        .target(name: "Planning", dependencies: ["Solver", "ServingModel"]),
        // Discrete-event simulator of serving clusters: engine, replicas, policies, metrics.
        .target(name: "Simulation", dependencies: ["ServingModel", "Planning"]),
        // Prefill–decode contention: fluid LPs, gate-and-route policies, the paper's CTMC.
        .target(name: "GateAndRoute", dependencies: ["Solver", "ServingModel", "Planning", "Simulation"]),
        // Geo-distributed block placement and routing (CG-BP, WS-RR, MILP) against PETALS.
        .target(name: "GeoPlacement", dependencies: ["Solver", "ServingModel", "Planning"]),
        // Cascade serving (Cascadia): deployment MILP, threshold routing, the bi-level loop, baselines.
        .target(name: "Cascade", dependencies: ["Solver", "ServingModel", "Planning", "Simulation"]),
        // MoE expert placement: topology graphs, activation statistics, the load-aware ILP, EPLB and baselines.
        .target(name: "ExpertPlacement", dependencies: ["Solver", "ServingModel", "Planning"]),
        // Fleet deployment: the smallest layout of each model on each GPU, packing replicas into nodes.
        .target(name: "Deployment", dependencies: ["Solver", "ServingModel", "Planning", "Simulation"]),
        // The OpenAI-compatible wire format the live components share: request fields, SSE, error bodies.
        // Self-contained HTML reports (inline SVG charts) of saved --json outputs.
        .target(name: "Reporting", dependencies: ["Planning"]),
        .target(name: "InferenceAPI"),
        // gpusched serve: the OpenAI-compatible router that enforces plans in front of real engines.
        .target(
            name: "Router",
            dependencies: [
                "InferenceAPI", "ServingModel", "Planning", "GateAndRoute", "Cascade", "Deployment",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // gpusched mock-engine: an OpenAI-compatible engine whose tokens come out when the performance
        // model says, with vLLM-style /metrics — the test bed that needs no GPU.
        .target(
            name: "MockEngine",
            dependencies: [
                "InferenceAPI", "ServingModel", "Planning", "Simulation",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        // gpusched load: the open-loop load generator (Poisson, gamma, trace replay) that measures TTFT,
        // TPOT and E2E like inference-perf.
        .target(
            name: "LoadGenerator",
            dependencies: [
                "InferenceAPI", "ServingModel", "Planning", "Simulation",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        // The command-line verbs, kept in a library so tests can reach them.
        .target(
            name: "GPUSchedCLI",
            dependencies: [
                "Solver", "ServingModel", "Planning", "Simulation", "GateAndRoute", "GeoPlacement", "Cascade", "ExpertPlacement",
                "Deployment", "Router", "MockEngine", "LoadGenerator", "InferenceAPI", "Reporting",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .executableTarget(name: "gpusched", dependencies: ["GPUSchedCLI"]),
        // What the test targets share: running the built binary, temporary files, repository folders,
        // the JSON Schema validator.
        .target(name: "GPUSchedTestSupport", dependencies: ["InferenceAPI"], path: "Tests/TestSupport"),
        .testTarget(name: "SolverTests", dependencies: ["Solver", "GPUSchedTestSupport"]),
        .testTarget(name: "ServingModelTests", dependencies: ["ServingModel", "GPUSchedTestSupport"]),
        .testTarget(name: "PlanningTests", dependencies: ["Planning", "Solver", "GPUSchedTestSupport"]),
        .testTarget(name: "SimulationTests", dependencies: ["Simulation", "ServingModel", "GPUSchedTestSupport"]),
        .testTarget(name: "GateAndRouteTests", dependencies: ["GateAndRoute", "Solver", "ServingModel", "Simulation", "GPUSchedTestSupport"]),
        .testTarget(name: "GeoPlacementTests", dependencies: ["GeoPlacement", "Solver", "GPUSchedTestSupport"]),
        .testTarget(name: "CascadeTests", dependencies: ["Cascade", "Solver", "ServingModel", "Simulation", "GPUSchedTestSupport"]),
        .testTarget(name: "ExpertPlacementTests", dependencies: ["ExpertPlacement", "Planning", "Solver", "GPUSchedTestSupport"]),
        .testTarget(name: "DeploymentTests", dependencies: ["Deployment", "Planning", "Solver", "ServingModel", "GPUSchedTestSupport"]),
        .testTarget(name: "InferenceAPITests", dependencies: ["InferenceAPI"]),
        .testTarget(
            name: "RouterTests",
            dependencies: [
                "Router", "InferenceAPI", "Deployment", "Planning", "ServingModel", "GPUSchedTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        .testTarget(
            name: "LoadGeneratorTests",
            dependencies: [
                "LoadGenerator", "InferenceAPI", "ServingModel", "Simulation", "GPUSchedTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "MockEngineTests",
            dependencies: ["MockEngine", "Simulation", "InferenceAPI", "ServingModel", "GPUSchedTestSupport"]),
        // The live components as processes on loopback: gpusched serve, mock-engine, load.
        .testTarget(name: "ReportingTests", dependencies: ["Reporting", "GPUSchedTestSupport"]),
        .testTarget(name: "LiveServingTests", dependencies: ["GPUSchedTestSupport", "InferenceAPI", "ServingModel"]),
        .testTarget(
            name: "GPUSchedCLITests",
            dependencies: [
                "GPUSchedCLI", "Solver", "ServingModel", "GPUSchedTestSupport", .product(name: "PropertyBased", package: "swift-property-based")]
        ),
    ]
)
