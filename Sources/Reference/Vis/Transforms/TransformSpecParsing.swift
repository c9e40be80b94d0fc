import Foundation
import ReferenceCore
import ReferenceIO
// The one parser of transform texts: an item ("jitter:8") and a list
// ("standard", "lucid", "none" or a comma list). Every refusal is one usage
// line that starts with the option, names the bad item and lists the valid names.

extension TransformSpec {
    /// Parses one item: a catalog name with its arguments, `name[:ARG[:FILL]]`.
    /// Spaces around the item and around each part are ignored.
    ///
    /// Refuses, with a one-line usage error starting "`option`:" that names
    /// the item and lists the valid names: an empty item, an unknown name, a
    /// missing argument, an argument given to a transform that takes none, too
    /// many arguments, and an argument that is not a whole number in its range
    /// (or, for pad's FILL, not a finite number, `reflect` or `uniform`).
    public static func parse(_ item: String, option: String = "--transforms") throws -> TransformSpec {
        func refuse(_ problem: String) -> RefvisError {
            RefvisError.usage("\(option): \(problem); \(validChoices)")
        }
        let trimmed = item.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw refuse("an empty transform") }
        let parts = trimmed.split(separator: ":", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        let name = parts[0], arguments = Array(parts.dropFirst())
        guard let entry = catalog.first(where: { $0.name == name }) else {
            if ["standard", "lucid", "none"].contains(name) {
                throw refuse("'\(trimmed)' is a whole list, not one transform")
            }
            throw refuse("unknown transform '\(name)' in '\(trimmed)'")
        }
        let usage = name + (entry.argument ?? "")

        /// The whole number of `text`, in the range of `name`'s argument.
        func integer(_ text: String) throws -> Int {
            guard let (placeholder, range) = argumentRange(name) else { throw refuse("'\(trimmed)': \(name) takes no argument") }
            guard let n = Int(text), range.contains(n) else {
                let got = text.isEmpty ? "nothing" : "'\(text)'"
                throw refuse("'\(trimmed)': \(placeholder) must be a whole number in \(range.lowerBound)…\(range.upperBound), as \(usage), got \(got)")
            }
            return n
        }

        let spec: TransformSpec
        switch (name, arguments.count) {
        case ("scale", 0): spec = .scale
        case ("lucid_scale", 0): spec = .lucidScale
        case ("rotate", 0): spec = .rotate
        case ("lucid_rotate", 0): spec = .lucidRotate
        case ("scale", _), ("lucid_scale", _), ("rotate", _), ("lucid_rotate", _):
            throw refuse("'\(trimmed)': \(name) takes no argument")
        case ("scaled_rotation", 0): spec = .scaledRotation()
        case ("upsample", 0): spec = .upsample()
        case ("scaled_rotation", 1): spec = .scaledRotation(copies: try integer(arguments[0]))
        case ("upsample", 1): spec = .upsample(size: try integer(arguments[0]))
        case (_, 0):
            throw refuse("'\(trimmed)' needs an argument, as \(usage)")
        case ("jitter", 1): spec = .jitter(try integer(arguments[0]))
        case ("lucid_jitter", 1): spec = .lucidJitter(try integer(arguments[0]))
        case ("reflect_jitter", 1): spec = .reflectJitter(tau: try integer(arguments[0]))
        case ("roll", 1): spec = .roll(try integer(arguments[0]))
        case ("pad", 1): spec = .pad(try integer(arguments[0]))
        case ("pad", 2): spec = .pad(try integer(arguments[0]), fill: try padFill(arguments[1], item: trimmed, refuse))
        default:
            throw refuse("'\(trimmed)' has too many arguments, as \(usage)")
        }
        if let problem = spec.argumentProblem() { throw refuse("'\(trimmed)': \(problem)") }
        return spec
    }

    /// pad's FILL: `reflect`, `uniform` or a finite number.
    private static func padFill(_ text: String, item: String, _ refuse: (String) -> RefvisError) throws -> PadFill {
        switch text {
        case "reflect": return .reflect
        case "uniform": return .uniformConstant
        default:
            guard let value = Double(text), value.isFinite else {
                let got = text.isEmpty ? "nothing" : "'\(text)'"
                throw refuse("'\(item)': FILL must be a finite number, reflect or uniform, as pad:12:0.5, got \(got)")
            }
            return .constant(value)
        }
    }

    /// Parses what `--transforms` takes: `standard` (Lucent's standard
    /// transforms, `TransformSpec.standard`), `lucid` (Lucid's), `none` (no
    /// transforms), or a comma list of items (see `parse`), in which
    /// `standard` and `lucid` may also stand for their five transforms
    /// (`standard,upsample:224`).
    ///
    /// Refuses, with one usage line naming the bad item: the empty text, an
    /// empty item (`jitter:8,`, `,scale`, `jitter:8,,scale`), `none` inside a
    /// list, and every item `parse` refuses.
    public static func parseList(_ text: String, option: String = "--transforms") throws -> [TransformSpec] {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else {
            throw RefvisError.usage("\(option): the list of transforms is empty (use none for no transforms); \(validChoices)")
        }
        let items = trimmed.split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        var specs = [TransformSpec]()
        for (index, item) in items.enumerated() {
            switch item {
            case "":
                throw RefvisError.usage("\(option): item \(index + 1) of '\(trimmed)' is empty (a stray comma); \(validChoices)")
            case "standard": specs += standard
            case "lucid": specs += lucid
            case "none":
                guard items.count == 1 else {
                    throw RefvisError.usage("\(option): 'none' cannot be part of the list '\(trimmed)'; \(validChoices)")
                }
            default: specs.append(try parse(item, option: option))
            }
        }
        return specs
    }
}
