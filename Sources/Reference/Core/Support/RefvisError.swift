/// The one error type of refvis.
///
/// Every failure a user can cause — a wrong shape, an unknown op, a malformed
/// file — becomes a `RefvisError` whose `message` is a single line that names
/// the argument or file and what is wrong with it. The command-line tool prints
/// that line and exits with `exitCode`; nothing in refvis traps on bad input.
public struct RefvisError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// The user asked for something malformed (exit status 2 in the CLI).
        case usage
        /// The request was well formed but could not be carried out (exit status 1).
        case failure
    }

    public var kind: Kind
    public var message: String

    public init(_ message: String, kind: Kind = .failure) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }

    public static func usage(_ message: String) -> RefvisError {
        RefvisError(message, kind: .usage)
    }

    /// A shape mismatch, always reported with both shapes.
    public static func shapeMismatch(_ context: String, expected: [Int], got: [Int]) -> RefvisError {
        RefvisError("\(context): expected shape \(formatShape(expected)), got \(formatShape(got))")
    }
}

/// The one line a report shows for any error: a `RefvisError`'s message, or
/// the description of anything else.
package func oneLineMessage(_ error: Error) -> String {
    (error as? RefvisError)?.message ?? "\(error)"
}

/// Formats a shape the way NumPy prints one: `(2, 3)`, `(5,)`, `()`.
public func formatShape(_ shape: [Int]) -> String {
    if shape.count == 1 { return "(\(shape[0]),)" }
    return "(" + shape.map(String.init).joined(separator: ", ") + ")"
}

/// Runs `body`, prefixing any RefvisError's message with `context`.
package func wrap<T>(_ context: String, _ body: () throws -> T) throws -> T {
    do { return try body() } catch let error as RefvisError {
        throw RefvisError("\(context): \(error.message)", kind: error.kind)
    }
}
