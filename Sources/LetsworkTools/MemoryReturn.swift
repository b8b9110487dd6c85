/// When the memory a large scan freed goes back to the system. The composition root sets it
/// from its tuning (it alone knows the allocator); the tools only say when a scan ends and how
/// many files it went through.
public struct MemoryReturn: Sendable {
    /// Listings and `find_files` over at least this many files release afterwards; content
    /// searches always do (their threads free into arenas of their own).
    public var largeScan: Int
    /// Hands freed memory back to the system.
    public var release: @Sendable () -> Void

    public init(largeScan: Int, release: @escaping @Sendable () -> Void) {
        self.largeScan = largeScan
        self.release = release
    }

    /// Never releases: for short-lived processes and tests.
    public static let never = MemoryReturn(largeScan: .max, release: {})

    func afterScan(of files: Int) {
        if files >= largeScan { release() }
    }
}
