import ReferenceCore
import ReferenceIO
// Small helpers shared by the transforms: the image shape check and the
// checks of transform parameters.

enum TransformImage {
    /// The (N, C, H, W) sizes of an image on the tape, or an error naming the transform.
    static func size(_ image: Variable, on tape: Tape, _ kind: String) throws -> (n: Int, c: Int, h: Int, w: Int) {
        let shape = tape.value(image).shape
        guard shape.count == 4 else {
            throw RefvisError("\(kind): the image must be 4-D (N, C, H, W), got shape \(formatShape(shape))")
        }
        guard shape[2] >= 1, shape[3] >= 1 else {
            throw RefvisError("\(kind): the image must have non-empty height and width, got shape \(formatShape(shape))")
        }
        return (shape[0], shape[1], shape[2], shape[3])
    }

    /// A list of choices: non-empty and finite.
    static func checkedList(_ values: [Double], _ kind: String, _ what: String) throws -> [Double] {
        guard !values.isEmpty else { throw RefvisError.usage("\(kind): the list of \(what) is empty") }
        if let bad = values.first(where: { !$0.isFinite }) {
            throw RefvisError.usage("\(kind): \(what) must be finite, got \(formatDouble(bad))")
        }
        return values
    }

    /// A list of scale factors: non-empty, finite and positive.
    static func checkedScales(_ scales: [Double], _ kind: String) throws -> [Double] {
        let checked = try checkedList(scales, kind, "scales")
        if let bad = checked.first(where: { $0 <= 0 }) {
            throw RefvisError.usage("\(kind): scales must be positive, got \(formatDouble(bad))")
        }
        return checked
    }
}

/// Units of a list of rotation angles (Lucid's and Lucent's `units` argument).
public enum AngleUnits: String, Sendable, CaseIterable {
    case degrees
    case radians
}
