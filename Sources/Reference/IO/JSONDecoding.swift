import Foundation
import ReferenceCore

/// Decodes JSON `data` as `T`, turning any failure into one line:
/// "`name`: not a valid `what`: the reason and where it was found".
package func decodeJSON<T: Decodable>(_ type: T.Type, from data: Data, name: String, what: String) throws -> T {
    do {
        return try JSONDecoder().decode(type, from: data)
    } catch let error as DecodingError {
        throw RefvisError("\(name): not a valid \(what): \(describe(error))")
    } catch {
        throw RefvisError("\(name): not a valid \(what): \(error)")
    }
}

/// A one-line account of a decoding error: what was wrong, and where.
package func describe(_ error: DecodingError) -> String {
    func path(_ keys: [CodingKey]) -> String {
        keys.isEmpty ? "the top level" : keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
    }
    switch error {
    case .keyNotFound(let key, let context): return "missing key '\(key.stringValue)' at \(path(context.codingPath))"
    case .typeMismatch(_, let context): return "wrong type at \(path(context.codingPath)): \(context.debugDescription)"
    case .valueNotFound(_, let context): return "missing value at \(path(context.codingPath))"
    case .dataCorrupted(let context): return "\(context.debugDescription) at \(path(context.codingPath))"
    @unknown default: return "\(error)"
    }
}
