import Foundation

/// The independent Python clients (the official MCP SDK, Selenium) that `scripts/test` installs
/// into the test venv, and the scripts in Tests/Python that drive them.
public enum TestPython {
    public struct Missing: Error, CustomStringConvertible {
        public var description: String {
            "LETSWORK_TEST_PYTHON is not set: run the tests with scripts/test, which makes the test venv "
                + "(.build-test-venv, Tests/Python/requirements.txt) and points this variable at its python."
        }
    }

    /// The venv's interpreter; throws when the tests were not started by scripts/test.
    public static func interpreter() throws -> String {
        guard let path = ProcessInfo.processInfo.environment["LETSWORK_TEST_PYTHON"], FileManager.default.isExecutableFile(atPath: path) else {
            throw Missing()
        }
        return path
    }

    /// The path of `Tests/Python/<name>`.
    public static func script(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Python").appendingPathComponent(name).path
    }
}
