import Foundation

/// A seeded random generator (SplitMix64), so a failing run can be replayed with its seed.
public struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// `LETSWORK_TEST_SEED` when set, else a fresh random seed.
    public static func seedFromEnvironment() -> UInt64 {
        ProcessInfo.processInfo.environment["LETSWORK_TEST_SEED"].flatMap { UInt64($0) } ?? UInt64.random(in: 1...UInt64.max / 2)
    }
}
