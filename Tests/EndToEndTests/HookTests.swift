import XCTest
import Foundation
import SecretsTestSupport

/// The pre-commit hook, exercised through real `git commit`.
final class HookTests: XCTestCase {
    private func repoWithSealedSecret() throws -> GitFixture {
        let fx = try GitFixture()
        try fx.initialise()
        try fx.write(".decrypted/db.env", "PASSWORD=Tr0ub4dor-and-3\n")
        try fx.check(fx.secrets("seal"))
        try fx.check(fx.git("add", "-A"))
        try fx.check(fx.git("commit", "-q", "-m", "sealed"))
        return fx
    }

    func testForcedPlaintextCommitIsBlocked() throws {
        let fx = try repoWithSealedSecret()
        try fx.check(fx.git("add", "-f", ".decrypted/db.env"))
        let r = try fx.git("commit", "-q", "-m", "leak")
        XCTAssertEqual(r.status, 1, "\(r)")
        XCTAssertTrue(r.stderr.contains("secrets: blocked: .decrypted/db.env: plaintext from .decrypted/ is staged"), r.stderr)
        XCTAssertTrue(r.stderr.contains("git rm --cached -- '.decrypted/db.env'"), r.stderr)
        XCTAssertEqual(try fx.git("rev-list", "--count", "HEAD").stdout, "1\n", "nothing was committed")
    }

    func testPlaintextOrForeignFilesInEncryptedAreBlocked() throws {
        let fx = try repoWithSealedSecret()
        try fx.write(".encrypted/new.env", "API_KEY=plaintext-by-hand\n")
        try fx.check(fx.git("add", ".encrypted/new.env"))
        var r = try fx.git("commit", "-q", "-m", "plain")
        XCTAssertEqual(r.status, 1, "\(r)")
        XCTAssertTrue(r.stderr.contains(".encrypted/new.env: not a sealed file"), r.stderr)
        try fx.check(fx.git("rm", "-q", "--cached", ".encrypted/new.env"))

        // A valid sealed file copied to another path.
        try fx.write(".encrypted/copy.env", try fx.bytes(".encrypted/db.env"))
        try fx.check(fx.git("add", ".encrypted/copy.env"))
        r = try fx.git("commit", "-q", "-m", "copy")
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains(".encrypted/copy.env: sealed for another path"), r.stderr)
        try fx.check(fx.git("rm", "-q", "--cached", ".encrypted/copy.env"))

        // Truncated at a frame boundary.
        try fx.write(".encrypted/db.env", Array(try fx.bytes(".encrypted/db.env").prefix(142)))
        try fx.check(fx.git("add", ".encrypted/db.env"))
        r = try fx.git("commit", "-q", "-m", "trunc")
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains(".encrypted/db.env: truncated"), r.stderr)

        // Stray key material in .key/.
        try fx.check(fx.git("checkout", "--", ".encrypted/db.env"))
        try fx.write(".key/plaintext_key_decoded", "0123456789abcdef0123456789abcdef")
        try fx.check(fx.git("add", ".key"))
        r = try fx.git("commit", "-q", "-m", "key")
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains(".key/plaintext_key_decoded: only ciphertext_blob and config.json belong in .key/"), r.stderr)
    }

    func testOrdinaryCommitsPass() throws {
        let fx = try repoWithSealedSecret()
        try fx.write("src/main.swift", "print(\"hello\")\n")
        try fx.write(".decrypted/db.env", "PASSWORD=rotated-value\n")
        try fx.check(fx.secrets("seal"))
        try fx.check(fx.git("add", "-A"))
        let r = try fx.git("commit", "-q", "-m", "code and rotated secret")
        XCTAssertEqual(r.status, 0, "\(r)")
    }

    /// `git commit -a` and `git commit PATH` stage into a temporary index (GIT_INDEX_FILE).
    func testTemporaryIndexIsChecked() throws {
        let fx = try repoWithSealedSecret()
        // Track a file under .decrypted/ by force, then commit it with --no-verify (the user's choice) ...
        try fx.write(".decrypted/tracked.txt", "v1")
        try fx.check(fx.git("add", "-f", ".decrypted/tracked.txt"))
        try fx.check(fx.git("commit", "-q", "--no-verify", "-m", "forced by the user"))
        try fx.write(".decrypted/tracked.txt", "v2 secret")
        // ... a later `commit -a` or `commit PATH` must still be checked against the temporary index.
        var r = try fx.git("commit", "-q", "-a", "-m", "a")
        XCTAssertEqual(r.status, 1, "commit -a: \(r)")
        XCTAssertTrue(r.stderr.contains(".decrypted/tracked.txt"), r.stderr)
        r = try fx.git("commit", "-q", "-m", "path", "--", ".decrypted/tracked.txt")
        XCTAssertEqual(r.status, 1, "commit PATH: \(r)")
    }

    func testExistingHookIsChainedAndRestored() throws {
        let fx = try GitFixture()
        let original = "#!/bin/sh\necho 'their hook ran' >&2\nexit ${THEIR_EXIT:-0}\n"
        try fx.write(".git/hooks/pre-commit", original)
        chmod(fx.root + "/.git/hooks/pre-commit", 0o755)
        let r = try fx.secrets("init", "--kms-id", "local:t")
        XCTAssertEqual(r.status, 0, "\(r)")
        XCTAssertTrue(r.stdout.contains("kept your existing pre-commit hook"), r.stdout)
        try fx.write("a.txt", "a")
        try fx.check(fx.git("add", "a.txt"))
        let ok = try fx.git("commit", "-q", "-m", "a")
        XCTAssertEqual(ok.status, 0, "\(ok)")
        XCTAssertTrue(ok.stderr.contains("their hook ran"))
        // Their exit status is respected.
        fx.environment["THEIR_EXIT"] = "3"
        try fx.write("b.txt", "b")
        try fx.check(fx.git("add", "b.txt"))
        XCTAssertEqual(try fx.git("commit", "-q", "-m", "b").status, 1)
        fx.environment["THEIR_EXIT"] = nil
        // Installing twice changes nothing; uninstall restores exactly what was there.
        let hook = try fx.read(".git/hooks/pre-commit")
        let again = try fx.secrets("hook", "install")
        XCTAssertTrue(again.stdout.contains("already installed"), again.stdout)
        XCTAssertEqual(try fx.read(".git/hooks/pre-commit"), hook)
        XCTAssertEqual(try fx.secrets("hook", "status").status, 0)
        try fx.check(fx.secrets("hook", "uninstall"))
        XCTAssertEqual(try fx.read(".git/hooks/pre-commit"), original)
        XCTAssertFalse(fx.exists(".git/hooks/pre-commit.secrets-chained"))
        XCTAssertEqual(try fx.secrets("hook", "status").status, 1)
    }

    func testCoreHooksPathLocalAndGlobal() throws {
        let fx = try GitFixture()
        try fx.check(fx.git("config", "core.hooksPath", "tools/githooks"))
        try fx.initialise()
        XCTAssertTrue(fx.exists("tools/githooks/pre-commit"))
        XCTAssertFalse(fx.exists(".git/hooks/pre-commit"))
        try fx.write(".decrypted/x.env", "X=1")
        try fx.check(fx.git("add", "-f", ".decrypted/x.env"))
        XCTAssertEqual(try fx.git("commit", "-q", "-m", "x").status, 1)

        let global = try GitFixture()
        let hooks = global.scratch.path + "/global-hooks"
        try global.check(global.git("config", "--global", "core.hooksPath", hooks))
        try global.initialise()
        XCTAssertTrue(FileManager.default.fileExists(atPath: hooks + "/pre-commit"))
    }

    func testLinkedWorktree() throws {
        let fx = try repoWithSealedSecret()
        let tree = fx.scratch.path + "/wt"
        try fx.check(fx.git("worktree", "add", "-q", tree))
        try fx.check(fx.secrets("unseal", cwd: tree))
        XCTAssertEqual(try String(contentsOfFile: tree + "/.decrypted/db.env", encoding: .utf8), "PASSWORD=Tr0ub4dor-and-3\n")
        try fx.check(fx.git("add", "-f", ".decrypted/db.env", cwd: tree))
        let r = try fx.git("commit", "-q", "-m", "leak", cwd: tree)
        XCTAssertEqual(r.status, 1, "\(r)")
        XCTAssertTrue(r.stderr.contains("secrets: blocked: .decrypted/db.env"), r.stderr)
    }

    func testHookFailsClosedWhenTheBinaryMoved() throws {
        let fx = try GitFixture()
        let copy = fx.scratch.path + "/bin/secrets"
        try FileManager.default.createDirectory(atPath: fx.scratch.path + "/bin", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: CommandRunner.secretsBinary, toPath: copy)
        try fx.check(CommandRunner.run(copy, ["init", "--kms-id", "local:t"], cwd: fx.root, environment: fx.environment))
        try FileManager.default.removeItem(atPath: copy)
        try fx.write("a.txt", "a")
        try fx.check(fx.git("add", "a.txt"))
        let r = try fx.git("commit", "-q", "-m", "a")
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("\(copy) not found"), r.stderr)
        XCTAssertTrue(r.stderr.contains("secrets hook install"), r.stderr)
    }

    func testCopiedSecretIsCaughtAndOrdinaryCodeIsNot() throws {
        let fx = try GitFixture()
        try fx.initialise()
        try fx.write(".decrypted/config/app.json", #"{"database": {"host": "db.internal.example.com", "password": "Xq7-vR2p!mL9#tW4-demo"}}"#)
        try fx.write(".decrypted/.env", "API_TOKEN=tok_demo_4f9a1c2e8b7d6a5f3e2d\nDEBUG=true\n")
        try fx.check(fx.secrets("seal"))
        XCTAssertFalse(try fx.sh("grep -rl 'Xq7-vR2p' .git || true").stdout.contains("secrets"), "the leak index holds no plaintext")

        // Ordinary code, including the (non-secret) host name, passes.
        try fx.write("src/db.py", "import os\nHOST = \"db.internal.example.com\"\ndef connect():\n    return os.environ[\"DB_PASSWORD\"]\n")
        try fx.check(fx.git("add", "-A"))
        let ok = try fx.git("commit", "-q", "-m", "code")
        XCTAssertEqual(ok.status, 0, "\(ok)")

        // The password pasted into code is caught, and the message names the source.
        try fx.write("src/db.py", "conn = connect(host=\"db\", password=\"Xq7-vR2p!mL9#tW4-demo\")\n")
        try fx.write("deploy/ci.yml", "env:\n  TOKEN: tok_demo_4f9a1c2e8b7d6a5f3e2d\n")
        try fx.check(fx.git("add", "-A"))
        let r = try fx.git("commit", "-q", "-m", "leak")
        XCTAssertEqual(r.status, 1, "\(r)")
        XCTAssertTrue(r.stderr.contains("secrets: blocked: src/db.py: contains a secret value from .decrypted/config/app.json"), r.stderr)
        XCTAssertTrue(r.stderr.contains("secrets: blocked: deploy/ci.yml: contains a secret value from .decrypted/.env"), r.stderr)
        XCTAssertFalse(r.stderr.contains("Xq7-vR2p"), "the secret itself is never printed")

        // The minimum length is a setting: raising it above the token's length lets it through.
        try fx.check(fx.git("rm", "-q", "--cached", "src/db.py"))
        try fx.check(fx.git("config", "secrets.minSecretLength", "40"))
        try fx.check(fx.secrets("seal", "--force"))
        XCTAssertEqual(try fx.git("commit", "-q", "-m", "ci").status, 0)
    }

    func testStaleSealedFilesWarnByDefaultAndBlockBySetting() throws {
        let fx = try repoWithSealedSecret()
        try fx.write(".decrypted/db.env", "PASSWORD=changed-but-not-sealed\n")
        try fx.write("README", "x")
        try fx.check(fx.git("add", "README"))
        let warned = try fx.git("commit", "-q", "-m", "readme")
        XCTAssertEqual(warned.status, 0, "\(warned)")
        XCTAssertTrue(warned.stderr.contains("secrets: warning: .decrypted/ changed since the last seal (db.env)"), warned.stderr)

        try fx.check(fx.git("config", "secrets.staleCommit", "block"))
        try fx.write("README", "y")
        try fx.check(fx.git("add", "README"))
        let blocked = try fx.git("commit", "-q", "-m", "readme 2")
        XCTAssertEqual(blocked.status, 1, "\(blocked)")
        XCTAssertTrue(blocked.stderr.contains("run secrets seal"), blocked.stderr)
        try fx.check(fx.secrets("seal"))
        try fx.check(fx.git("add", "-A"))
        XCTAssertEqual(try fx.git("commit", "-q", "-m", "sealed").status, 0)
    }
}
