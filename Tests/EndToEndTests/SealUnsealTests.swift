import XCTest
import Foundation
import SecretsTestSupport

final class SealUnsealTests: XCTestCase {
    /// Names that break naive tools: spaces, unicode, leading dashes, deep nesting, empty and binary files.
    let awkward: [(String, [UInt8])] = [
        ("config/app.json", Array(#"{"db_password": "s3cr3t-hunter2-value"}"#.utf8)),
        ("with space/file name.env", Array("TOKEN=abc def\n".utf8)),
        ("ünïcödé/☃.txt", Array("snow\n".utf8)),
        ("-leading-dash", Array("dash\n".utf8)),
        ("a/b/c/d/e/f/g/h/deep.txt", Array("deep\n".utf8)),
        ("empty", []),
        ("binary.bin", (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 8) }),
    ]

    func testRoundTripPermissionsAndNoChurn() throws {
        let fx = try GitFixture()
        try fx.initialise()
        for (path, bytes) in awkward { try fx.write(".decrypted/\(path)", bytes) }
        let sealed = try fx.secrets("seal")
        XCTAssertEqual(sealed.status, 0, "\(sealed)")
        for (path, _) in awkward { XCTAssertTrue(sealed.stdout.contains("seal    \(path)\n"), path) }
        try fx.check(fx.git("add", "-A"))
        try fx.check(fx.git("commit", "-q", "-m", "sealed"))
        let tracked = try fx.git("ls-files", "-z").stdout.split(separator: "\0").map(String.init)
        XCTAssertFalse(tracked.contains { $0.hasPrefix(".decrypted/") }, "\(tracked)")
        XCTAssertFalse(tracked.contains { $0.contains("state") }, "sync state must stay under .git/")

        // No churn: an unchanged tree seals to byte-identical files; git sees nothing.
        let again = try fx.secrets("seal")
        XCTAssertEqual(again.status, 0)
        XCTAssertTrue(again.stdout.contains("unchanged \(awkward.count)"), again.stdout)
        XCTAssertEqual(try fx.git("status", "--porcelain").stdout, "")

        // Wipe and unseal: identical bytes, owner-only modes.
        try FileManager.default.removeItem(atPath: fx.root + "/.decrypted")
        let unsealed = try fx.secrets("unseal")
        XCTAssertEqual(unsealed.status, 0, "\(unsealed)")
        for (path, bytes) in awkward {
            XCTAssertEqual(try fx.bytes(".decrypted/\(path)"), bytes, path)
            XCTAssertEqual(try fx.mode(".decrypted/\(path)"), 0o600, path)
        }
        XCTAssertEqual(try fx.mode(".decrypted"), 0o700)
        XCTAssertEqual(try fx.mode(".decrypted/a/b/c"), 0o700)
        XCTAssertEqual(try fx.secrets("status").status, 0)
        XCTAssertEqual(try fx.git("status", "--porcelain").stdout, "")
    }

    func testPlaintextNeverReachesDiskOutsideDecrypted() throws {
        let fx = try GitFixture()
        try fx.initialise()
        let secret = "needle-\(UUID().uuidString)"
        try fx.write(".decrypted/app.env", "PASSWORD=\(secret)\n")
        try fx.check(fx.secrets("seal"))
        try fx.check(fx.secrets("status"))
        try fx.check(fx.git("add", "-A"))
        try fx.check(fx.git("commit", "-q", "-m", "x"))
        let grep = try fx.sh("grep -rl --exclude-dir=.decrypted -- '\(secret)' . ../secrets-home ../home || true")
        XCTAssertEqual(grep.stdout, "", "plaintext found in: \(grep.stdout)")
    }

    func testChangedAndDeletedPlaintexts() throws {
        let fx = try GitFixture()
        try fx.initialise()
        try fx.write(".decrypted/keep.txt", "keep")
        try fx.write(".decrypted/change.txt", "v1")
        try fx.write(".decrypted/gone/old.txt", "old")
        try fx.check(fx.secrets("seal"))
        let keep = try fx.bytes(".encrypted/keep.txt")
        try fx.write(".decrypted/change.txt", "v2")
        try FileManager.default.removeItem(atPath: fx.root + "/.decrypted/gone/old.txt")

        let status = try fx.secrets("status")
        XCTAssertEqual(status.status, 1)
        XCTAssertTrue(status.stdout.contains("modified   change.txt"), status.stdout)
        XCTAssertTrue(status.stdout.contains("deleted    gone/old.txt"), status.stdout)
        XCTAssertTrue(status.stdout.contains("in-sync    keep.txt"), status.stdout)

        let dry = try fx.secrets("seal", "--dry-run")
        XCTAssertEqual(dry.status, 0)
        XCTAssertTrue(dry.stdout.contains("would seal    change.txt"), dry.stdout)
        XCTAssertTrue(dry.stdout.contains("would delete  .encrypted/gone/old.txt"), dry.stdout)
        XCTAssertTrue(fx.exists(".encrypted/gone/old.txt"), "dry run must not write")

        try fx.check(fx.secrets("seal"))
        XCTAssertFalse(fx.exists(".encrypted/gone/old.txt"))
        XCTAssertFalse(fx.exists(".encrypted/gone"), "emptied folders are removed")
        XCTAssertEqual(try fx.bytes(".encrypted/keep.txt"), keep)
        try fx.check(fx.secrets("status"))
    }

    func testUnsealDryRunWritesNothing() throws {
        let fx = try GitFixture()
        try fx.initialise()
        try fx.write(".decrypted/a/b.env", "B=1\n")
        try fx.check(fx.secrets("seal"))
        try FileManager.default.removeItem(atPath: fx.root + "/.decrypted")
        let state = try fx.bytes(".git/secrets/state.json")
        let dry = try fx.secrets("unseal", "--dry-run")
        XCTAssertEqual(dry.status, 0, "\(dry)")
        XCTAssertEqual(dry.stdout, "would unseal  a/b.env\ndry run, nothing written: unseal 1, unchanged 0\n")
        XCTAssertFalse(fx.exists(".decrypted"))
        XCTAssertEqual(try fx.bytes(".git/secrets/state.json"), state)
    }

    func testSealOnAFreshCloneDeletesNothing() throws {
        let fx = try GitFixture()
        try fx.initialise()
        try fx.write(".decrypted/a.txt", "a")
        try fx.write(".decrypted/b/c.txt", "c")
        try fx.check(fx.secrets("seal"))
        try fx.check(fx.git("add", "-A"))
        try fx.check(fx.git("commit", "-q", "-m", "x"))

        let clone = fx.scratch.path + "/clone"
        try fx.check(fx.git("clone", "-q", fx.root, clone))
        try FileManager.default.createDirectory(atPath: clone + "/.decrypted", withIntermediateDirectories: true)
        let seal = try fx.secrets("seal", cwd: clone)
        XCTAssertEqual(seal.status, 0, "\(seal)")
        XCTAssertEqual(try fx.git("status", "--porcelain", cwd: clone).stdout, "", "seal on a fresh clone must delete nothing")
        let status = try fx.secrets("status", cwd: clone)
        XCTAssertEqual(status.status, 1)
        XCTAssertTrue(status.stdout.contains("added      a.txt  (new in .encrypted/"), status.stdout)
        try fx.check(fx.secrets("unseal", cwd: clone))
        XCTAssertEqual(try String(contentsOfFile: clone + "/.decrypted/b/c.txt", encoding: .utf8), "c")
    }

    func testSealWithoutDecryptedFolderRefuses() throws {
        let fx = try GitFixture()
        try fx.initialise()
        try fx.write(".decrypted/a.txt", "a")
        try fx.check(fx.secrets("seal"))
        try FileManager.default.removeItem(atPath: fx.root + "/.decrypted")
        let r = try fx.secrets("seal")
        XCTAssertEqual(r.status, 7, "\(r)")
        XCTAssertTrue(r.stderr.contains("folder not found"), r.stderr)
        XCTAssertTrue(fx.exists(".encrypted/a.txt"))
    }

    func testSymlinksAndSpecialFilesAreRefused() throws {
        let fx = try GitFixture()
        try fx.initialise()
        try fx.write("outside.txt", "not a secret")
        try FileManager.default.createSymbolicLink(atPath: fx.root + "/.decrypted/link", withDestinationPath: "../outside.txt")
        let r = try fx.secrets("seal")
        XCTAssertEqual(r.status, 7, "\(r)")
        XCTAssertTrue(r.stderr.contains(".decrypted/link: is a symbolic link"), r.stderr)
        XCTAssertFalse(fx.exists(".encrypted/link"))
        try FileManager.default.removeItem(atPath: fx.root + "/.decrypted/link")

        XCTAssertEqual(mkfifo(fx.root + "/.decrypted/fifo", 0o600), 0)
        let f = try fx.secrets("seal")
        XCTAssertEqual(f.status, 7, "\(f)")
        XCTAssertTrue(f.stderr.contains("not a regular file"), f.stderr)
        try FileManager.default.removeItem(atPath: fx.root + "/.decrypted/fifo")

        // A symlink planted in .encrypted/ is not followed on unseal either.
        try FileManager.default.createSymbolicLink(atPath: fx.root + "/.encrypted/evil", withDestinationPath: "/etc/passwd")
        let u = try fx.secrets("unseal")
        XCTAssertEqual(u.status, 7, "\(u)")
        XCTAssertFalse(fx.exists(".decrypted/evil"))
    }
}
