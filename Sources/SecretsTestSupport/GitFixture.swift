import Foundation

/// A real git repository in a temporary folder, with its own HOME and SECRETS_HOME, and helpers
/// to run the built `secrets` binary, `git` and other programs in it.
public final class GitFixture: @unchecked Sendable {
    /// Holds repo/, home/ and anything else the test makes.
    public let scratch: TemporaryDirectory
    /// The work tree.
    public let root: String
    /// Environment for every child: no inherited GIT_* variables, a private HOME.
    public var environment: [String: String]

    /// Creates `repo/` with `git init` and a committer identity.
    public init(secretsHome: String? = nil) throws {
        scratch = try TemporaryDirectory("secrets-e2e")
        root = scratch.path + "/repo"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: scratch.path + "/home", withIntermediateDirectories: true)
        // No inherited git, AWS or secrets settings: each test states its own.
        var env = ProcessInfo.processInfo.environment.filter {
            !$0.key.hasPrefix("GIT_") && !$0.key.hasPrefix("AWS_") && !$0.key.hasPrefix("SECRETS_")
        }
        env["AWS_EC2_METADATA_DISABLED"] = "true"
        env["HOME"] = scratch.path + "/home"
        env["XDG_CONFIG_HOME"] = scratch.path + "/home/.config"
        env["SECRETS_HOME"] = secretsHome ?? scratch.path + "/secrets-home"
        env["GIT_CONFIG_NOSYSTEM"] = "1"
        env["LC_ALL"] = "C.UTF-8"
        environment = env
        try check(git("init", "-q", "-b", "main"))
        try check(git("config", "user.email", "test@example.invalid"))
        try check(git("config", "user.name", "Test"))
    }

    /// Runs the built `secrets` binary in the work tree (or `cwd`).
    @discardableResult
    public func secrets(_ args: String..., cwd: String? = nil) throws -> RunResult {
        try secrets(args, cwd: cwd)
    }

    /// Array form of `secrets(_:cwd:)`.
    @discardableResult
    public func secrets(_ args: [String], cwd: String? = nil) throws -> RunResult {
        try CommandRunner.run(CommandRunner.secretsBinary, args, cwd: cwd ?? root, environment: environment)
    }

    /// Runs `git` in the work tree (or `cwd`).
    @discardableResult
    public func git(_ args: String..., cwd: String? = nil) throws -> RunResult {
        try CommandRunner.run(CommandRunner.which("git") ?? "/usr/bin/git", args, cwd: cwd ?? root, environment: environment)
    }

    /// Runs a shell command in the work tree.
    @discardableResult
    public func sh(_ script: String, cwd: String? = nil) throws -> RunResult {
        try CommandRunner.run("/bin/sh", ["-c", script], cwd: cwd ?? root, environment: environment)
    }

    /// Writes a file relative to the work tree.
    public func write(_ relative: String, _ contents: String) throws {
        try write(relative, Array(contents.utf8))
    }

    /// Writes bytes relative to the work tree.
    public func write(_ relative: String, _ bytes: [UInt8]) throws {
        let url = URL(fileURLWithPath: root).appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: url)
    }

    /// Reads bytes relative to the work tree.
    public func bytes(_ relative: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: root).appendingPathComponent(relative)))
    }

    /// Reads text relative to the work tree.
    public func read(_ relative: String) throws -> String { String(decoding: try bytes(relative), as: UTF8.self) }

    /// True when the path exists (links not followed).
    public func exists(_ relative: String) -> Bool {
        (try? FileManager.default.attributesOfItem(atPath: root + "/" + relative)) != nil
    }

    /// Permission bits.
    public func mode(_ relative: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: root + "/" + relative)[.posixPermissions] as? Int) ?? -1
    }

    /// `init --kms-id local:test` and a check that it worked.
    public func initialise(_ name: String = "test") throws {
        try check(secrets("init", "--kms-id", "local:\(name)"))
    }

    /// Throws with the full output unless the run exited 0.
    @discardableResult
    public func check(_ result: RunResult, file: StaticString = #filePath, line: UInt = #line) throws -> RunResult {
        guard result.status == 0 else { throw FixtureError.failed("\(result)") }
        return result
    }
}

/// A helper step failed.
public enum FixtureError: Error { case failed(String) }
