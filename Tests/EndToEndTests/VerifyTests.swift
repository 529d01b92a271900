import XCTest
import Foundation
import SecretsTestSupport

/// `secrets verify` with the key, for CI and servers: catches what skipped the hook.
final class VerifyTests: XCTestCase {
    func testFindsWhatSkippedTheHookInARangeAndTheWorkTree() throws {
        let fx = try GitFixture()
        try fx.initialise()
        try fx.write(".decrypted/app.env", "DB_PASSWORD=Xq7-vR2p!mL9#tW4-demo\n")
        try fx.check(fx.secrets("seal"))
        try fx.check(fx.git("add", "-A"))
        try fx.check(fx.git("commit", "-q", "-m", "base"))
        let clean = try fx.secrets("verify")
        XCTAssertEqual(clean.status, 0, "\(clean)")
        XCTAssertTrue(clean.stdout.contains("verified: no findings"))

        // Everything below bypasses the hook, as a careless push would.
        try fx.write("src/config.py", "PASSWORD = 'Xq7-vR2p!mL9#tW4-demo'\n")
        try fx.write(".encrypted/moved.env", try fx.bytes(".encrypted/app.env"))
        try fx.write(".key/plaintext_key_decoded", "raw")
        try fx.check(fx.git("add", "-A"))
        try fx.check(fx.git("add", "-f", ".decrypted/app.env"))
        try fx.check(fx.git("commit", "-q", "--no-verify", "-m", "bad"))

        let r = try fx.secrets("verify", "--range", "HEAD~1..HEAD", "--json")
        XCTAssertEqual(r.status, 1, "\(r)")
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        XCTAssertEqual(json?["ok"] as? Bool, false)
        let findings = (json?["findings"] as? [[String: String]]) ?? []
        let byCheck = Dictionary(grouping: findings, by: { $0["check"] ?? "" })
        XCTAssertEqual(byCheck["plaintext-tracked"]?.first?["path"], ".decrypted/app.env")
        XCTAssertEqual(byCheck["key-material"]?.first?["path"], ".key/plaintext_key_decoded")
        XCTAssertEqual(byCheck["sealed-invalid"]?.first?["path"], ".encrypted/moved.env")
        XCTAssertEqual(byCheck["leak"]?.map { $0["path"] }, ["src/config.py"])
        XCTAssertEqual(findings.count, 4, "\(findings)")
        XCTAssertFalse(r.stdout.contains("Xq7-vR2p"), "never print the secret")
        XCTAssertEqual(findings.first?["commit"]?.count, 40)

        let tree = try fx.secrets("verify")
        XCTAssertEqual(tree.status, 1)
        XCTAssertTrue(tree.stderr.contains("secrets: finding: src/config.py: contains a secret value sealed in .encrypted/app.env"), tree.stderr)
        XCTAssertTrue(tree.stderr.contains(".encrypted/moved.env: sealed for another path"), tree.stderr)
    }

    func testTamperedSealedFileInHistory() throws {
        let fx = try GitFixture()
        try fx.initialise()
        try fx.write(".decrypted/a.env", "A=1\n")
        try fx.check(fx.secrets("seal"))
        var bytes = try fx.bytes(".encrypted/a.env")
        bytes[bytes.count - 1] ^= 1
        try fx.write(".encrypted/a.env", bytes)
        try fx.check(fx.git("add", "-A"))
        try fx.check(fx.git("commit", "-q", "-m", "tampered"))
        let r = try fx.secrets("verify", "--range", "HEAD")
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains(".encrypted/a.env (commit "), r.stderr)
        XCTAssertTrue(r.stderr.contains("authentication failed"), r.stderr)
    }

    /// The `.pre-commit-hooks.yaml` of this repository, run by the real pre-commit tool.
    func testPreCommitFramework() throws {
        guard let preCommit = CommandRunner.which("pre-commit") else { throw XCTSkip("pre-commit is not installed (apt install pre-commit)") }
        let fx = try GitFixture()
        try fx.initialise()
        try fx.check(fx.secrets("hook", "uninstall"))
        // A repository holding this package's .pre-commit-hooks.yaml is the hook repository.
        let hookRepo = fx.scratch.path + "/hook-repo"
        try FileManager.default.createDirectory(atPath: hookRepo, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: CommandRunner.packageRoot + "/.pre-commit-hooks.yaml", toPath: hookRepo + "/.pre-commit-hooks.yaml")
        try fx.check(fx.git("init", "-q", cwd: hookRepo))
        try fx.check(fx.git("add", "-A", cwd: hookRepo))
        try fx.check(fx.git("-c", "user.email=h@example.invalid", "-c", "user.name=h", "commit", "-q", "-m", "hooks", cwd: hookRepo))
        let rev = try fx.git("rev-parse", "HEAD", cwd: hookRepo).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        try fx.write(".pre-commit-config.yaml", "repos:\n- repo: \(hookRepo)\n  rev: \(rev)\n  hooks:\n  - id: secrets\n")
        let binDir = fx.scratch.path + "/bin"
        try FileManager.default.createDirectory(atPath: binDir, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: binDir + "/secrets", withDestinationPath: CommandRunner.secretsBinary)
        fx.environment["PATH"] = binDir + ":" + (fx.environment["PATH"] ?? "/usr/bin:/bin")
        fx.environment["PRE_COMMIT_HOME"] = fx.scratch.path + "/pre-commit-cache"
        try fx.check(CommandRunner.run(preCommit, ["install"], cwd: fx.root, environment: fx.environment))

        try fx.write(".decrypted/a.env", "A=1\n")
        try fx.check(fx.secrets("seal"))
        try fx.check(fx.git("add", "-A"))
        let ok = try fx.git("commit", "-q", "-m", "ok")
        XCTAssertEqual(ok.status, 0, "\(ok)")
        try fx.check(fx.git("add", "-f", ".decrypted/a.env"))
        let blocked = try fx.git("commit", "-q", "-m", "leak")
        XCTAssertNotEqual(blocked.status, 0, "\(blocked)")
        XCTAssertTrue((blocked.stdout + blocked.stderr).contains("plaintext from .decrypted/ is staged"), "\(blocked)")
    }
}
