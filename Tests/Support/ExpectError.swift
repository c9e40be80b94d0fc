import Testing
import ReferenceCore

/// Expects `body` to throw a `RefvisError` whose message mentions every one of
/// `fragments` (the argument or file it names, and what is wrong).
public func expectError(_ fragments: [String], sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void) {
    do {
        try body()
        Issue.record("expected a RefvisError mentioning \(fragments)", sourceLocation: sourceLocation)
    } catch let error as RefvisError {
        for fragment in fragments where !error.message.contains(fragment) {
            Issue.record("'\(error.message)' does not mention '\(fragment)'", sourceLocation: sourceLocation)
        }
    } catch {
        Issue.record("expected a RefvisError, got \(error)", sourceLocation: sourceLocation)
    }
}

/// Expects `body` to throw a `RefvisError` whose message mentions `fragment`.
public func expectError(_ fragment: String, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void) {
    expectError([fragment], sourceLocation: sourceLocation, body)
}
