import Foundation
import Testing
import ReferenceCore
import ReferenceIO
import ReferenceVis
import ReferenceGolden
import ReferenceTestSupport

/// The first golden cases: conv2d and pooling outputs computed by NumPy from
/// PyTorch's documented definitions (`Fixtures/golden/first/make_first.py`,
/// run by hand), so refvis is compared with an implementation that shares none
/// of its code. The full golden kit replaces this folder later.
@Suite("First golden cases")
struct FirstGoldenCases {
    struct Case: Decodable, CustomStringConvertible, Sendable {
        let name: String
        let op: String
        let inputs: [String: String]
        let attributes: [String: JSONValue]
        let output: String
        var description: String { name }
    }

    static let folder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/golden/first")

    static let cases: [Case] = {
        guard let data = try? Data(contentsOf: folder.appendingPathComponent("cases.json")),
              let cases = try? JSONDecoder().decode([Case].self, from: data) else { return [] }
        return cases
    }()

    @Test func casesAreFound() {
        #expect(FirstGoldenCases.cases.count >= 5)
    }

    @Test("matches NumPy", arguments: FirstGoldenCases.cases)
    func matchesNumPy(_ golden: Case) throws {
        let op = try OpRegistry.op(named: golden.op)
        let inputs = try op.inputs.compactMap { spec -> Tensor? in
            guard let file = golden.inputs[spec.name] else { return nil }
            return try NumPyFile.read(path: FirstGoldenCases.folder.appendingPathComponent(file).path)
        }
        var attributes = [String: AttributeValue]()
        for spec in op.attributes {
            if let value = golden.attributes[spec.name] {
                attributes[spec.name] = try AttributeValue.coerce(value.foundationObject, to: spec.type, name: spec.name)
            }
        }
        let output = try op(inputs, attributes)[0]
        let expected = try NumPyFile.read(path: FirstGoldenCases.folder.appendingPathComponent(golden.output).path)
        try #require(output.shape == expected.shape)
        var worst = 0.0
        for (a, b) in zip(output.scalars, expected.scalars) {
            worst = max(worst, abs(a - b) / max(1, abs(b)))
        }
        // Float64 sums of at most a few dozen terms in another order: agreement to ~1e-15.
        #expect(worst <= 1e-13, "largest error \(worst)")
    }
}

/// A JSON scalar or list, decoded so it can be handed to `AttributeValue.coerce`.
enum JSONValue: Decodable, Sendable {
    case number(Double), bool(Bool), string(String), list([JSONValue])

    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let b = try? container.decode(Bool.self) { self = .bool(b) }
        else if let d = try? container.decode(Double.self) { self = .number(d) }
        else if let s = try? container.decode(String.self) { self = .string(s) }
        else { self = .list(try container.decode([JSONValue].self)) }
    }

    var foundationObject: Any {
        switch self {
        case .number(let d): return NSNumber(value: d)
        case .bool(let b): return NSNumber(value: b)
        case .string(let s): return s
        case .list(let l): return l.map(\.foundationObject)
        }
    }
}
