/// Base64 (RFC 4648) decoding straight into wiping memory, for keys that arrive base64-encoded
/// (KMS `Plaintext`), so no intermediate `Data` or `String` holds them.
public enum Base64 {
    /// Decodes standard base64 (padding optional; JSON's `\/` escape tolerated) or returns nil.
    public static func decodeSecure(_ text: UnsafeRawBufferPointer) -> SecureBytes? {
        var values = [UInt8](repeating: 0, count: text.count)
        defer { Wipe.array(&values) }
        var n = 0
        for c in text {
            let v: UInt8
            switch c {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): v = c - UInt8(ascii: "A")
            case UInt8(ascii: "a")...UInt8(ascii: "z"): v = c - UInt8(ascii: "a") + 26
            case UInt8(ascii: "0")...UInt8(ascii: "9"): v = c - UInt8(ascii: "0") + 52
            case UInt8(ascii: "+"): v = 62
            case UInt8(ascii: "/"): v = 63
            case UInt8(ascii: "="), UInt8(ascii: "\\"): continue
            default: return nil
            }
            values[n] = v
            n += 1
        }
        guard n % 4 != 1 else { return nil }
        let out = SecureBytes(count: n * 3 / 4)
        out.withUnsafeMutableBytes { o in
            var j = 0
            var i = 0
            while i + 4 <= n {
                let (a, b, c, d) = (values[i], values[i + 1], values[i + 2], values[i + 3])
                o[j] = a << 2 | b >> 4; o[j + 1] = b << 4 | c >> 2; o[j + 2] = c << 6 | d
                i += 4; j += 3
            }
            let rest = n - i
            if rest >= 2 { o[j] = values[i] << 2 | values[i + 1] >> 4 }
            if rest == 3 { o[j + 1] = values[i + 1] << 4 | values[i + 2] >> 2 }
        }
        return out
    }
}
