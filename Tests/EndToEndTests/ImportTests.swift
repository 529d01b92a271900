import XCTest
import Foundation
import SecretsTestSupport

/// `secrets import` on repositories built exactly as aws-kms-boilerplate built them: the old
/// data key wrapped by `aws kms encrypt` against moto, files written by `openssl enc -kfile`.
final class ImportTests: XCTestCase {
    private func boilerplateRepo(key: [UInt8], md: String, files: [String: [UInt8]], leakKeyFile: Bool = false) throws -> (GitFixture, MotoEnvironment) {
        guard let m = MotoEnvironment.current else { throw XCTSkip("moto is not running (bin/test starts it)") }
        guard let aws = CommandRunner.which("aws"), let openssl = CommandRunner.which("openssl") else { throw XCTSkip("aws or openssl CLI missing") }
        let fx = try GitFixture()
        fx.environment["AWS_ACCESS_KEY_ID"] = m.accessKeyId
        fx.environment["AWS_SECRET_ACCESS_KEY"] = m.secretAccessKey
        fx.environment["AWS_REGION"] = "us-east-1"
        fx.environment["AWS_ENDPOINT_URL_KMS"] = m.url
        let keyFile = fx.scratch.path + "/old-data-key"
        try Data(key).write(to: URL(fileURLWithPath: keyFile))
        let wrapped = try fx.check(CommandRunner.run(aws, ["kms", "encrypt", "--key-id", "alias/secrets-test", "--plaintext", "fileb://\(keyFile)",
                                                          "--endpoint-url", m.url, "--region", "us-east-1", "--query", "CiphertextBlob", "--output", "text"],
                                                    cwd: fx.root, environment: fx.environment))
        let blob = try XCTUnwrap(Data(base64Encoded: wrapped.stdout.trimmingCharacters(in: .whitespacesAndNewlines)))
        try fx.write(".key/ciphertext_blob_decoded", Array(blob))
        for (path, bytes) in files {
            let source = fx.scratch.path + "/src/" + path
            try FileManager.default.createDirectory(atPath: (source as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data(bytes).write(to: URL(fileURLWithPath: source))
            try FileManager.default.createDirectory(atPath: (fx.root + "/.encrypted/" + path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try fx.check(CommandRunner.run(openssl, ["enc", "-e", "-aes256", "-md", md, "-kfile", keyFile, "-in", source, "-out", ".encrypted/" + path],
                                           cwd: fx.root, environment: fx.environment))
        }
        try fx.write(".decrypted/.gitkeep", "")
        try fx.write(".gitignore", ".decrypted/*\n!.decrypted/.gitkeep\n.key/plaintext_key_decoded.txt\n")
        if leakKeyFile { try fx.write(".key/plaintext_key_decoded", key) }
        try fx.check(fx.git("add", "-A"))
        try fx.check(fx.git("commit", "-q", "-m", "made by aws-kms-boilerplate"))
        return (fx, m)
    }

    let files: [String: [UInt8]] = [
        "config/app.json": Array(#"{"password": "imported-secret-value-1"}"#.utf8),
        "unencrypted.txt": Array("not what the name says\n".utf8),
        "bin/cert.der": (0..<3000).map { UInt8(truncatingIfNeeded: $0 &* 131) },
    ]

    func testImportsARepoWhoseKeyHasALineBreak() throws {
        var key = (0..<32).map { UInt8(0x41 + $0) }
        key[9] = 0x0A
        let (fx, m) = try boilerplateRepo(key: key, md: "sha256", files: files, leakKeyFile: true)
        let r = try fx.secrets("import")
        XCTAssertEqual(r.status, 0, "\(r)")
        XCTAssertTrue(r.stdout.contains("line break or NUL at byte 9"), r.stdout)
        XCTAssertTrue(r.stdout.contains("opened 3 file(s)") && r.stdout.contains("SHA-256"), r.stdout)
        XCTAssertTrue(r.stderr.contains(".key/plaintext_key_decoded holds the OLD PLAINTEXT DATA KEY and is tracked by git"), r.stderr)
        XCTAssertTrue(r.stderr.contains("unencrypted.txt: the old bin/decrypt replaced"), r.stderr)
        for (path, bytes) in files {
            XCTAssertEqual(try fx.bytes(".decrypted/\(path)"), bytes, path)
            XCTAssertEqual(Array(try fx.bytes(".encrypted/\(path)").prefix(7)), Array("SECRETS".utf8), "\(path) is sealed in v1")
        }
        XCTAssertFalse(fx.exists(".key/ciphertext_blob_decoded"))
        XCTAssertFalse(fx.exists(".key/plaintext_key_decoded"))
        let config = try JSONSerialization.jsonObject(with: Data(try fx.bytes(".key/config.json"))) as? [String: Any]
        XCTAssertEqual(config?["keyArn"] as? String, m.keyArn, "the new key defaults to the old KMS key")
        XCTAssertEqual(try fx.secrets("status").status, 0)
        // The migration commits through the hook, and verify with the key finds nothing.
        try fx.check(fx.git("add", "-A"))
        let commit = try fx.git("commit", "-q", "-m", "Move to secrets")
        XCTAssertEqual(commit.status, 0, "\(commit)")
        let verify = try fx.secrets("verify")
        XCTAssertEqual(verify.status, 0, "\(verify)")
    }

    func testImportsAnMD5RepoWhoseKeyHasANul() throws {
        var key = (0..<32).map { UInt8(0x61 + $0 % 26) }
        key[20] = 0x00
        let (fx, _) = try boilerplateRepo(key: key, md: "md5", files: ["a.env": Array("A=from-libressl\n".utf8)])
        try fx.write(".decrypted/.env", "LOCAL_ONLY=1\n")
        let r = try fx.secrets("import")
        XCTAssertTrue(r.stderr.contains(".decrypted/.env was not in the old .encrypted/"), r.stderr)
        XCTAssertEqual(r.status, 0, "\(r)")
        XCTAssertTrue(r.stdout.contains("MD5, OpenSSL 1.0.2 or LibreSSL"), r.stdout)
        XCTAssertEqual(try fx.read(".decrypted/a.env"), "A=from-libressl\n")
    }

    func testDifferentLocalPlaintextIsAConflictAndNothingChanges() throws {
        let (fx, _) = try boilerplateRepo(key: (0..<32).map { UInt8(0x30 + $0) }, md: "sha256", files: ["db.env": Array("DB=old\n".utf8)])
        try fx.write(".decrypted/db.env", "DB=my-local-edit\n")
        let before = try fx.bytes(".encrypted/db.env")
        let r = try fx.secrets("import")
        XCTAssertEqual(r.status, 2, "\(r)")
        XCTAssertTrue(r.stderr.contains("secrets: conflict: db.env"), r.stderr)
        XCTAssertEqual(try fx.read(".decrypted/db.env"), "DB=my-local-edit\n")
        XCTAssertEqual(try fx.bytes(".encrypted/db.env"), before)
        XCTAssertTrue(fx.exists(".key/ciphertext_blob_decoded"))
        XCTAssertFalse(fx.exists(".key/config.json"))
        let forced = try fx.secrets("import", "--force")
        XCTAssertEqual(forced.status, 0, "\(forced)")
        XCTAssertEqual(try fx.read(".decrypted/db.env"), "DB=old\n")
    }

    func testAFileThatDoesNotOpenIsNamedAndNothingChanges() throws {
        let (fx, _) = try boilerplateRepo(key: (0..<32).map { UInt8(0x30 + $0) }, md: "sha256", files: ["good.env": Array("G=1\n".utf8)])
        try fx.write(".encrypted/pasted.env", "PLAINTEXT=oops\n")
        let r = try fx.secrets("import")
        XCTAssertEqual(r.status, 6, "\(r)")
        XCTAssertTrue(r.stderr.contains(".encrypted/pasted.env: does not open"), r.stderr)
        XCTAssertFalse(fx.exists(".decrypted/good.env"))
        XCTAssertFalse(fx.exists(".key/config.json"))
    }
}
