import CryptoPrimitives

/// Seals and opens files in the format of docs/FORMAT.md, streaming in constant memory.
public struct SealedFile: Sendable {
    /// Where the file lives: the repository and the path relative to `.decrypted/`.
    public struct Binding: Sendable, Equatable {
        /// Repository identity (16 bytes).
        public var repoId: [UInt8]
        /// Path relative to `.decrypted/`, `/`-separated.
        public var path: String
        /// A binding.
        public init(repoId: [UInt8], path: String) {
            self.repoId = repoId
            self.path = path
        }
    }

    private let dataKey: SecureBytes

    /// Prepares to seal and open under the repository's data key.
    public init(dataKey: SecureBytes) { self.dataKey = dataKey }

    /// Derived per-file key and commitment (docs/FORMAT.md 1.2).
    private func derive(fileId: [UInt8]) throws -> (cipher: AESGCM, commitment: SecureBytes) {
        let key = try HKDF.derive(.sha512, ikm: dataKey, salt: fileId, info: SealedFormat.keyLabel + SealedFormat.suiteBytes, length: 32)
        let commit = try HKDF.derive(.sha512, ikm: dataKey, salt: fileId, info: SealedFormat.commitLabel + SealedFormat.suiteBytes, length: 32)
        return (try AESGCM(key: key), commit)
    }

    private static func nonce(_ seq: UInt32) -> [UInt8] { [UInt8](repeating: 0, count: 8) + seq.bigEndianBytes }

    private static func frameAAD(fileId: [UInt8], final: Bool, seq: UInt32, length: Int) -> [UInt8] {
        fileId + [final ? 1 : 0] + seq.bigEndianBytes + UInt64(length).bigEndianBytes
    }

    /// Seals everything `source` yields into `sink`. `fileId` is random unless a test pins it.
    public func seal<Source: ByteSource, Sink: ByteSink>(from source: inout Source, to sink: inout Sink,
                                                          binding: Binding, fileId: [UInt8]? = nil) throws {
        guard binding.repoId.count == SealedFormat.repoIdLength else { throw EnvelopeError.malformedHeader("repo id length") }
        let id = try fileId ?? Random.bytes(SealedFormat.fileIdLength)
        guard id.count == SealedFormat.fileIdLength else { throw EnvelopeError.malformedHeader("file id length") }
        let (cipher, commitment) = try wrapCrypto { try derive(fileId: id) }
        var header = SealedHeader(repoId: binding.repoId, pathDigest: try SealedFormat.pathDigest(binding.path),
                                  fileId: id, commitment: commitment.withUnsafeBytes { Array($0) }, tag: [])
        header.tag = try wrapCrypto {
            try cipher.seal(nonce: Self.nonce(0), aad: header.authenticatedBytes, input: UnsafeRawBufferPointer(start: nil, count: 0),
                            output: UnsafeMutableRawBufferPointer(start: nil, count: 0))
        }
        try header.bytes.withUnsafeBytes { try sink.write($0) }

        let frame = SealedFormat.frameLength
        let plain = SecureBytes(count: frame)
        var out = [UInt8](repeating: 0, count: frame + SealedFormat.tagLength)
        var seq: UInt32 = 1
        while true {
            let n = try plain.withUnsafeMutableBytes { try readFully(&source, into: $0) }
            let final = n < frame
            let tag = try plain.withUnsafeBytes { p in
                try out.withUnsafeMutableBytes { o in
                    try wrapCrypto {
                        try cipher.seal(nonce: Self.nonce(seq), aad: Self.frameAAD(fileId: id, final: final, seq: seq, length: n),
                                        input: UnsafeRawBufferPointer(rebasing: p[0..<n]), output: o)
                    }
                }
            }
            out.replaceSubrange(n..<n + SealedFormat.tagLength, with: tag)
            try out.withUnsafeBytes { try sink.write(UnsafeRawBufferPointer(rebasing: $0[0..<n + SealedFormat.tagLength])) }
            if final { break }
            guard seq < UInt32.max - 1 else { throw EnvelopeError.tooLarge }
            seq += 1
        }
    }

    /// Opens `source` into `sink`, verifying everything in the order of docs/FORMAT.md 1.1.
    /// Each frame is authenticated before its plaintext reaches `sink`; on any throw the caller
    /// must discard what `sink` received.
    public func open<Source: ByteSource, Sink: ByteSink>(from source: inout Source, to sink: inout Sink,
                                                          binding: Binding) throws {
        var headerBytes = [UInt8](repeating: 0, count: SealedFormat.headerLength)
        let got = try headerBytes.withUnsafeMutableBytes { try readFully(&source, into: $0) }
        let header = try SealedHeader.verifyOffline(Array(headerBytes[0..<got]), repoId: binding.repoId, path: binding.path)
        let (cipher, commitment) = try wrapCrypto { try derive(fileId: header.fileId) }
        let committed = commitment.withUnsafeBytes { c in header.commitment.withUnsafeBytes { ConstantTime.equal(c, $0) } }
        guard committed else { throw EnvelopeError.commitmentMismatch }
        do {
            try cipher.open(nonce: Self.nonce(0), aad: header.authenticatedBytes, input: UnsafeRawBufferPointer(start: nil, count: 0),
                            tag: header.tag, output: UnsafeMutableRawBufferPointer(start: nil, count: 0))
        } catch CryptoError.authenticationFailed {
            throw EnvelopeError.authenticationFailed(frame: 0)
        }

        let frame = SealedFormat.frameLength
        let tagLength = SealedFormat.tagLength
        var input = [UInt8](repeating: 0, count: frame + tagLength)
        let plain = SecureBytes(count: frame)
        var seq: UInt32 = 1
        while true {
            let n = try input.withUnsafeMutableBytes { try readFully(&source, into: $0) }
            guard n >= tagLength else { throw EnvelopeError.truncated }
            let final = n < frame + tagLength
            let length = n - tagLength
            let tag = Array(input[length..<n])
            do {
                try input.withUnsafeBytes { i in
                    try plain.withUnsafeMutableBytes { p in
                        try cipher.open(nonce: Self.nonce(seq), aad: Self.frameAAD(fileId: header.fileId, final: final, seq: seq, length: length),
                                        input: UnsafeRawBufferPointer(rebasing: i[0..<length]), tag: tag, output: p)
                    }
                }
            } catch CryptoError.authenticationFailed {
                throw EnvelopeError.authenticationFailed(frame: Int(seq))
            } catch let error as CryptoError {
                throw EnvelopeError.crypto("\(error)")
            }
            try plain.withUnsafeBytes { try sink.write(UnsafeRawBufferPointer(rebasing: $0[0..<length])) }
            if final { break }
            guard seq < UInt32.max - 1 else { throw EnvelopeError.tooLarge }
            seq += 1
        }
        var probe = [UInt8](repeating: 0, count: 1)
        guard try probe.withUnsafeMutableBytes({ try source.read(into: $0) }) == 0 else { throw EnvelopeError.trailingData }
    }
}

/// Reads until `buffer` is full or the source ends.
func readFully<Source: ByteSource>(_ source: inout Source, into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
    var filled = 0
    while filled < buffer.count {
        let n = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled...]))
        if n == 0 { break }
        filled += n
    }
    return filled
}

/// Reports OpenSSL failures below the format as `EnvelopeError.crypto`.
func wrapCrypto<T>(_ body: () throws -> T) throws -> T {
    do { return try body() } catch let error as CryptoError { throw EnvelopeError.crypto("\(error)") }
}
