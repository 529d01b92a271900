import Foundation

/// What a finished process returned.
public struct RunResult: Sendable, CustomStringConvertible {
    /// Exit status.
    public let status: Int32
    /// Standard output.
    public let stdout: String
    /// Standard error.
    public let stderr: String
    /// For assertion messages.
    public var description: String { "status \(status)\n--- stdout\n\(stdout)--- stderr\n\(stderr)" }
}

/// Runs programs for end-to-end tests. Output goes through files, not pipes, so a chatty child
/// can never block on a full pipe.
public enum CommandRunner {
    /// Runs `executable` with `arguments` in `cwd` with exactly `environment`.
    public static func run(_ executable: String, _ arguments: [String], cwd: String,
                           environment: [String: String], stdin: String? = nil) throws -> RunResult {
        let scratch = try TemporaryDirectory("run")
        let outURL = scratch.url("stdout"), errURL = scratch.url("stderr"), inURL = scratch.url("stdin")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: inURL.path, contents: Data((stdin ?? "").utf8))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: cwd)
        process.environment = environment
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        let input = try FileHandle(forReadingFrom: inURL)
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        process.waitUntilExit()
        try out.close(); try err.close(); try input.close()
        return RunResult(status: process.terminationStatus,
                         stdout: (try? String(contentsOf: outURL, encoding: .utf8)) ?? "",
                         stderr: (try? String(contentsOf: errURL, encoding: .utf8)) ?? "")
    }

    /// The package root, found from this file's location.
    public static let packageRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// The debug `secrets` binary that `swift build` produced.
    public static var secretsBinary: String {
        if let override = ProcessInfo.processInfo.environment["SECRETS_TEST_BINARY"] { return override }
        return packageRoot + "/.build/debug/secrets"
    }

    /// Looks a program up on PATH.
    public static func which(_ name: String) -> String? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}
