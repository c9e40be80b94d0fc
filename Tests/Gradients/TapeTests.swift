import Testing
import ReferenceCore
import ReferenceIO
import ReferenceVis
import ReferenceLab
import ReferenceTestSupport

@Suite("Reverse-mode tape")
struct TapeTests {
    /// loss = Σ relu(x)·x + exp(x) has gradient (2x for x > 0, else 0) + exp(x).
    @Test func chainsVJPsOfSeveralOps() throws {
        let tape = Tape()
        let xValue = Tensor(shape: [4], scalars: [-1.5, -0.25, 0.5, 2])
        let x = tape.variable(xValue)
        let r = try tape.apply1("relu", [x])
        let p = try tape.apply1("mul", [r, x])
        let e = try tape.apply1("exp", [x])
        let s = try tape.apply1("add", [p, e])
        let loss = try tape.apply1("sum", [s])
        let gradient = try tape.gradients(of: loss, withRespectTo: [x])[0]
        let expected = xValue.scalars.map { ($0 > 0 ? 2 * $0 : 0) + Foundation.exp($0) }
        for (g, e) in zip(gradient.scalars, expected) { #expect(abs(g - e) <= 1e-12 * abs(e)) }
    }

    /// A value used twice gets the sum of both paths: d(x·x)/dx = 2x.
    @Test func accumulatesOverFanOut() throws {
        let tape = Tape()
        let x = tape.variable(Tensor(shape: [2], scalars: [3, -0.5]))
        let loss = try tape.apply1("sum", [try tape.apply1("mul", [x, x])])
        #expect(try tape.gradients(of: loss, withRespectTo: [x])[0].scalars == [6, -1])
    }

    /// detach stops the gradient: d(x·detach(x))/dx = detach(x) = x.
    @Test func detachStopsGradients() throws {
        let tape = Tape()
        let x = tape.variable(Tensor(shape: [2], scalars: [3, -0.5]))
        let loss = try tape.apply1("sum", [try tape.apply1("mul", [x, tape.detach(x)])])
        #expect(try tape.gradients(of: loss, withRespectTo: [x])[0].scalars == [3, -0.5])
    }

    @Test func unrelatedVariableGetsZeroGradient() throws {
        let tape = Tape()
        let x = tape.variable(Tensor(shape: [2], scalars: [1, 2]))
        let y = tape.variable(Tensor(shape: [3], scalars: [1, 2, 3]))
        let loss = try tape.apply1("sum", [x])
        #expect(try tape.gradients(of: loss, withRespectTo: [y])[0].scalars == [0, 0, 0])
    }

    @Test func nonScalarLossIsAnError() throws {
        let tape = Tape()
        let x = tape.variable(Tensor(shape: [2], scalars: [1, 2]))
        #expect(throws: RefvisError.self) { try tape.gradients(of: x, withRespectTo: [x]) }
    }
}

import Foundation
