import Testing
import ReferenceCore
import ReferenceTestSupport

@Suite("Choice attributes")
struct AttributeChoiceTests {
    /// A choice attribute's declared type and default come from its enum.
    @Test func choiceSpecComesFromTheEnum() {
        let spec = AttributeSpec("mode", PadMode.self, default: .reflect, "help")
        #expect(spec.type == .choice(["constant", "reflect", "replicate", "circular"]))
        #expect(spec.defaultValue == .string("reflect"))
        #expect(AttributeSpec("norm", FourierNorm.self, default: nil).defaultValue == nil)
        #expect(PadMode.attributeType.description == "constant|reflect|replicate|circular")
        #expect(GramNormalization.none.attributeValue == .string("none"))
    }

    /// The accessor names the op, the attribute, the value and the choices.
    @Test func badChoiceIsOneUsageLine() throws {
        let attributes = Attributes(["mode": .string("bogus"), "size": .int(3)], op: "pad")
        do {
            _ = try attributes.choice(PadMode.self, "mode")
            Issue.record("expected an error")
        } catch let error as RefvisError {
            #expect(error.kind == .usage)
            #expect(error.message == "pad: unknown mode 'bogus' (valid: constant, reflect, replicate, circular)")
        }
        expectError(["pad", "'mode'", "a string", "3"]) {
            _ = try Attributes(["mode": .int(3)], op: "pad").choice(PadMode.self, "mode")
        }
        expectError(["pad", "missing attribute 'mode'"]) { _ = try Attributes([:], op: "pad").choice(PadMode.self, "mode") }
        #expect(try Attributes(["mode": .string("circular")], op: "pad").choice(PadMode.self, "mode") == .circular)
    }

    /// Every choice attribute of every registered op is read through
    /// `Attributes.choice`: a value that bypasses `resolve` (which checks the
    /// choices first) still fails forward and backward with the one message.
    @Test func everyOpReadsItsChoicesThroughTheOneAccessor() throws {
        var rng = RandomGenerator(seed: 7)
        var checked = 0
        for op in OpRegistry.all {
            for spec in op.attributes {
                guard case .choice(let choices) = spec.type else { continue }
                let sample = op.samples(&rng)[0]
                var attributes = try op.resolve(sample.attributes)
                let outputs = try op.forward(sample.inputs, attributes)
                attributes[spec.name] = .string("bogus")
                let fragments = ["\(op.name): unknown \(spec.name) 'bogus'", "valid: " + choices.joined(separator: ", ")]
                expectError(fragments) { _ = try op.forward(sample.inputs, attributes) }
                expectError(fragments) { _ = try op.vjp(sample.inputs, outputs, outputs, attributes) }
                checked += 1
            }
        }
        // pad, grid_sample ×2, interpolate, fft2, ifft2, rfft2, irfft2,
        // fourier_image, total_variation ×2, gram_matrix.
        #expect(checked == 12)
    }
}
