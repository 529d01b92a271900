import XCTest
import Foundation
import SecretsTestSupport

/// Every failure is one `secrets: error:` line naming the file, a hint, and a documented code.
final class ErrorTests: XCTestCase {
    private func sealedRepo() throws -> GitFixture {
        let fx = try GitFixture()
        try fx.initialise()
        try fx.write(".decrypted/app.json", #"{"password": "p4ss-w0rd-value"}"#)
        try fx.write(".decrypted/big.bin", (0..<200_000).map { UInt8(truncatingIfNeeded: $0) })
        try fx.check(fx.secrets("seal"))
        try FileManager.default.removeItem(atPath: fx.root + "/.decrypted")
        return fx
    }

    private func assertUnsealFails(_ fx: GitFixture, code: Int32, _ fragment: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let r = try fx.secrets("unseal")
        XCTAssertEqual(r.status, code, "\(r)", file: file, line: line)
        let lines = r.stderr.split(separator: "\n").map(String.init)
        XCTAssertTrue(lines.first?.hasPrefix("secrets: error: ") == true && lines.first?.contains(fragment) == true,
                      "expected \(fragment) in \(r.stderr)", file: file, line: line)
        XCTAssertTrue(lines.count >= 2 && lines[1].hasPrefix("secrets: hint: "), r.stderr, file: file, line: line)
        XCTAssertFalse(r.stderr.contains("Fatal error") || r.stderr.contains("Stack dump"), file: file, line: line)
        // A failed unseal leaves no plaintext for the failing file and no temp files.
        XCTAssertEqual(try fx.sh("find . -name '.secrets-tmp-*'").stdout, "", file: file, line: line)
    }

    func testTamperClassesAreReportedApart() throws {
        let fx = try sealedRepo()
        let good = try fx.bytes(".encrypted/app.json")
        let big = try fx.bytes(".encrypted/big.bin")
        let restore = { try fx.write(".encrypted/app.json", good); try fx.write(".encrypted/big.bin", big) }

        var flipped = good; flipped[good.count - 5] ^= 1
        try fx.write(".encrypted/app.json", flipped)
        try assertUnsealFails(fx, code: 6, ".encrypted/app.json: authentication failed in the frame 1")
        try restore()

        try fx.write(".encrypted/app.json", Array("password=plaintext\n".utf8))
        try assertUnsealFails(fx, code: 6, ".encrypted/app.json: not a sealed file")
        try restore()

        var version = good; version[7] = 9
        try fx.write(".encrypted/app.json", version)
        try assertUnsealFails(fx, code: 6, "sealed-file version 9 is newer")
        try restore()

        var suite = good; suite[9] = 7
        try fx.write(".encrypted/app.json", suite)
        try assertUnsealFails(fx, code: 6, "malformed header")
        try restore()

        try fx.write(".encrypted/big.bin", Array(big[0..<(142 + 65_552)]))
        try assertUnsealFails(fx, code: 6, ".encrypted/big.bin: truncated")
        try restore()

        let f1 = Array(big[142..<(142 + 65_552)]), f2 = Array(big[(142 + 65_552)..<(142 + 2 * 65_552)])
        try fx.write(".encrypted/big.bin", Array(big[0..<142]) + f2 + f1 + Array(big[(142 + 2 * 65_552)...]))
        try assertUnsealFails(fx, code: 6, "authentication failed in the frame 1")
        try restore()

        // Copied to another path: refused by the path binding.
        try fx.write(".encrypted/copy.json", good)
        try assertUnsealFails(fx, code: 6, ".encrypted/copy.json: sealed for another path")
        try FileManager.default.removeItem(atPath: fx.root + "/.encrypted/copy.json")

        try fx.check(fx.secrets("unseal"))
    }

    func testFileFromAnotherRepository() throws {
        let a = try sealedRepo()
        let b = try GitFixture(secretsHome: a.environment["SECRETS_HOME"])
        try b.initialise()
        try b.write(".encrypted/app.json", try a.bytes(".encrypted/app.json"))
        let r = try b.secrets("unseal")
        XCTAssertEqual(r.status, 6, "\(r)")
        XCTAssertTrue(r.stderr.contains(".encrypted/app.json: sealed for another repository"), r.stderr)
    }

    func testMissingAndWrongLocalMasterKey() throws {
        let fx = try sealedRepo()
        let home = fx.environment["SECRETS_HOME"]!
        let key = home + "/keys/test.key"
        let saved = try Data(contentsOf: URL(fileURLWithPath: key))
        try FileManager.default.removeItem(atPath: key)
        try assertUnsealFails(fx, code: 5, "local master key \(key) not found")
        try Data((0..<32).map { UInt8($0) }).write(to: URL(fileURLWithPath: key))
        chmod(key, 0o600)
        try assertUnsealFails(fx, code: 5, "does not open it")
        chmod(key, 0o644)
        try assertUnsealFails(fx, code: 5, "readable by others")
        try saved.write(to: URL(fileURLWithPath: key))
        chmod(key, 0o600)
        try fx.check(fx.secrets("unseal"))
    }

    func testMalformedOrNewerKeyConfig() throws {
        let fx = try sealedRepo()
        let original = try fx.read(".key/config.json")
        try fx.write(".key/config.json", "{ not json")
        try assertUnsealFails(fx, code: 8, ".key/config.json: not valid JSON")
        try fx.write(".key/config.json", original.replacingOccurrences(of: "\"version\" : 1", with: "\"version\" : 2"))
        try assertUnsealFails(fx, code: 8, ".key/config.json: version 2 was written by a newer secrets")
        try fx.write(".key/config.json", original.replacingOccurrences(of: "\"repoId\"", with: "\"repoID\""))
        try assertUnsealFails(fx, code: 8, "missing \"repoId\"")
        try fx.write(".key/config.json", original)
        try fx.check(fx.secrets("unseal"))
    }

    func testCorruptSyncStateAndConcurrentRuns() throws {
        let fx = try sealedRepo()
        try fx.write(".git/secrets/state.json", "{ truncated")
        try assertUnsealFails(fx, code: 8, "sync state is unreadable")
        try FileManager.default.removeItem(atPath: fx.root + "/.git/secrets/state.json")
        try fx.check(fx.secrets("unseal"))

        // While another process holds the lock, a second command refuses instead of racing.
        guard let flock = CommandRunner.which("flock") else { throw XCTSkip("flock(1) not installed") }
        let r = try CommandRunner.run(flock, [fx.root + "/.git/secrets/lock", CommandRunner.secretsBinary, "seal"],
                                      cwd: fx.root, environment: fx.environment)
        XCTAssertEqual(r.status, 7, "\(r)")
        XCTAssertTrue(r.stderr.contains("another secrets command is running"), r.stderr)
    }

    // MARK: faults that need another user or a tiny file system (root only; skipped elsewhere)

    private func asNobody(_ fx: GitFixture, _ args: [String]) throws -> RunResult {
        try CommandRunner.run("/usr/bin/setpriv", ["--reuid=nobody", "--regid=nogroup", "--clear-groups", CommandRunner.secretsBinary] + args,
                              cwd: fx.root, environment: fx.environment)
    }

    private func requireRootTools() throws {
        try XCTSkipUnless(getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv"), "needs root and setpriv")
    }

    func testUnreadablePlaintextIsNamed() throws {
        try requireRootTools()
        let fx = try GitFixture()
        try fx.initialise()
        try fx.write(".decrypted/locked.env", "A=1\n")
        try fx.check(fx.sh("chmod o+rx \"$PWD/..\" && chown -R nobody:nogroup .. && chmod 000 .decrypted/locked.env"))
        let r = try asNobody(fx, ["seal"])
        XCTAssertEqual(r.status, 7, "\(r)")
        XCTAssertTrue(r.stderr.hasPrefix("secrets: error: \(fx.root)/.decrypted/locked.env: open failed: Permission denied"), r.stderr)
    }

    func testRepositoryOwnedByAnotherUser() throws {
        try requireRootTools()
        let fx = try GitFixture()
        try fx.initialise()
        try fx.check(fx.sh("chmod o+rx \"$PWD/..\""))
        let r = try asNobody(fx, ["status"])
        XCTAssertEqual(r.status, 3, "\(r)")
        XCTAssertTrue(r.stderr.contains("owned by another user"), r.stderr)
        XCTAssertTrue(r.stderr.contains("safe.directory"), r.stderr)
    }

    func testDiskFullLeavesEveryFileOldOrNew() throws {
        try XCTSkipUnless(getuid() == 0, "needs root to mount a tiny tmpfs")
        let fx = try GitFixture()
        try fx.initialise()
        try fx.write(".decrypted/small.env", "A=1\n")
        try fx.check(fx.secrets("seal"))
        let before = try fx.bytes(".encrypted/small.env")
        let mount = try fx.sh("cp -a .encrypted ../saved && mount -t tmpfs -o size=96k tmpfs .encrypted && cp -a ../saved/. .encrypted/")
        try XCTSkipUnless(mount.status == 0, "mount not permitted here: \(mount.stderr)")
        defer { _ = try? fx.sh("umount .encrypted") }
        try fx.write(".decrypted/small.env", "A=2\n")
        try fx.write(".decrypted/zz-big.bin", (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 13) })
        let r = try fx.secrets("seal")
        XCTAssertEqual(r.status, 7, "\(r)")
        XCTAssertTrue(r.stderr.contains("zz-big.bin: no space left on device; nothing was replaced"), r.stderr)
        XCTAssertTrue(r.stderr.contains("secrets: hint: free some disk space"), r.stderr)
        XCTAssertEqual(try fx.sh("ls -A .encrypted | grep secrets-tmp || true").stdout, "", "temp file left behind")
        XCTAssertFalse(fx.exists(".encrypted/zz-big.bin"))
        // small.env was sealed before the failure: it is whole and new, and recorded as such.
        XCTAssertNotEqual(try fx.bytes(".encrypted/small.env"), before)
        let status = try fx.secrets("status")
        XCTAssertTrue(status.stdout.contains("in-sync    small.env"), status.stdout)
        XCTAssertTrue(status.stdout.contains("added      zz-big.bin"), status.stdout)
    }
}
