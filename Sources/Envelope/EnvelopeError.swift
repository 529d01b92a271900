/// Why a sealed file could not be opened or written. The classes are kept apart on purpose
/// (docs/FORMAT.md 1.1): a parse bug must never pass as "wrong key".
public enum EnvelopeError: Error, Equatable, Sendable {
    /// The input ended before the header or a frame was complete.
    case truncated
    /// The first bytes are not `SECRETS`: not a sealed file at all.
    case badMagic
    /// Written by a newer format version.
    case unsupportedVersion(UInt8)
    /// A header field holds a value this version does not allow.
    case malformedHeader(String)
    /// Sealed for a different repository.
    case wrongRepository
    /// Sealed for a different path.
    case wrongPath
    /// The data key does not match the one the file was sealed with.
    case commitmentMismatch
    /// A tag did not verify. `frame` 0 is the header; frames count from 1.
    case authenticationFailed(frame: Int)
    /// Trailing bytes after the final frame.
    case trailingData
    /// A file too large for 2^32 - 1 frames.
    case tooLarge
    /// An OpenSSL failure below the format.
    case crypto(String)
}
