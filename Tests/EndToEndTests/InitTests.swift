import XCTest
import Foundation
import SecretsTestSupport

final class InitTests: XCTestCase {
    func testOutsideAGitRepository() throws {
        let fx = try GitFixture()
        let outside = fx.scratch.path + "/not-a-repo"
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        var env = fx.environment
        env["GIT_CEILING_DIRECTORIES"] = fx.scratch.path
        let r = try CommandRunner.run(CommandRunner.secretsBinary, ["init", "--kms-id", "local:x"], cwd: outside, environment: env)
        XCTAssertEqual(r.status, 3, "\(r)")
        XCTAssertTrue(r.stderr.hasPrefix("secrets: error: \(outside): not inside a git repository\n"), r.stderr)
        XCTAssertTrue(r.stderr.contains("secrets: hint: "), r.stderr)
    }

    func testCommandsBeforeInitSayNotInitialised() throws {
        let fx = try GitFixture()
        for command in ["seal", "unseal", "status"] {
            let r = try fx.secrets(command)
            XCTAssertEqual(r.status, 4, "\(command): \(r)")
            XCTAssertTrue(r.stderr.contains("not initialised"), r.stderr)
            XCTAssertTrue(r.stderr.contains("secrets: hint: run: secrets init"), r.stderr)
        }
    }

    func testInitFromASubfolderCreatesLayoutAndIsIdempotent() throws {
        let fx = try GitFixture()
        try fx.write("src/deep/readme.txt", "x")
        let r = try fx.secrets("init", "--kms-id", "local:team", "--context", "env=prod", cwd: fx.root + "/src/deep")
        XCTAssertEqual(r.status, 0, "\(r)")
        XCTAssertEqual(try fx.bytes(".key/ciphertext_blob").count, 64)
        let config = try JSONSerialization.jsonObject(with: Data(try fx.bytes(".key/config.json"))) as? [String: Any]
        XCTAssertEqual(config?["version"] as? Int, 1)
        XCTAssertEqual(config?["provider"] as? String, "local")
        XCTAssertEqual(config?["keyId"] as? String, "local:team")
        let repoId = try XCTUnwrap(config?["repoId"] as? String)
        XCTAssertEqual(repoId.count, 32)
        XCTAssertEqual(config?["encryptionContext"] as? [String: String], ["secrets:repo": repoId, "env": "prod"])
        XCTAssertEqual(try fx.mode(".decrypted"), 0o700)
        XCTAssertTrue(fx.exists(".encrypted"))
        XCTAssertEqual(try fx.read(".gitignore"), "/.decrypted/\n")
        XCTAssertEqual(try fx.mode("../secrets-home/keys/team.key"), 0o600)
        XCTAssertTrue(fx.exists(".git/hooks/pre-commit"))
        XCTAssertEqual(try fx.git("check-ignore", "-q", ".decrypted/x").status, 0)

        let blob = try fx.bytes(".key/ciphertext_blob")
        let again = try fx.secrets("init", "--kms-id", "local:team")
        XCTAssertEqual(again.status, 0, "\(again)")
        XCTAssertTrue(again.stdout.contains("already initialised"), again.stdout)
        XCTAssertEqual(try fx.bytes(".key/ciphertext_blob"), blob, "a second init must not replace the key")
        XCTAssertEqual(try fx.read(".gitignore"), "/.decrypted/\n")
    }

    func testForceDoesNotReplaceAKeyThatSealedFilesNeed() throws {
        let fx = try GitFixture()
        try fx.initialise()
        let blob = try fx.bytes(".key/ciphertext_blob")
        try fx.write(".decrypted/a.txt", "secret")
        try fx.check(fx.secrets("seal"))
        let r = try fx.secrets("init", "--kms-id", "local:test", "--force")
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("refusing to replace the data key"), r.stderr)
        XCTAssertEqual(try fx.bytes(".key/ciphertext_blob"), blob)
    }

    func testExistingGitignoreIsKeptAndExtended() throws {
        let fx = try GitFixture()
        try fx.write(".gitignore", "node_modules")
        try fx.initialise()
        XCTAssertEqual(try fx.read(".gitignore"), "node_modules\n/.decrypted/\n")
    }

    func testBadFlagsAreUsageErrors() throws {
        let fx = try GitFixture()
        for args in [["init"], ["init", "--kms-id", "local:a/b"], ["init", "--kms-id", "local:x", "--context", "novalue"], ["frobnicate"]] {
            let r = try CommandRunner.run(CommandRunner.secretsBinary, args, cwd: fx.root, environment: fx.environment)
            XCTAssertEqual(r.status, 64, "\(args): \(r)")
            XCTAssertTrue(r.stderr.hasPrefix("secrets: error: "), r.stderr)
            XCTAssertFalse(fx.exists(".key/config.json"))
        }
    }
}
