/// Which constraint families make a model infeasible.
///
/// Found with a deletion filter over families: starting from all families, each one is dropped in
/// turn and stays dropped if the rest is still infeasible. What remains is an irreducible set:
/// the model restricted to these families is infeasible, and dropping any one of them makes it
/// feasible. Rows without a family form the family named "(unnamed)".
public struct InfeasibilityDiagnosis: Sendable, Hashable, CustomStringConvertible {
    /// The irreducible set of conflicting families, in the model's order.
    public var conflictingFamilies: [String]
    /// True when variable bounds and integrality alone, without any constraint, are infeasible.
    public var boundsAreInfeasible: Bool

    public var description: String {
        if boundsAreInfeasible { return "the variable bounds alone are infeasible" }
        if conflictingFamilies.count == 1 {
            return "constraint family '\(conflictingFamilies[0])' cannot be satisfied within the variable bounds"
        }
        return "constraint families " + conflictingFamilies.map { "'\($0)'" }.joined(separator: ", ")
            + " conflict (dropping any one of them makes the model feasible)"
    }
}

extension LinearSolver {
    /// Explains an infeasible model by the constraint families that conflict (see
    /// `InfeasibilityDiagnosis`). Costs one feasibility solve per family, plus one.
    public func diagnoseInfeasibility(
        of model: LinearModel, options: SolveOptions = SolveOptions()
    ) throws -> InfeasibilityDiagnosis {
        let feasibilityModel = model.withoutObjective()
        let unnamed = "(unnamed)"
        var familyOfRow: [String] = []
        var families: [String] = []
        for index in 0..<model.constraintCount {
            let family = model.family(of: Constraint(index: index)) ?? unnamed
            familyOfRow.append(family)
            if !families.contains(family) { families.append(family) }
        }
        func isInfeasible(keeping kept: Set<String>) throws -> Bool {
            let restricted = feasibilityModel.keepingRows { kept.contains(familyOfRow[$0.index]) }
            return try solve(restricted, options: options).status == .infeasible
        }
        if try isInfeasible(keeping: []) {
            return InfeasibilityDiagnosis(conflictingFamilies: [], boundsAreInfeasible: true)
        }
        var kept = Set(families)
        for family in families {
            var candidate = kept
            candidate.remove(family)
            if try isInfeasible(keeping: candidate) { kept = candidate }
        }
        return InfeasibilityDiagnosis(conflictingFamilies: families.filter(kept.contains), boundsAreInfeasible: false)
    }
}
