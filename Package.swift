// swift-tools-version: 6.0
// GPUSched: operations research for LLM serving fleets.
import PackageDescription

let package = Package(
    name: "GPUSched",
    platforms: [.macOS(.v13)],
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
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.0"),
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
        // The command-line verbs, kept in a library so tests can reach them.
        .target(
            name: "GPUSchedCLI",
            dependencies: [
                "Solver", "ServingModel", "Planning", "Simulation", "GateAndRoute", "GeoPlacement", "Cascade", "ExpertPlacement",
                "Deployment", .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "gpusched", dependencies: ["GPUSchedCLI"]),
        // What the test targets share: running the built binary, temporary files, repository folders,
        // the JSON Schema validator.
        .target(name: "GPUSchedTestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "SolverTests", dependencies: ["Solver", "GPUSchedTestSupport"]),
        .testTarget(name: "ServingModelTests", dependencies: ["ServingModel", "GPUSchedTestSupport"]),
        .testTarget(name: "PlanningTests", dependencies: ["Planning", "Solver", "GPUSchedTestSupport"]),
        .testTarget(name: "SimulationTests", dependencies: ["Simulation", "ServingModel", "GPUSchedTestSupport"]),
        .testTarget(name: "GateAndRouteTests", dependencies: ["GateAndRoute", "Solver", "ServingModel", "Simulation", "GPUSchedTestSupport"]),
        .testTarget(name: "GeoPlacementTests", dependencies: ["GeoPlacement", "Solver", "GPUSchedTestSupport"]),
        .testTarget(name: "CascadeTests", dependencies: ["Cascade", "Solver", "ServingModel", "Simulation", "GPUSchedTestSupport"]),
        .testTarget(name: "ExpertPlacementTests", dependencies: ["ExpertPlacement", "Planning", "Solver", "GPUSchedTestSupport"]),
        .testTarget(name: "DeploymentTests", dependencies: ["Deployment", "Planning", "Solver", "ServingModel", "GPUSchedTestSupport"]),
        .testTarget(
            name: "GPUSchedCLITests",
            dependencies: [
                "GPUSchedCLI", "Solver", "ServingModel", "GPUSchedTestSupport", .product(name: "PropertyBased", package: "swift-property-based")]
        ),
    ]
)
