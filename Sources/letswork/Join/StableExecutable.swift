import Foundation

/// The `letswork` path `join` registers with Claude Code, which runs it for every session of
/// the guest's agent: it must outlive this run. A build folder's binary does not (a clean or a
/// rebuild elsewhere removes it), so from one the installed `letswork` on PATH is taken instead,
/// or, when there is none, the build folder's with a warning naming `scripts/install`.
struct StableExecutable {
    /// The path to register.
    let path: String
    /// Why this path is not a stable one, or nil when it is.
    let warning: String?
    /// What to say about the choice, e.g. which installed binary stands in for the running one.
    let note: String?

    static func resolve(running: String = currentExecutable, searchPath: (String) -> String? = ExternalTool.find) -> StableExecutable {
        let onPath = searchPath("letswork")
        // The PATH name is kept rather than its target, which a package manager may version.
        if let onPath, resolved(onPath) == resolved(running) { return StableExecutable(path: onPath, warning: nil, note: nil) }
        guard isInBuildFolder(running) else { return StableExecutable(path: running, warning: nil, note: nil) }
        if let onPath, !isInBuildFolder(resolved(onPath)) {
            return StableExecutable(path: onPath, warning: nil,
                                    note: "Registered the installed \(onPath), not this build's \(running).")
        }
        return StableExecutable(path: running, warning: """
            letswork runs from a build folder (\(running)): the registration breaks when that folder \
            is cleaned or rebuilt elsewhere. Install letswork with scripts/install (from its clone), \
            then run this join again.
            """, note: nil)
    }

    /// SwiftPM's build folders: `.build/` and the `.build-*` scratch paths.
    static func isInBuildFolder(_ path: String) -> Bool {
        path.split(separator: "/").contains { $0 == ".build" || $0.hasPrefix(".build-") || $0.hasPrefix(".build_") }
    }

    static func resolved(_ path: String) -> String {
        URL(fileURLWithPath: path).resolvingSymlinksInPath().path
    }

    static var currentExecutable: String {
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return path }
        return Bundle.main.executablePath ?? URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
    }
}
