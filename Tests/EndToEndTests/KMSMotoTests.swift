import XCTest
import Foundation
import SecretsTestSupport

/// End to end against moto's KMS server (started by bin/test with signature checking on).
final class KMSMotoTests: XCTestCase {
    private func moto() throws -> MotoEnvironment {
        guard let m = MotoEnvironment.current else { throw XCTSkip("moto is not running (bin/test starts it)") }
        return m
    }

    /// A repo whose environment points at moto (through `endpoint`, default moto itself).
    private func fixture(_ m: MotoEnvironment, endpoint: String? = nil) throws -> GitFixture {
        let fx = try GitFixture()
        fx.environment["AWS_ACCESS_KEY_ID"] = m.accessKeyId
        fx.environment["AWS_SECRET_ACCESS_KEY"] = m.secretAccessKey
        fx.environment["AWS_REGION"] = "us-east-1"
        fx.environment["AWS_ENDPOINT_URL_KMS"] = endpoint ?? m.url
        return fx
    }

    private func repoId(_ fx: GitFixture) throws -> String {
        let config = try JSONSerialization.jsonObject(with: Data(try fx.bytes(".key/config.json"))) as? [String: Any]
        return try XCTUnwrap(config?["repoId"] as? String)
    }

    func testAliasInitSealUnsealStatusWithOneKMSCallEach() throws {
        let m = try moto()
        let counter = try LoopbackStub(rules: [], proxy: m.url)
        let fx = try fixture(m, endpoint: counter.url)
        let r = try fx.secrets("init", "--kms-id", "alias/secrets-test", "--context", "team=payments")
        XCTAssertEqual(r.status, 0, "\(r)")
        let config = try JSONSerialization.jsonObject(with: Data(try fx.bytes(".key/config.json"))) as? [String: Any]
        XCTAssertEqual(config?["provider"] as? String, "aws-kms")
        XCTAssertEqual(config?["keyId"] as? String, "alias/secrets-test")
        XCTAssertEqual(config?["keyArn"] as? String, m.keyArn, "the alias is resolved to the key ARN")
        XCTAssertEqual(config?["region"] as? String, "us-east-1")
        XCTAssertEqual((config?["encryptionContext"] as? [String: String])?["team"], "payments")
        XCTAssertEqual(try counter.kmsCalls().map { ($0["headers"] as? [String: String])?["x-amz-target"] }, ["TrentService.GenerateDataKey"])

        for i in 0..<25 { try fx.write(".decrypted/svc\(i)/app.env", "TOKEN=value-\(i)-\(UUID().uuidString)\n") }
        for (command, expected) in [("seal", 0), ("status", 0), ("unseal", 0)] {
            let before = try counter.kmsCalls().count
            if command == "unseal" { try FileManager.default.removeItem(atPath: fx.root + "/.decrypted") }
            let run = try fx.secrets(command)
            XCTAssertEqual(run.status, Int32(expected), "\(command): \(run)")
            let calls = try counter.kmsCalls()
            XCTAssertEqual(calls.count - before, 1, "\(command) must make exactly one KMS call for 25 files")
            XCTAssertEqual((calls.last?["headers"] as? [String: String])?["x-amz-target"], "TrentService.Decrypt")
            let body = try JSONSerialization.jsonObject(with: Data(((calls.last?["body"] as? String) ?? "").utf8)) as? [String: Any]
            XCTAssertEqual(body?["KeyId"] as? String, m.keyArn, "Decrypt pins the recorded key ARN")
            XCTAssertEqual((body?["EncryptionContext"] as? [String: String])?["team"], "payments")
        }
        XCTAssertEqual(try fx.read(".decrypted/svc3/app.env").hasPrefix("TOKEN=value-3-"), true)
    }

    func testWrongSecretFailsSignatureCheck() throws {
        let m = try moto()
        let fx = try fixture(m)
        fx.environment["AWS_SECRET_ACCESS_KEY"] = "not-" + m.secretAccessKey
        let r = try fx.secrets("init", "--kms-id", "alias/secrets-test")
        XCTAssertEqual(r.status, 5, "\(r)")
        XCTAssertTrue(r.stderr.contains("AWS rejected credentials from environment (SignatureDoesNotMatch)"), r.stderr)
        XCTAssertFalse(fx.exists(".key/config.json"), "nothing is written when KMS fails")
        XCTAssertFalse(r.stderr.contains(m.secretAccessKey))
    }

    func testContextMismatchAndWrongKeyAreRefused() throws {
        let m = try moto()
        let fx = try fixture(m)
        try fx.check(fx.secrets("init", "--kms-id", m.keyArn))
        try fx.write(".decrypted/a.env", "A=1\n")
        try fx.check(fx.secrets("seal"))
        let original = try fx.read(".key/config.json")

        // An extra context pair: KMS refuses the blob (moto enforces the context).
        try fx.write(".key/config.json", original.replacingOccurrences(of: "\"encryptionContext\" : {", with: "\"encryptionContext\" : {\n    \"extra\" : \"x\","))
        var r = try fx.secrets("unseal", "--force")
        XCTAssertEqual(r.status, 5, "\(r)")
        XCTAssertTrue(r.stderr.contains("encryption context"), r.stderr)

        // Another key ARN recorded: refused (moto says AccessDenied where KMS says IncorrectKey).
        try fx.write(".key/config.json", original.replacingOccurrences(of: m.keyArn, with: m.otherKeyArn))
        r = try fx.secrets("unseal", "--force")
        XCTAssertEqual(r.status, 5, "\(r)")
        XCTAssertTrue(r.stderr.contains(m.otherKeyArn), r.stderr)

        try fx.write(".key/config.json", original)
        try fx.check(fx.secrets("unseal", "--force"))
    }

    /// Break-glass: `aws kms decrypt` by hand gives the data key secrets uses; the Python reader
    /// opens a sealed file with it.
    func testBreakGlassWithTheAWSCLIAndThePythonReader() throws {
        let m = try moto()
        guard let aws = CommandRunner.which("aws") else { throw XCTSkip("aws CLI not installed") }
        let fx = try fixture(m)
        try fx.check(fx.secrets("init", "--kms-id", "alias/secrets-test"))
        try fx.write(".decrypted/config/db.json", #"{"password": "break-glass-works"}"#)
        try fx.check(fx.secrets("seal"))
        let keyFile = fx.scratch.path + "/data-key.b64"
        let decrypt = try CommandRunner.run(aws, ["kms", "decrypt", "--ciphertext-blob", "fileb://.key/ciphertext_blob",
                                                  "--encryption-context", "secrets:repo=\(try repoId(fx))",
                                                  "--endpoint-url", m.url, "--region", "us-east-1", "--query", "Plaintext", "--output", "text"],
                                            cwd: fx.root, environment: fx.environment)
        XCTAssertEqual(decrypt.status, 0, "\(decrypt)")
        try decrypt.stdout.write(toFile: keyFile, atomically: true, encoding: .utf8)
        let open = try CommandRunner.run(CommandRunner.which("python3") ?? "/usr/bin/python3",
                                         [CommandRunner.packageRoot + "/tools/open_sealed.py", "--repo", fx.root, "--data-key-file", keyFile,
                                          fx.root + "/.encrypted/config/db.json"], cwd: fx.root, environment: fx.environment)
        XCTAssertEqual(open.status, 0, "\(open)")
        XCTAssertEqual(open.stdout, #"{"password": "break-glass-works"}"#)
    }

    func testRecordedEndpointIsNotUsedSilently() throws {
        let m = try moto()
        let fx = try fixture(m)
        try fx.check(fx.secrets("init", "--kms-id", "alias/secrets-test"))
        fx.environment["AWS_ENDPOINT_URL_KMS"] = nil
        let r = try fx.secrets("status")
        XCTAssertEqual(r.status, 8, "\(r)")
        XCTAssertTrue(r.stderr.contains("names KMS endpoint \(m.url); secrets never sends signed requests to an endpoint a repository chooses"), r.stderr)
        XCTAssertEqual(try fx.secrets("status", "--endpoint-url", m.url).status, 0)
    }

    func testDebugLogRedactsCredentials() throws {
        let m = try moto()
        let fx = try fixture(m)
        fx.environment["AWS_SESSION_TOKEN"] = "session-token-must-not-appear"
        let r = try fx.secrets("init", "--kms-id", "alias/secrets-test", "--debug")
        // moto rejects the unknown session token or ignores it; either way the log is what matters.
        XCTAssertTrue(r.stderr.contains("secrets: debug: GenerateDataKey: POST"), r.stderr)
        XCTAssertTrue(r.stderr.contains("Authorization: <redacted>"), r.stderr)
        XCTAssertFalse(r.stderr.contains("session-token-must-not-appear"), r.stderr)
        XCTAssertFalse(r.stderr.contains(m.secretAccessKey), r.stderr)
        XCTAssertFalse(r.stderr.contains("Signature="), r.stderr)
    }

    func testNoRegionIsAClearError() throws {
        let m = try moto()
        let fx = try fixture(m)
        fx.environment["AWS_REGION"] = nil
        let r = try fx.secrets("init", "--kms-id", "alias/secrets-test")
        XCTAssertEqual(r.status, 8, "\(r)")
        XCTAssertTrue(r.stderr.contains("no AWS region for alias/secrets-test"), r.stderr)
        XCTAssertTrue(r.stderr.contains("--region"), r.stderr)
    }
}

extension KMSMotoTests {
    /// ReEncrypt moves the data key to another KMS key without touching sealed files.
    func testRewrapToAnotherKeyKeepsSealedFilesByteIdentical() throws {
        guard let m = MotoEnvironment.current else { throw XCTSkip("moto is not running (bin/test starts it)") }
        let fx = try GitFixture()
        fx.environment["AWS_ACCESS_KEY_ID"] = m.accessKeyId
        fx.environment["AWS_SECRET_ACCESS_KEY"] = m.secretAccessKey
        fx.environment["AWS_REGION"] = "us-east-1"
        fx.environment["AWS_ENDPOINT_URL_KMS"] = m.url
        try fx.check(fx.secrets("init", "--kms-id", "alias/secrets-test"))
        try fx.write(".decrypted/a.env", "A=rewrap-me\n")
        try fx.check(fx.secrets("seal"))
        let sealed = try fx.bytes(".encrypted/a.env")
        let blob = try fx.bytes(".key/ciphertext_blob")
        let r = try fx.secrets("rewrap", "--kms-id", "alias/secrets-other")
        XCTAssertEqual(r.status, 0, "\(r)")
        let config = try JSONSerialization.jsonObject(with: Data(try fx.bytes(".key/config.json"))) as? [String: Any]
        XCTAssertEqual(config?["keyArn"] as? String, m.otherKeyArn)
        XCTAssertNotEqual(try fx.bytes(".key/ciphertext_blob"), blob)
        XCTAssertEqual(try fx.bytes(".encrypted/a.env"), sealed)
        try FileManager.default.removeItem(atPath: fx.root + "/.decrypted")
        try fx.check(fx.secrets("unseal"))
        XCTAssertEqual(try fx.read(".decrypted/a.env"), "A=rewrap-me\n")

        let local = try GitFixture()
        try local.initialise()
        let refused = try local.secrets("rewrap", "--kms-id", "alias/secrets-other")
        XCTAssertEqual(refused.status, 64, "\(refused)")
    }
}
