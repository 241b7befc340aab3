import ArgumentParser
import Deployment
import Planning
import ServingModel
import Solver

/// `gpusched demo`: the main job on built-in data, one section per capability that exists.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run GPUSched's main job on built-in data and print a readable summary.",
        discussion: """
            Sections: the catalog; which layout each model needs on each GPU (memory model); \
            packing one replica of every model into the fewest 8-GPU nodes (MILP, HiGHS); \
            the gate-and-route fluid LP on the paper's convergence instance; geo-distributed block \
            placement (CG-BP + WS-RR vs PETALS); a DeepSeek model cascade (Cascadia); MoE expert placement (load-aware ILP vs round-robin and EPLB); \
            a fleet deployment plan for two models on H100s and L40Ss (replica patterns, MILP).

            Example:
              gpusched demo --json
            """
    )

    @Option(name: .long, help: "GPU type for the node-packing section.")
    var gpu = "H100-80GB"

    @OptionGroup var output: OutputOptions

    @OptionGroup var export: ModelExportOptions

    struct Report: Encodable {
        var highsVersion: String
        var gpus: Int
        var models: Int
        var memoryFit: [SmallestLayout]
        var nodePacking: NodePackingSection.Report
        var gateRoute: GateRouteSection.Report
        var geo: GeoSection.Report
        var cascade: CascadeSection.Report
        var expertPlacement: ExpertPlacementSection.Report
        var deploy: DeploySection.Report
    }

    func run() throws {
        let catalog = Catalog.builtin
        let packingGPU = try catalog.requireGPU(named: gpu)
        let (version, _) = try HighsSolver.libraryVersion()
        let memory = MemoryFitSection(catalog: catalog)
        let (packing, gateRoute, geo, cascade, experts, deploy) = try export.withSolver { solver in
            let context = PlanningContext(solver: solver, progress: output.progressReporter)
            return (
                try NodePackingSection(catalog: catalog, gpu: packingGPU, context: context), try GateRouteSection(context: context),
                try GeoSection(), try CascadeSection(context: context), try ExpertPlacementSection(catalog: catalog, context: context),
                try DeploySection(catalog: catalog, context: context)
            )
        }
        if output.json {
            try JSONOutput.print(Report(
                highsVersion: version, gpus: catalog.gpus.count, models: catalog.models.count,
                memoryFit: memory.cells, nodePacking: packing.report, gateRoute: gateRoute.report,
                geo: geo.report, cascade: cascade.report, expertPlacement: experts.report, deploy: deploy.report), kind: "demo")
            return
        }
        print("GPUSched \(GPUSched.version) demo (HiGHS \(version))")
        print("Built-in catalog: \(catalog.gpus.count) GPUs, \(catalog.models.count) models (gpusched catalog)")
        let sections: [(title: String, body: String)] = [
            ("Smallest one-node layout per model and GPU, with the KV-cache tokens it leaves",
             "   (weights split over TP GPUs; vLLM's rule: 0.9 × driver-reported memory − weights − activation peak\n"
             + "    − non-torch memory, at vllm serve's default limits)\n" + memory.render(catalog: catalog)),
            ("One replica of every model on the fewest \(packingGPU.name) nodes (bin-packing MILP)", packing.render()),
            ("Gate-and-route: prefill/decode contention on 500 GPUs (fluid LP, arXiv 2602.02987 §6.2)", gateRoute.render()),
            ("Geo-distributed BLOOM-176B on 2 A100s + 7 MIG slices, 100 requests (arXiv 2512.21884)", geo.render()),
            ("Cascade 7B -> 70B -> DeepSeek-V3 (4-bit) on 32 H100s at quality 85 (arXiv 2506.04203)", cascade.render()),
            ("MoE expert placement: DeepSeekMoE-16B on \(experts.report.topology) (arXiv 2508.09229)", experts.render()),
            ("Fleet deployment: Llama-3.1-8B and Qwen3-8B on up to 16 H100s + 16 L40Ss, cheapest plan", deploy.render()),
        ]
        for section in sections {
            print("")
            print("== \(section.title) ==")
            print(section.body)
        }
    }
}
