import ReferenceCore
import ReferenceIO
// The algebra of objectives, as Lucid's and Lucent's `Objective` classes
// define it: sums and differences of objectives, products and quotients by
// numbers (neither library multiplies two objectives in practice; Lucent
// refuses to), a number added to an objective, and Lucent's `Objective.sum`.

extension Objective {
    /// The parts of a sum, or the objective itself, so that sums stay flat.
    private var summands: [Objective] {
        if case .sum(let parts) = self { return parts }
        return [self]
    }

    public static func + (lhs: Objective, rhs: Objective) -> Objective {
        .sum(lhs.summands + rhs.summands)
    }

    public static func - (lhs: Objective, rhs: Objective) -> Objective {
        lhs + (-rhs)
    }

    public static prefix func - (objective: Objective) -> Objective {
        -1 * objective
    }

    public static func + (lhs: Objective, rhs: Double) -> Objective { lhs + .constant(rhs) }
    public static func + (lhs: Double, rhs: Objective) -> Objective { .constant(lhs) + rhs }
    public static func - (lhs: Objective, rhs: Double) -> Objective { lhs + .constant(-rhs) }
    public static func - (lhs: Double, rhs: Objective) -> Objective { .constant(lhs) + (-rhs) }

    public static func * (factor: Double, objective: Objective) -> Objective {
        .scaled(objective, by: factor)
    }

    public static func * (objective: Objective, factor: Double) -> Objective {
        .scaled(objective, by: factor)
    }

    /// objective · (1 / divisor), as Lucent's `__truediv__`. A zero divisor
    /// gives an infinite factor; the parser refuses it with a message.
    public static func / (objective: Objective, divisor: Double) -> Objective {
        .scaled(objective, by: 1 / divisor)
    }

    /// The sum of several objectives (Lucent's `Objective.sum`); 0 for none.
    public static func sum(of objectives: [Objective]) -> Objective {
        .sum(objectives.flatMap(\.summands))
    }

    /// This objective on image `index` of the batch only.
    public func batch(_ index: Int) -> Objective {
        .batch(self, index: index)
    }
}
