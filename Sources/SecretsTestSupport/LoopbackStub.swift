import Foundation

/// tools/testenv/aws_stub.py on a free loopback port: answers by rules, forwards the rest to
/// `proxy`, logs every request. Stopped when released.
public final class LoopbackStub: @unchecked Sendable {
    /// `http://127.0.0.1:PORT`.
    public let url: String
    private let process: Process
    private let logPath: String
    private let scratch: TemporaryDirectory

    /// Starts the stub with `rules` (see the script's docstring).
    public init(rules: [[String: Any]], proxy: String? = nil, tls: (cert: String, key: String)? = nil) throws {
        scratch = try TemporaryDirectory("stub")
        let rulesPath = scratch.path + "/rules.json"
        logPath = scratch.path + "/requests.jsonl"
        try JSONSerialization.data(withJSONObject: rules).write(to: URL(fileURLWithPath: rulesPath))
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        process = Process()
        process.executableURL = URL(fileURLWithPath: CommandRunner.which("python3") ?? "/usr/bin/python3")
        process.arguments = [CommandRunner.packageRoot + "/tools/testenv/aws_stub.py", "--rules", rulesPath, "--log", logPath]
            + (proxy.map { ["--proxy", $0] } ?? []) + (tls.map { ["--tls-cert", $0.cert, "--tls-key", $0.key] } ?? [])
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line = Data()
        while !line.contains(0x0A) {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        let text = String(decoding: line, as: UTF8.self)
        guard text.hasPrefix("PORT "), let port = Int(text.dropFirst(5).prefix { $0.isNumber }) else {
            process.terminate()
            throw FixtureError.failed("stub did not start: \(text)")
        }
        url = (tls == nil ? "http" : "https") + "://127.0.0.1:\(port)"
    }

    deinit {
        process.terminate()
        process.waitUntilExit()
    }

    /// Every request so far: method, path, headers (lower-case names), body.
    public func requests() throws -> [[String: Any]] {
        let text = try String(contentsOfFile: logPath, encoding: .utf8)
        return text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    /// Requests whose X-Amz-Target is `TrentService.<operation>`.
    public func kmsCalls(_ operation: String? = nil) throws -> [[String: Any]] {
        try requests().filter {
            guard let target = ($0["headers"] as? [String: String])?["x-amz-target"] else { return false }
            return operation.map { target == "TrentService.\($0)" } ?? target.hasPrefix("TrentService.")
        }
    }

    /// The access key id in a request's Authorization header.
    public static func accessKeyId(_ request: [String: Any]) -> String? {
        guard let auth = (request["headers"] as? [String: String])?["authorization"],
              let range = auth.range(of: "Credential=") else { return nil }
        return String(auth[range.upperBound...].prefix { $0 != "/" })
    }
}

/// Settings of the moto server bin/test started, or nil when the tests run without it.
public struct MotoEnvironment: Sendable {
    /// moto's URL.
    public let url: String
    /// The IAM user's access key id (signature checking is on).
    public let accessKeyId: String
    /// Its secret.
    public let secretAccessKey: String
    /// ARN of the key behind alias/secrets-test.
    public let keyArn: String
    /// ARN of the key behind alias/secrets-other.
    public let otherKeyArn: String

    /// Reads SECRETS_TEST_* variables.
    public static var current: MotoEnvironment? {
        let env = ProcessInfo.processInfo.environment
        guard let url = env["SECRETS_TEST_MOTO_URL"], let id = env["SECRETS_TEST_AWS_ACCESS_KEY_ID"],
              let secret = env["SECRETS_TEST_AWS_SECRET_ACCESS_KEY"], let arn = env["SECRETS_TEST_KEY_ARN"],
              let other = env["SECRETS_TEST_OTHER_KEY_ARN"] else { return nil }
        return MotoEnvironment(url: url, accessKeyId: id, secretAccessKey: secret, keyArn: arn, otherKeyArn: other)
    }
}
