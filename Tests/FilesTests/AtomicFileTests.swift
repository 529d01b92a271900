import XCTest
import Foundation
import Files
import SecretsTestSupport

/// A write that fails part-way (the fault a real disk gives only on demand under a tiny tmpfs,
/// which ErrorTests also covers as root) leaves the old file and no temp file.
final class AtomicFileTests: XCTestCase {
    struct Injected: Error {}

    func testFailurePartWayKeepsTheOldFile() throws {
        let dir = try TemporaryDirectory()
        try dir.write("f", "old contents")
        XCTAssertThrowsError(try AtomicFile.write(dir.path + "/f", mode: 0o600) { w in
            try Array("new partial".utf8).withUnsafeBytes { try w.write($0) }
            throw Injected()
        })
        XCTAssertEqual(try dir.read("f"), "old contents")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["f"])
    }

    func testSuccessReplacesWithModeAndExclusiveNeverReplaces() throws {
        let dir = try TemporaryDirectory()
        try dir.write("f", "old")
        try AtomicFile.write(dir.path + "/f", bytes: Array("new".utf8), mode: 0o600)
        XCTAssertEqual(try dir.read("f"), "new")
        XCTAssertEqual(try dir.mode("f"), 0o600)
        XCTAssertThrowsError(try AtomicFile.write(dir.path + "/f", bytes: Array("other".utf8), mode: 0o600, exclusive: true))
        XCTAssertEqual(try dir.read("f"), "new")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["f"])
    }

    func testTreeWalkSkipsGitkeepAndRefusesLinks() throws {
        let dir = try TemporaryDirectory()
        try dir.write("a/.gitkeep", "")
        try dir.write("a/b.txt", "b")
        try dir.write("c", "c")
        XCTAssertEqual(try TreeWalk.files(under: dir.path), ["a/b.txt", "c"])
        try FileManager.default.createSymbolicLink(atPath: dir.path + "/a/l", withDestinationPath: "/etc")
        XCTAssertThrowsError(try TreeWalk.files(under: dir.path)) { error in
            XCTAssertTrue("\(error)".contains("symbolic link"), "\(error)")
        }
        XCTAssertEqual(try TreeWalk.files(under: dir.path + "/missing"), [])
        try FileManager.default.removeItem(atPath: dir.path + "/a/l")
        try dir.write("a/.secrets-tmp-Ab12Cd", "half-written")
        XCTAssertEqual(try TreeWalk.files(under: dir.path), ["a/b.txt", "c"], "interrupted temp files are not tree members")
    }
}
