extension OpRegistry {
    /// The ops of this family, in the order `refvis ops` lists them.
    static let reductionOps: [OpDefinition] = [sumMeanOps, softmaxOps, cosineSimilarityOps].flatMap { $0 }
}
