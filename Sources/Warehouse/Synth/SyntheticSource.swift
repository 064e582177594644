import Foundation
import OncoCore

/// Hands out chunks in order, generating `parallelism` of them at a time.
final class SyntheticSource: WarehouseBatchSource {
    let generator: SyntheticCohortGenerator
    let parallelism: Int
    var nextChunk = 0
    var ready: [WarehouseBatch] = []
    var offsets = SyntheticCohortGenerator.LocalIDs()

    init(generator: SyntheticCohortGenerator, parallelism: Int) {
        self.generator = generator
        self.parallelism = parallelism
    }

    func nextBatch() throws -> WarehouseBatch? {
        if ready.isEmpty {
            let n = min(parallelism * 2, generator.chunkCount - nextChunk)
            guard n > 0 else { return nil }
            let first = nextChunk
            let results = UncheckedBox([WarehouseBatch?](repeating: nil, count: n))
            let lock = NSLock()
            let g = generator
            DispatchQueue.concurrentPerform(iterations: n) { j in
                let batch = g.chunk(first + j)
                lock.lock(); results.value[j] = batch; lock.unlock()
            }
            ready = results.value.map { $0! }.reversed()
            nextChunk += n
        }
        var b = ready.removeLast()
        renumber(&b)
        return b
    }

    /// Chunk-local ids → dataset-local ids.
    func renumber(_ b: inout WarehouseBatch) {
        let o = offsets
        for i in b.persons.indices { b.persons[i].id += o.person }
        for i in b.observationPeriods.indices { b.observationPeriods[i].id += o.op; b.observationPeriods[i].person += o.person }
        for i in b.conditions.indices { b.conditions[i].id += o.condition; b.conditions[i].person += o.person }
        for i in b.deaths.indices { b.deaths[i].person += o.person }
        for i in b.specimens.indices { b.specimens[i].id += o.specimen; b.specimens[i].person += o.person }
        for i in b.measurements.indices {
            b.measurements[i].id += o.measurement; b.measurements[i].person += o.person
            if let s = b.measurements[i].specimen { b.measurements[i].specimen = s + o.specimen }
        }
        for i in b.attributes.indices {
            b.attributes[i].person += o.person
            if let s = b.attributes[i].specimen { b.attributes[i].specimen = s + o.specimen }
        }
        for i in b.variants.indices { b.variants[i].person += o.person; b.variants[i].specimen += o.specimen }
        for i in b.episodes.indices { b.episodes[i].id += o.episode; b.episodes[i].person += o.person }
        for i in b.drugExposures.indices { b.drugExposures[i].id += o.drug; b.drugExposures[i].person += o.person }
        for i in b.episodeEvents.indices { b.episodeEvents[i].episode += o.episode; b.episodeEvents[i].drugExposure += o.drug }
        offsets.person += Int64(b.persons.count)
        offsets.op += Int64(b.observationPeriods.count)
        offsets.condition += Int64(b.conditions.count)
        offsets.specimen += Int64(b.specimens.count)
        offsets.measurement += Int64(b.measurements.count)
        offsets.episode += Int64(b.episodes.count)
        offsets.drug += Int64(b.drugExposures.count)
    }
}

/// SplitMix64 with the few distributions the generator needs.
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return Self.mix(state)
    }
    /// SplitMix64's output function (a bijective 64-bit mixer).
    static func mix(_ x: UInt64) -> UInt64 {
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    mutating func uniform() -> Double { Double(next() >> 11) * 0x1.0p-53 }
    /// Uniform in (0, 1].
    mutating func uniformOpen() -> Double { (Double(next() >> 11) + 1) * 0x1.0p-53 }
    mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.upperBound - range.lowerBound + 1))
    }
    /// Standard normal (Box–Muller).
    mutating func normal() -> Double {
        let u1 = uniformOpen(), u2 = uniform()
        return (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
    }
    mutating func categorical(_ weights: [Double]) -> Int {
        let total = weights.reduce(0, +)
        var u = uniform() * total
        for (i, w) in weights.enumerated() {
            if u < w { return i }
            u -= w
        }
        return weights.count - 1
    }
    /// Poisson (Knuth for small means, rounded normal approximation above 50).
    mutating func poisson(_ mean: Double) -> Int {
        if mean <= 0 { return 0 }
        if mean > 50 { return max(0, Int((mean + mean.squareRoot() * normal()).rounded())) }
        let l = exp(-mean)
        var k = 0
        var p = 1.0
        repeat { k += 1; p *= uniform() } while p > l
        return k - 1
    }
}
