/// Makes short change ids: 8 lowercase hexadecimal digits from the system's CSPRNG.
enum ChangeIDGenerator {
    static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        let value = generator.next() as UInt32
        let hex = String(value, radix: 16)
        return String(repeating: "0", count: 8 - hex.count) + hex
    }

    /// Whether `text` looks like a change id (so user input can be checked before a lookup).
    static func isWellFormed(_ text: String) -> Bool {
        text.utf8.count == 8 && text.utf8.allSatisfy { ("0"..."9").contains(Character(UnicodeScalar($0))) || ("a"..."f").contains(Character(UnicodeScalar($0))) }
    }
}
