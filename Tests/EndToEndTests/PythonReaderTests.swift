import XCTest
import Foundation
import SecretsTestSupport

/// tools/open_sealed.py, written from docs/FORMAT.md with Python's `cryptography`, opens what
/// the Swift binary sealed: the spec is complete and the break-glass path works.
final class PythonReaderTests: XCTestCase {
    private var python: String { CommandRunner.which("python3") ?? "/usr/bin/python3" }
    private var reader: String { CommandRunner.packageRoot + "/tools/open_sealed.py" }

    func testPythonOpensEverySwiftSealedFile() throws {
        let fx = try GitFixture()
        try fx.initialise("py")
        let files: [(String, [UInt8])] = [
            ("config/app.json", Array(#"{"password": "from-swift"}"#.utf8)), ("empty", []),
            ("ünï code/-x.env", Array("K=V\n".utf8)),
            ("big.bin", (0..<(2 * 65_536)).map { UInt8(truncatingIfNeeded: $0 &* 31) }),
        ]
        for (path, bytes) in files { try fx.write(".decrypted/\(path)", bytes) }
        try fx.check(fx.secrets("seal"))
        let masterKey = fx.environment["SECRETS_HOME"]! + "/keys/py.key"
        for (path, bytes) in files {
            let out = fx.scratch.path + "/out.bin"
            let r = try CommandRunner.run(python, [reader, "--repo", fx.root, "--local-master-key", masterKey,
                                                   fx.root + "/.encrypted/" + path, "-o", out], cwd: fx.root, environment: fx.environment)
            XCTAssertEqual(r.status, 0, "\(path): \(r)")
            XCTAssertEqual(Array(try Data(contentsOf: URL(fileURLWithPath: out))), bytes, path)
        }
        // It refuses a tampered file with the same failure class.
        var sealed = try fx.bytes(".encrypted/config/app.json")
        sealed[150] ^= 1
        try fx.write(".encrypted/config/app.json", sealed)
        let bad = try CommandRunner.run(python, [reader, "--repo", fx.root, "--local-master-key", masterKey,
                                                 fx.root + "/.encrypted/config/app.json"], cwd: fx.root, environment: fx.environment)
        XCTAssertEqual(bad.status, 1)
        XCTAssertTrue(bad.stderr.contains("authentication_failed"), bad.stderr)
    }

    func testPythonReaderAgreesWithEveryVector() throws {
        let script = """
        import json, sys, hashlib
        sys.path.insert(0, sys.argv[1] + "/tools")
        from open_sealed import open_sealed, SealedError
        d = sys.argv[1] + "/Tests/EnvelopeTests/Vectors/"
        bad = 0
        for v in json.load(open(d + "vectors.json"))["vectors"]:
            data = open(d + v["file"], "rb").read()
            try:
                got = "ok:" + hashlib.sha256(open_sealed(data, bytes.fromhex(v["dataKey"]), bytes.fromhex(v["repoId"]), v["path"])).hexdigest()
            except SealedError as e:
                got = e.kind
            want = v.get("error") or "ok:" + v["plaintextSha256"]
            if got != want:
                bad += 1
                print(v["name"], got, want)
        print("checked")
        sys.exit(1 if bad else 0)
        """
        let r = try CommandRunner.run(python, ["-c", script, CommandRunner.packageRoot], cwd: CommandRunner.packageRoot,
                                      environment: ProcessInfo.processInfo.environment)
        XCTAssertEqual(r.status, 0, "\(r)")
        XCTAssertTrue(r.stdout.contains("checked"))
    }
}
