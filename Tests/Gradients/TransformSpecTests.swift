import Foundation
import Testing
@testable import ReferenceCore
@testable import ReferenceIO
@testable import ReferenceVis
@testable import ReferenceTestSupport

// TransformSpec's text form: parse → text → parse, the JSON form, the
// refusals of bad lists and items, the catalog, and the standard lists.

/// At least one spec of every case, with and without optional parts.
private let everyCase: [TransformSpec] = [
    .jitter(2), .jitter(8), .lucidJitter(0), .lucidJitter(8), .reflectJitter(tau: 0), .reflectJitter(tau: 4),
    .roll(0), .roll(5), .pad(0), .pad(12), .pad(12, fill: .reflect), .pad(3, fill: .uniformConstant),
    .pad(2, fill: .constant(0.25)), .pad(2, fill: .constant(-1e-7)), .pad(1, fill: .constant(0)),
    .scale, .lucidScale, .rotate, .lucidRotate,
    .scaledRotation(), .scaledRotation(copies: 1), .scaledRotation(copies: 7), .upsample(), .upsample(size: 5),
]

/// Expects `body` to throw a one-line usage error that starts with "--transforms:",
/// mentions `fragment` and lists the valid names.
private func expectRefused(_ fragment: String, sourceLocation: SourceLocation = #_sourceLocation,
                           _ body: () throws -> Void) {
    do {
        try body()
        Issue.record("expected a usage error mentioning \(fragment)", sourceLocation: sourceLocation)
    } catch let error as RefvisError {
        #expect(error.kind == .usage, "\(error.message)", sourceLocation: sourceLocation)
        #expect(error.message.hasPrefix("--transforms: "), "\(error.message)", sourceLocation: sourceLocation)
        #expect(error.message.contains(fragment), "'\(error.message)' does not mention '\(fragment)'",
                sourceLocation: sourceLocation)
        #expect(error.message.contains("jitter:D") && error.message.contains("upsample[:SIZE]")
                && error.message.contains("standard, lucid, none"), "no list of valid names: \(error.message)",
                sourceLocation: sourceLocation)
        #expect(!error.message.contains("\n"), sourceLocation: sourceLocation)
    } catch {
        Issue.record("expected a RefvisError, got \(error)", sourceLocation: sourceLocation)
    }
}

@Suite("TransformSpec: text, JSON and refusals")
struct TransformSpecTextTests {
    @Test func everyCaseIsCovered() {
        #expect(Set(everyCase.map(\.name)) == Set(TransformSpec.catalog.map(\.name)))
        #expect(TransformSpec.catalog.count == 11)
    }

    @Test func canonicalTexts() {
        let texts = [
            (TransformSpec.jitter(8), "jitter:8"), (.lucidJitter(4), "lucid_jitter:4"), (.reflectJitter(tau: 3), "reflect_jitter:3"),
            (.roll(2), "roll:2"), (.pad(12), "pad:12"), (.pad(12, fill: .constant(0.5)), "pad:12"),
            (.pad(12, fill: .reflect), "pad:12:reflect"), (.pad(3, fill: .uniformConstant), "pad:3:uniform"),
            (.pad(2, fill: .constant(0.25)), "pad:2:0.25"), (.scale, "scale"), (.lucidScale, "lucid_scale"),
            (.rotate, "rotate"), (.lucidRotate, "lucid_rotate"), (.scaledRotation(), "scaled_rotation:4"),
            (.scaledRotation(copies: 2), "scaled_rotation:2"), (.upsample(), "upsample:224"), (.upsample(size: 64), "upsample:64"),
        ]
        for (spec, text) in texts {
            #expect(spec.description == text)
            #expect("\(spec)" == text)
        }
    }

    @Test func parseTextParseRoundTrip() throws {
        for spec in everyCase {
            let text = spec.description
            let parsed = try TransformSpec.parse(text)
            #expect(parsed == spec, "\(text)")
            #expect(parsed.description == text)
            #expect(try TransformSpec.parse(parsed.description) == parsed)
        }
        // Lists, through the list text form.
        #expect(try TransformSpec.parseList(TransformSpec.text(everyCase)) == everyCase)
        #expect(TransformSpec.text([]) == "none")
        #expect(try TransformSpec.parseList(TransformSpec.text([])) == [])
    }

    @Test func nonCanonicalSpellingsParseToTheSameSpec() throws {
        #expect(try TransformSpec.parse(" jitter : 8 ") == .jitter(8))
        #expect(try TransformSpec.parse("pad:12:0.5") == .pad(12))
        #expect(try TransformSpec.parse("scaled_rotation") == .scaledRotation(copies: 4))
        #expect(try TransformSpec.parse("upsample") == .upsample(size: 224))
        #expect(try TransformSpec.parse("pad:4:1e-3") == .pad(4, fill: .constant(0.001)))
        #expect(try TransformSpec.parseList("jitter:8, scale ,rotate") == [.jitter(8), .scale, .rotate])
    }

    @Test func codableIsTheTextForm() throws {
        let data = try JSONEncoder().encode(everyCase)
        let strings = try JSONDecoder().decode([String].self, from: data)
        #expect(strings == everyCase.map(\.description))
        #expect(try JSONDecoder().decode([TransformSpec].self, from: data) == everyCase)
        #expect(String(decoding: try JSONEncoder().encode([TransformSpec.jitter(8), .scale, .scaledRotation(), .upsample()]),
                       as: UTF8.self) == #"["jitter:8","scale","scaled_rotation:4","upsample:224"]"#)
        for spec in everyCase {
            #expect(try JSONDecoder().decode(TransformSpec.self, from: JSONEncoder().encode(spec)) == spec)
        }
        // A bad item in JSON is parse's message, at its place in the document.
        expectError(["recipe.json", "unknown transform 'spin'", "[1]"]) {
            _ = try decodeJSON([TransformSpec].self, from: Data(#"["scale", "spin:3"]"#.utf8), name: "recipe.json", what: "recipe")
        }
        expectError(["recipe.json", "'jitter:1'", "2…16777216"]) {
            _ = try decodeJSON([TransformSpec].self, from: Data(#"["jitter:1"]"#.utf8), name: "recipe.json", what: "recipe")
        }
        expectError(["recipe.json", "wrong type"]) {
            _ = try decodeJSON([TransformSpec].self, from: Data(#"[8]"#.utf8), name: "recipe.json", what: "recipe")
        }
    }

    @Test func presets() throws {
        #expect(try TransformSpec.parseList("standard") == TransformSpec.standard)
        #expect(try TransformSpec.parseList("lucid") == TransformSpec.lucid)
        #expect(try TransformSpec.parseList("none") == [])
        #expect(TransformSpec.text(TransformSpec.standard) == "pad:12,jitter:8,scale,rotate,jitter:4")
        #expect(TransformSpec.text(TransformSpec.lucid) == "pad:12,lucid_jitter:8,lucid_scale,lucid_rotate,lucid_jitter:4")
        #expect(try TransformSpec.parseList("standard,upsample:224") == TransformSpec.standard + [.upsample(size: 224)])
        #expect(try TransformSpec.parseList("scaled_rotation,lucid") == [.scaledRotation()] + TransformSpec.lucid)
    }

    @Test func badListsAreRefusedNamingTheItem() {
        expectRefused("empty") { _ = try TransformSpec.parseList("") }
        expectRefused("empty") { _ = try TransformSpec.parseList("  ") }
        expectRefused("item 2 of 'jitter:8,' is empty") { _ = try TransformSpec.parseList("jitter:8,") }
        expectRefused("item 1 of ',scale' is empty") { _ = try TransformSpec.parseList(",scale") }
        expectRefused("item 2 of 'jitter:8,,scale' is empty") { _ = try TransformSpec.parseList("jitter:8,,scale") }
        expectRefused("item 2 of 'jitter:8, ,scale' is empty") { _ = try TransformSpec.parseList("jitter:8, ,scale") }
        expectRefused("item 1 of ',' is empty") { _ = try TransformSpec.parseList(",") }
        expectRefused("'none' cannot be part of the list 'none,scale'") { _ = try TransformSpec.parseList("none,scale") }
        expectRefused("unknown transform 'spin' in 'spin:3'") { _ = try TransformSpec.parseList("scale,spin:3") }
        expectRefused("'jitter:1'") { _ = try TransformSpec.parseList("standard,jitter:1") }
    }

    @Test func badItemsAreRefusedNamingTheItem() {
        let cases: [(item: String, fragment: String)] = [
            ("", "an empty transform"),
            ("jitter", "'jitter' needs an argument, as jitter:D"),
            ("jitter:", "'jitter:': D must be a whole number in 2…16777216, as jitter:D, got nothing"),
            ("jitter:x", "'jitter:x': D must be a whole number in 2…16777216"),
            ("jitter:8.5", "'jitter:8.5': D must be a whole number"),
            ("jitter:1", "'jitter:1': D must be a whole number in 2…16777216"),
            ("jitter:8:1", "'jitter:8:1' has too many arguments"),
            ("lucid_jitter:-1", "'lucid_jitter:-1': D must be a whole number in 0…16777216"),
            ("reflect_jitter", "'reflect_jitter' needs an argument, as reflect_jitter:TAU"),
            ("reflect_jitter:16777217", "'reflect_jitter:16777217': TAU must be a whole number in 0…16777216"),
            ("reflect_jitter:99999999999999999999", "'reflect_jitter:99999999999999999999'"),
            ("roll:-2", "'roll:-2': D must be a whole number in 0…16777216"),
            ("pad", "'pad' needs an argument, as pad:W[:FILL]"),
            ("pad:-1", "'pad:-1': W must be a whole number in 0…16777216"),
            ("pad:12:", "'pad:12:': FILL must be a finite number, reflect or uniform"),
            ("pad:12:nan", "'pad:12:nan': FILL must be a finite number"),
            ("pad:12:inf", "'pad:12:inf': FILL must be a finite number"),
            ("pad:12:mirror", "'pad:12:mirror'"),
            ("pad:12:0.5:1", "'pad:12:0.5:1' has too many arguments"),
            ("scale:2", "'scale:2': scale takes no argument"),
            ("lucid_rotate:5", "'lucid_rotate:5': lucid_rotate takes no argument"),
            ("scaled_rotation:0", "'scaled_rotation:0': COPIES must be a whole number in 1…16777216"),
            ("scaled_rotation:", "'scaled_rotation:': COPIES must be a whole number"),
            ("scaled_rotation:4:4", "'scaled_rotation:4:4' has too many arguments"),
            ("upsample:0", "'upsample:0': SIZE must be a whole number in 1…16777216"),
            ("upsample:two", "'upsample:two': SIZE must be a whole number"),
            ("Jitter:8", "unknown transform 'Jitter'"),
            ("standard", "'standard' is a whole list, not one transform"),
        ]
        for (item, fragment) in cases {
            expectRefused(fragment) { _ = try TransformSpec.parse(item) }
            if !item.isEmpty && item != "standard" {
                expectRefused(fragment) { _ = try TransformSpec.parseList("scale,\(item)") }
            }
        }
    }

    @Test func theOptionNameStartsTheMessage() {
        expectError("--param-transforms: 'jitter:1'") { _ = try TransformSpec.parse("jitter:1", option: "--param-transforms") }
        expectError("--param-transforms: item 2") { _ = try TransformSpec.parseList("jitter:8,", option: "--param-transforms") }
    }

    @Test func makeRefusesOutOfRangeSpecsBuiltInCode() {
        expectError(["transform jitter:1", "D must be a whole number in 2…16777216"]) { _ = try TransformSpec.jitter(1).make() }
        expectError(["transform scaled_rotation:0", "COPIES"]) { _ = try TransformSpec.scaledRotation(copies: 0).make() }
        expectError(["transform pad:1:nan", "finite"]) { _ = try TransformSpec.pad(1, fill: .constant(.nan)).make() }
        expectError(["transform upsample:-3"]) { _ = try TransformSpec.pipeline([.scale, .upsample(size: -3)]) }
    }

    @Test func catalogLinesAreOneLineAndNameTheirSource() throws {
        let sources = ["Lucid", "Lucent", "seed 000", "seed 004"]
        for entry in TransformSpec.catalog {
            #expect(!entry.summary.contains("\n"))
            #expect(sources.contains { entry.summary.contains($0) }, "\(entry.name)")
            #expect(TransformSpec.usageList.contains(entry.name + (entry.argument ?? "")))
            // Each name parses: bare when its argument is optional or absent, with a value otherwise.
            let required = entry.argument.map { !$0.hasPrefix("[") } ?? false
            let spec = try TransformSpec.parse(required ? "\(entry.name):3" : entry.name)
            #expect(spec.name == entry.name)
        }
        #expect(TransformSpec.catalog.map(\.name) == ["jitter", "lucid_jitter", "reflect_jitter", "roll", "pad", "scale",
                                                       "lucid_scale", "rotate", "lucid_rotate", "scaled_rotation", "upsample"])
        #expect(TransformSpec.catalog.first { $0.name == "roll" }?.summary.contains("seed 004") == true)
        #expect(TransformSpec.catalog.first { $0.name == "reflect_jitter" }?.summary.contains("seed 000") == true)
        #expect(TransformSpec.catalog.first { $0.name == "scaled_rotation" }?.summary.contains("seed 000") == true)
    }
}
