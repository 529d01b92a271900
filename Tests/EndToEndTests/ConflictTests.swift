import XCTest
import Foundation
import SecretsTestSupport

final class ConflictTests: XCTestCase {
    /// An origin repo with `files` sealed and committed, and a clone of it ("mine") unsealed.
    private func originAndClone(_ files: [String: String]) throws -> (GitFixture, String) {
        let origin = try GitFixture()
        try origin.initialise()
        for (path, text) in files { try origin.write(".decrypted/\(path)", text) }
        try origin.check(origin.secrets("seal"))
        try origin.check(origin.git("add", "-A"))
        try origin.check(origin.git("commit", "-q", "-m", "v1"))
        let mine = origin.scratch.path + "/mine"
        try origin.check(origin.git("clone", "-q", origin.root, mine))
        try origin.check(origin.git("config", "user.email", "t@example.invalid", cwd: mine))
        try origin.check(origin.git("config", "user.name", "T", cwd: mine))
        try origin.check(origin.secrets("unseal", cwd: mine))
        return (origin, mine)
    }

    func testUnsealNeverOverwritesALocalEditUnlessForced() throws {
        let fx = try GitFixture()
        try fx.initialise()
        try fx.write(".decrypted/db.env", "PASSWORD=one\n")
        try fx.check(fx.secrets("seal"))
        try fx.write(".decrypted/db.env", "PASSWORD=my-local-edit\n")
        let r = try fx.secrets("unseal")
        XCTAssertEqual(r.status, 2, "\(r)")
        XCTAssertTrue(r.stderr.contains("secrets: conflict: db.env: edited in .decrypted/"), r.stderr)
        XCTAssertEqual(try fx.read(".decrypted/db.env"), "PASSWORD=my-local-edit\n")
        XCTAssertEqual(try fx.secrets("status").status, 1)

        let forced = try fx.secrets("unseal", "--force")
        XCTAssertEqual(forced.status, 0, "\(forced)")
        XCTAssertEqual(try fx.read(".decrypted/db.env"), "PASSWORD=one\n")
    }

    /// Two clones: the other one pushes a newer secret; ours must not seal stale plaintext over it.
    func testSealNeverOverwritesANewerSealedVersion() throws {
        let (origin, mine) = try originAndClone(["api.env": "TOKEN=v1\n"])

        // Someone else changes the secret in origin.
        try origin.write(".decrypted/api.env", "TOKEN=v2-newer\n")
        try origin.check(origin.secrets("seal"))
        try origin.check(origin.git("commit", "-q", "-am", "v2"))
        try origin.check(origin.git("pull", "-q", "--no-rebase", cwd: mine))

        // Stale plaintext, newer sealed file: reported, never written over.
        let seal = try origin.secrets("seal", cwd: mine)
        XCTAssertEqual(seal.status, 2, "\(seal)")
        XCTAssertTrue(seal.stderr.contains("api.env: changed in .encrypted/ since the last unseal"), seal.stderr)
        XCTAssertTrue(seal.stderr.contains("secrets: hint: run secrets unseal"), seal.stderr)
        XCTAssertEqual(try origin.git("status", "--porcelain", cwd: mine).stdout, "", "the newer sealed file is untouched")

        // Now an edit on top of the stale plaintext: a true conflict.
        try "TOKEN=v1-local\n".write(toFile: mine + "/.decrypted/api.env", atomically: true, encoding: .utf8)
        let conflict = try origin.secrets("seal", cwd: mine)
        XCTAssertEqual(conflict.status, 2, "\(conflict)")
        XCTAssertTrue(conflict.stderr.contains("changed in both"), conflict.stderr)
        XCTAssertEqual(try origin.git("status", "--porcelain", cwd: mine).stdout, "")
    }

    func testSealRefusesWhenOnlyTheSealedSideChanged() throws {
        let (origin, mine) = try originAndClone(["a.env": "A=1\n"])
        try origin.write(".decrypted/a.env", "A=2\n")
        try origin.check(origin.secrets("seal"))
        try origin.check(origin.git("commit", "-q", "-am", "v2"))
        try origin.check(origin.git("pull", "-q", "--no-rebase", cwd: mine))
        // The plaintext is stale but unedited: status says so, unseal takes the newer version.
        let status = try origin.secrets("status", cwd: mine)
        XCTAssertTrue(status.stdout.contains("modified   a.env  (changed in .encrypted/"), status.stdout)
        try origin.check(origin.secrets("unseal", cwd: mine))
        XCTAssertEqual(try String(contentsOfFile: mine + "/.decrypted/a.env", encoding: .utf8), "A=2\n")
    }

    func testDeletedUpstreamRemovesUneditedPlaintextOnly() throws {
        let (origin, mine) = try originAndClone(["x.env": "X=1\n", "y.env": "Y=1\n"])
        try FileManager.default.removeItem(atPath: origin.root + "/.decrypted/x.env")
        try FileManager.default.removeItem(atPath: origin.root + "/.decrypted/y.env")
        try origin.check(origin.secrets("seal"))
        try origin.check(origin.git("add", "-A"))
        try origin.check(origin.git("commit", "-q", "-m", "rm"))
        try origin.check(origin.git("pull", "-q", "--no-rebase", cwd: mine))
        try "Y=edited\n".write(toFile: mine + "/.decrypted/y.env", atomically: true, encoding: .utf8)
        let r = try origin.secrets("unseal", cwd: mine)
        XCTAssertEqual(r.status, 2, "\(r)")
        XCTAssertTrue(FileManager.default.fileExists(atPath: mine + "/.decrypted/x.env"), "a conflicted plan writes nothing")
        XCTAssertEqual(try String(contentsOfFile: mine + "/.decrypted/y.env", encoding: .utf8), "Y=edited\n")
    }
}
