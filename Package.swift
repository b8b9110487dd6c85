// swift-tools-version:6.0
// letswork: two developers, their own AI agents, one codebase.
// The folder tree is the architecture: each target below is one layer, and its
// dependencies show which layer may know about which.
import PackageDescription

/// The commit scripts/install builds from; only hexadecimal digits and "-dirty" are let through,
/// since the value becomes a C string literal.
let buildCommit = Context.environment["LETSWORK_COMMIT"].flatMap { commit in
    commit.allSatisfy { $0.isHexDigit || "-dirty".contains($0) } && !commit.isEmpty ? commit : nil
}

let package = Package(
    name: "letswork",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "letswork", targets: ["letswork"]),
        // The guest's stdio proxy under the original letswork's command name.
        .executable(name: "letswork-proxy", targets: ["letswork-proxy"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
        // --- server layer (LetsworkServer) ---
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.0.0"),
        .package(url: "https://github.com/modelcontextprotocol/swift-sdk.git", from: "0.12.0"),
        // Already in the graph through Hummingbird; declared because LetsworkServer imports them
        // directly (`Service` for graceful shutdown, `HTTPField.Name` for MCP headers).
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.0.0"),
        // --- review page (LetsworkReviewPage) ---
        // Server-rendered HTML with escaping on by default: `{{x}}` escapes, so nothing a guest
        // controls (file names, messages, diff lines) can become markup.
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
    ],
    targets: [
        // C libraries, reached through pkg-config.
        .systemLibrary(
            name: "CGit2",
            pkgConfig: "libgit2",
            providers: [.apt(["libgit2-dev"]), .brew(["libgit2"])]
        ),
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"]), .brew(["curl"])]
        ),

        // MCP as letswork speaks it, both eras: JSON, JSON-RPC, the tool and result types, and the
        // one dispatcher every request goes through. No dependencies: the server and the proxy use it.
        .target(name: "LetsworkProtocol"),

        // The commit `letswork --version` names: scripts/install builds with LETSWORK_COMMIT set
        // (from `git rev-parse`), which becomes a C macro of this one file, so only it recompiles;
        // a plain `swift build` says "unknown". Nothing generated is committed, nothing runs at run time.
        .target(
            name: "CBuildInfo",
            cSettings: buildCommit.map { [.define("LETSWORK_COMMIT", to: "\"\($0)\"")] } ?? []
        ),

        // The C library's allocator controls (mallopt, malloc_trim), no-ops where there are none.
        .systemLibrary(name: "CSystemTuning"),

        // A small, safe Swift layer over libgit2: one owner per handle, one error type.
        .target(name: "GitKit", dependencies: ["CGit2"]),

        // The review engine: proposals become commits on refs/letswork/*. No HTTP here.
        .target(
            name: "LetsworkReview",
            dependencies: ["GitKit", .product(name: "Logging", package: "swift-log")]
        ),

        // The 14 MCP tools, over the engine. Knows nothing of HTTP or Hummingbird.
        .target(
            name: "LetsworkTools",
            dependencies: [
                "LetsworkReview",
                "LetsworkProtocol",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // The HTTP face of a session: Hummingbird + MCP Streamable HTTP, bearer tokens, roles.
        // Knows nothing of git: tools come in through a factory the CLI wires up.
        .target(
            name: "LetsworkServer",
            dependencies: [
                "LetsworkProtocol",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]
        ),

        // The review page in the browser: queue, changes, revisions, history, approve/reject.
        // Beside the server, over the engine's API (one adapter file), its own cookie auth.
        .target(
            name: "LetsworkReviewPage",
            dependencies: [
                "LetsworkReview",
                "GitKit",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]
        ),

        // The guest's stdio proxy: MCP over stdio to the agent, Streamable HTTP to the host, over
        // libcurl. Knows nothing of the server, the tools or git; reads messages with LetsworkProtocol.
        .target(
            name: "LetsworkProxy",
            dependencies: ["CCurl", "LetsworkProtocol", .product(name: "Logging", package: "swift-log")]
        ),
        .executableTarget(
            name: "letswork-proxy",
            dependencies: [
                "LetsworkProxy",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // The command-line tool.
        .executableTarget(
            name: "letswork",
            dependencies: [
                "CBuildInfo",
                "LetsworkProtocol",
                "LetsworkReview",
                "LetsworkTools",
                "LetsworkServer",
                "LetsworkProxy",
                "GitKit",
                "CSystemTuning",
                "LetsworkReviewPage",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // Benchmarks (run through scripts/bench, in release mode).
        .executableTarget(
            name: "letswork-bench",
            dependencies: ["LetsworkReview", "GitKit", .product(name: "Logging", package: "swift-log")]
        ),

        // Real repositories in temporary folders, made and checked with the git CLI.
        .target(name: "LetsworkTestSupport", dependencies: ["LetsworkReview"], path: "Tests/TestSupport"),
        .testTarget(name: "GitKitTests", dependencies: ["GitKit", "LetsworkTestSupport"]),
        .testTarget(name: "LetsworkProtocolTests", dependencies: ["LetsworkProtocol", "LetsworkTestSupport"]),
        .testTarget(name: "LetsworkReviewTests", dependencies: ["LetsworkReview", "GitKit", "LetsworkTestSupport"]),
        .testTarget(name: "LetsworkCLITests", dependencies: ["letswork", "LetsworkTestSupport"]),
        .testTarget(
            name: "LetsworkToolsTests",
            dependencies: ["LetsworkTools", "LetsworkReview", "LetsworkProtocol", "LetsworkTestSupport"]
        ),
        .testTarget(
            name: "LetsworkStartTests",
            dependencies: ["letswork", "LetsworkTestSupport", .product(name: "MCP", package: "swift-sdk")]
        ),
        // Crashes (kill -9), load, hostile input and the guest rate limit, against a real
        // `letswork start` subprocess and a live in-process server, loopback only.
        .testTarget(
            name: "LetsworkHardeningTests",
            dependencies: [
                "letswork",
                "LetsworkProtocol",
                "LetsworkServer",
                "LetsworkTools",
                "LetsworkReview",
                "LetsworkTestSupport",
                .product(name: "MCP", package: "swift-sdk"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(
            name: "LetsworkProxyTests",
            dependencies: ["LetsworkProxy", "letswork", "LetsworkTestSupport"]
        ),
        // The review page: a real browser (headless Chromium through Selenium) and raw HTTP refusals,
        // against a real `letswork review` subprocess on a real repository.
        .testTarget(
            name: "LetsworkReviewPageTests",
            dependencies: ["LetsworkReviewPage", "LetsworkReview", "letswork", "LetsworkTestSupport"]
        ),
        .testTarget(
            name: "LetsworkServerTests",
            dependencies: [
                "LetsworkServer",
                "LetsworkProtocol",
                "LetsworkTestSupport",
                .product(name: "MCP", package: "swift-sdk"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)

// libFuzzer targets (scripts/fuzz), declared only when LETSWORK_FUZZ is set: they need
// `-sanitize=fuzzer -parse-as-library`, so normal builds and tests never see them.
if Context.environment["LETSWORK_FUZZ"] != nil {
    package.targets += [
        .executableTarget(name: "fuzz-sandbox", dependencies: ["LetsworkReview", "LetsworkTools"], path: "Fuzz/fuzz-sandbox"),
        .executableTarget(name: "fuzz-merge", dependencies: ["GitKit"], path: "Fuzz/fuzz-merge"),
        .executableTarget(name: "fuzz-sse", dependencies: ["LetsworkProxy"], path: "Fuzz/fuzz-sse"),
        .executableTarget(name: "fuzz-json", dependencies: ["LetsworkProtocol"], path: "Fuzz/fuzz-json"),
    ]
}
