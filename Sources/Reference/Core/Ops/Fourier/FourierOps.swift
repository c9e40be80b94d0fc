extension OpRegistry {
    /// The ops of this family, in the order `refvis ops` lists them.
    static let fourierOps: [OpDefinition] = [fft2Ops, rfft2Ops, irfft2Ops].flatMap { $0 }
}
