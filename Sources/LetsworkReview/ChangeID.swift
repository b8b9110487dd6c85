/// Makes short change ids: 8 lowercase hexadecimal digits from the system's CSPRNG.
enum ChangeIDGenerator {
    static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        let value = generator.next() as UInt32
        let hex = String(value, radix: 16)
        return String(repeating: "0", count: 8 - hex.count) + hex
    }

}

/// What a change id looks like: 8 lowercase hexadecimal digits (`3f9c2a1b`).
public enum ChangeID {
    /// Whether `text` is shaped like a change id, so user input is checked before any lookup.
    public static func isWellFormed(_ text: String) -> Bool {
        text.utf8.count == 8 && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }
}
