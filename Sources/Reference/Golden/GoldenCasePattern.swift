import ReferenceCore
import ReferenceIO
import ReferenceVis
/// The `--only PATTERN` of `refvis golden check|update`.
///
/// A pattern without `*` or `?` selects every case whose name contains it
/// (`conv2d` selects `conv2d-00-…` … `conv2d-13-…`). A pattern with them is a
/// shell-style glob matched against the whole name: `*` any run of characters,
/// `?` one character (`grid_sample-0?-*`). Either way it is tried on the bare
/// case name and on `ops/<name>` or `pipelines/<name>`, so `pipelines/*`
/// selects every pipeline case.
public struct GoldenCasePattern: Sendable {
    public let text: String

    public init(_ text: String) {
        self.text = text
    }

    public var isGlob: Bool { text.contains("*") || text.contains("?") }

    public func matches(_ kind: GoldenCaseKind, _ name: String) -> Bool {
        matches(name) || matches(kind.folder + "/" + name)
    }

    public func matches(_ candidate: String) -> Bool {
        guard isGlob else { return candidate.contains(text) }
        return GoldenCasePattern.glob(Array(text), Array(candidate))
    }

    /// Iterative wildcard matching with one backtracking point (the last `*`).
    private static func glob(_ pattern: [Character], _ text: [Character]) -> Bool {
        var p = 0, t = 0
        var starP: Int?, starT = 0
        while t < text.count {
            if p < pattern.count && (pattern[p] == "?" || pattern[p] == text[t]) {
                p += 1
                t += 1
            } else if p < pattern.count && pattern[p] == "*" {
                starP = p
                starT = t
                p += 1
            } else if let star = starP {
                p = star + 1
                starT += 1
                t = starT
            } else {
                return false
            }
        }
        while p < pattern.count && pattern[p] == "*" { p += 1 }
        return p == pattern.count
    }
}
