import XCTest
import Foundation
import CryptoPrimitives
@testable import Envelope

private struct VectorFile: Decodable {
    struct Vector: Decodable {
        let name, file, dataKey, repoId, path: String
        let plaintextSha256: String?
        let plaintextLength: Int?
        let error: String?
    }
    let format: Int
    let vectors: [Vector]
}

func unhex(_ s: String) -> [UInt8] {
    let c = Array(s.utf8)
    return stride(from: 0, to: c.count, by: 2).map { UInt8(String(decoding: c[$0..<$0 + 2], as: UTF8.self), radix: 16)! }
}

func hexString(_ b: [UInt8]) -> String { b.map { String(format: "%02x", $0) }.joined() }

func key(_ b: [UInt8]) -> SecureBytes { b.withUnsafeBytes { SecureBytes(copying: $0) } }

/// The failure class names of docs/FORMAT.md, as the vectors and the Python reader spell them.
func className(_ error: Error) -> String {
    switch error as? EnvelopeError {
    case .truncated: "truncated"
    case .badMagic: "bad_magic"
    case .unsupportedVersion: "unsupported_version"
    case .malformedHeader: "malformed_header"
    case .wrongRepository: "wrong_repository"
    case .wrongPath: "wrong_path"
    case .commitmentMismatch: "commitment_mismatch"
    case .authenticationFailed: "authentication_failed"
    case .trailingData: "trailing_data"
    default: "other: \(error)"
    }
}

final class VectorTests: XCTestCase {
    private func loadVectors() throws -> (URL, VectorFile) {
        let dir = try XCTUnwrap(Bundle.module.url(forResource: "Vectors", withExtension: nil))
        let file = try JSONDecoder().decode(VectorFile.self, from: Data(contentsOf: dir.appendingPathComponent("vectors.json")))
        return (dir, file)
    }

    func testEveryVectorOpensOrFailsWithItsClass() throws {
        let (dir, file) = try loadVectors()
        XCTAssertEqual(file.format, 1)
        XCTAssertGreaterThanOrEqual(file.vectors.count, 15)
        var classes = Set<String>()
        for v in file.vectors {
            var source = ArraySource(Array(try Data(contentsOf: dir.appendingPathComponent(v.file))))
            var sink = ArraySink()
            let sealed = SealedFile(dataKey: key(unhex(v.dataKey)))
            do {
                try sealed.open(from: &source, to: &sink, binding: .init(repoId: unhex(v.repoId), path: v.path))
                XCTAssertNil(v.error, "\(v.name) opened but should fail with \(v.error ?? "")")
                XCTAssertEqual(sink.bytes.count, v.plaintextLength, v.name)
                XCTAssertEqual(hexString(try Digest.hash(.sha256, sink.bytes)), v.plaintextSha256, v.name)
                classes.insert("ok")
            } catch {
                XCTAssertEqual(className(error), v.error, v.name)
                classes.insert(className(error))
            }
        }
        for required in ["ok", "bad_magic", "unsupported_version", "malformed_header", "commitment_mismatch",
                         "authentication_failed", "wrong_path", "wrong_repository", "truncated"] {
            XCTAssertTrue(classes.contains(required), "no vector exercises \(required)")
        }
    }

    /// The Swift writer is byte-identical to the independent Python writer when the file id is pinned.
    func testSwiftWriterReproducesValidVectors() throws {
        let (dir, file) = try loadVectors()
        for v in file.vectors where v.error == nil {
            let bytes = Array(try Data(contentsOf: dir.appendingPathComponent(v.file)))
            let binding = SealedFile.Binding(repoId: unhex(v.repoId), path: v.path)
            let sealed = SealedFile(dataKey: key(unhex(v.dataKey)))
            var source = ArraySource(bytes)
            var plain = ArraySink()
            try sealed.open(from: &source, to: &plain, binding: binding)
            var again = ArraySource(plain.bytes)
            var out = ArraySink()
            try sealed.seal(from: &again, to: &out, binding: binding, fileId: Array(bytes[62..<94]))
            XCTAssertEqual(out.bytes, bytes, v.name)
        }
    }
}

final class SealedFileTests: XCTestCase {
    let binding = SealedFile.Binding(repoId: Array(repeating: 7, count: 16), path: "a/b.txt")

    private func seal(_ plaintext: [UInt8], with sealed: SealedFile) throws -> [UInt8] {
        var source = ArraySource(plaintext)
        var sink = ArraySink()
        try sealed.seal(from: &source, to: &sink, binding: binding)
        return sink.bytes
    }

    private func open(_ bytes: [UInt8], with sealed: SealedFile, binding: SealedFile.Binding? = nil) throws -> [UInt8] {
        var source = ArraySource(bytes)
        var sink = ArraySink()
        try sealed.open(from: &source, to: &sink, binding: binding ?? self.binding)
        return sink.bytes
    }

    func testRoundTripAcrossFrameBoundaries() throws {
        let sealed = SealedFile(dataKey: try SecureBytes(randomCount: 32))
        let f = SealedFormat.frameLength
        for n in [0, 1, f - 1, f, f + 1, 2 * f, 3 * f + 17] {
            let plaintext = (0..<n).map { UInt8(truncatingIfNeeded: $0 &* 31) }
            let bytes = try seal(plaintext, with: sealed)
            XCTAssertEqual(bytes.count, SealedFormat.sealedLength(plaintextLength: n), "size formula, n=\(n)")
            XCTAssertEqual(try open(bytes, with: sealed), plaintext, "n=\(n)")
        }
    }

    func testSealingTwiceGivesDifferentCiphertexts() throws {
        let sealed = SealedFile(dataKey: try SecureBytes(randomCount: 32))
        XCTAssertNotEqual(try seal([1, 2, 3], with: sealed), try seal([1, 2, 3], with: sealed))
    }

    /// Flipping any single bit anywhere is refused, never accepted and never a trap.
    func testEveryBitFlipIsRefused() throws {
        let sealed = SealedFile(dataKey: try SecureBytes(randomCount: 32))
        let bytes = try seal(Array("password=hunter2\n".utf8), with: sealed)
        for i in 0..<bytes.count {
            var tampered = bytes
            tampered[i] ^= 0x10
            XCTAssertThrowsError(try open(tampered, with: sealed), "byte \(i)")
        }
    }

    /// Random inputs, with and without a valid-looking header, are refused and never trap.
    func testRandomInputsAreRefused() throws {
        let sealed = SealedFile(dataKey: try SecureBytes(randomCount: 32))
        var generator = SystemRandomNumberGenerator()
        let header = Array(try seal([1, 2, 3], with: sealed).prefix(142))
        for i in 0..<400 {
            let n = Int.random(in: 0..<600, using: &generator)
            var bytes = (0..<n).map { _ in UInt8.random(in: 0...255, using: &generator) }
            if i % 2 == 0 { bytes = header + bytes }
            XCTAssertThrowsError(try open(bytes, with: sealed))
        }
    }

    func testEveryTruncationIsRefused() throws {
        let sealed = SealedFile(dataKey: try SecureBytes(randomCount: 32))
        let bytes = try seal((0..<70_000).map { UInt8(truncatingIfNeeded: $0) }, with: sealed)
        for cut in [0, 1, 6, 7, 8, 141, 142, 157, 158, 65_000, 65_552 + 142, bytes.count - 1] {
            XCTAssertThrowsError(try open(Array(bytes[0..<cut]), with: sealed), "cut at \(cut)")
        }
    }

    func testOfflineHeaderCheckNeedsNoKey() throws {
        let sealed = SealedFile(dataKey: try SecureBytes(randomCount: 32))
        let bytes = try seal([42], with: sealed)
        XCTAssertNoThrow(try SealedHeader.verifyOffline(Array(bytes.prefix(142)), repoId: binding.repoId, path: binding.path))
        XCTAssertThrowsError(try SealedHeader.verifyOffline(Array(bytes.prefix(142)), repoId: binding.repoId, path: "other")) {
            XCTAssertEqual($0 as? EnvelopeError, .wrongPath)
        }
        XCTAssertThrowsError(try SealedHeader.verifyOffline(Array("API_KEY=abc\n".utf8), repoId: binding.repoId, path: "x")) {
            XCTAssertEqual($0 as? EnvelopeError, .badMagic)
        }
    }
}
