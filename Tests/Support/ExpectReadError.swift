import Testing
import ReferenceCore

/// Expects `read` to refuse its input with a one-line `RefvisError` whose
/// message starts with "`file`: " (a reader names the file it refuses), and
/// returns that error; records an issue and returns nil when `read` succeeds
/// or throws anything else.
@discardableResult
public func expectReadError<T>(naming file: String, sourceLocation: SourceLocation = #_sourceLocation,
                               _ read: () throws -> T) -> RefvisError? {
    do {
        _ = try read()
        Issue.record("expected a RefvisError", sourceLocation: sourceLocation)
    } catch let error as RefvisError {
        #expect(error.message.hasPrefix(file + ": "), "message must name the file: \(error.message)",
                sourceLocation: sourceLocation)
        #expect(!error.message.contains("\n"), "message must be one line: \(error.message)",
                sourceLocation: sourceLocation)
        return error
    } catch {
        Issue.record("expected a RefvisError, got \(error)", sourceLocation: sourceLocation)
    }
    return nil
}
