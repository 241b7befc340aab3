/// A set of GPUs and models that scenarios refer to by name.
///
/// `Catalog.builtin` holds the shipped entries; a scenario's inline `catalog:` section produces a
/// new catalog with `merging(_:)`, where an inline entry replaces a built-in one of the same name.
public struct Catalog: Sendable {
    /// GPUs, in display order.
    public private(set) var gpus: [GPUSpec]
    /// Models, in display order.
    public private(set) var models: [ModelSpec]

    /// Creates a catalog from explicit lists.
    public init(gpus: [GPUSpec], models: [ModelSpec]) {
        self.gpus = gpus
        self.models = models
    }

    /// The catalog shipped with GPUSched (sources are cited next to each entry).
    public static let builtin = Catalog(gpus: builtinGPUs, models: builtinModels)

    /// The GPU with this name (case-insensitive), or nil.
    public func gpu(named name: String) -> GPUSpec? {
        gpus.first { $0.name.lowercased() == name.lowercased() }
    }

    /// The model with this name (case-insensitive), or nil.
    public func model(named name: String) -> ModelSpec? {
        models.first { $0.name.lowercased() == name.lowercased() }
    }

    /// The GPU with this name, or an error that suggests the nearest names.
    public func requireGPU(named name: String) throws(CatalogError) -> GPUSpec {
        guard let gpu = gpu(named: name) else {
            throw CatalogError.unknownGPU(name, suggestions: NameSuggestion.nearest(to: name, in: gpus.map(\.name)))
        }
        return gpu
    }

    /// The model with this name, or an error that suggests the nearest names.
    public func requireModel(named name: String) throws(CatalogError) -> ModelSpec {
        guard let model = model(named: name) else {
            throw CatalogError.unknownModel(name, suggestions: NameSuggestion.nearest(to: name, in: models.map(\.name)))
        }
        return model
    }

    /// This catalog with `other`'s entries added; an entry whose name (case-insensitive) already
    /// exists replaces it in place.
    public func merging(_ other: Catalog) -> Catalog {
        var result = self
        for gpu in other.gpus {
            if let index = result.gpus.firstIndex(where: { $0.name.lowercased() == gpu.name.lowercased() }) {
                result.gpus[index] = gpu
            } else {
                result.gpus.append(gpu)
            }
        }
        for model in other.models {
            if let index = result.models.firstIndex(where: { $0.name.lowercased() == model.name.lowercased() }) {
                result.models[index] = model
            } else {
                result.models.append(model)
            }
        }
        return result
    }
}

/// A failed catalog lookup.
public enum CatalogError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No GPU has this name.
    case unknownGPU(String, suggestions: [String])
    /// No model has this name.
    case unknownModel(String, suggestions: [String])

    public var description: String {
        switch self {
        case let .unknownGPU(name, suggestions):
            return "unknown GPU '\(name)'" + NameSuggestion.hint(listing: suggestions)
        case let .unknownModel(name, suggestions):
            return "unknown model '\(name)'" + NameSuggestion.hint(listing: suggestions)
        }
    }
}
