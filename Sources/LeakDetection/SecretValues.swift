/// Finds secret-bearing values in plaintext files, and candidate tokens in files about to be
/// committed, so that a keyed hash of one can be looked up among keyed hashes of the other.
/// Works on bytes: files may be binary or not UTF-8.
public enum SecretValues {
    /// Only this much of a file is scanned for pasted secrets (text files are far smaller).
    public static let maxScannedSize = 4 << 20

    /// Values that are never secrets, whatever their length.
    static let trivial: Set<String> = ["true", "false", "null", "none", "nil", "yes", "no", "changeme", "password", "example", "localhost"]

    /// Key-name fragments that mark a value as secret-bearing.
    static let secretKeyWords = ["pass", "secret", "token", "key", "credential", "private", "auth", "api", "cert", "salt",
                                 "signature", "dsn", "conn", "pwd", "session", "cookie"]

    /// Secret values in a plaintext file: values of `key=value`, `key: value` and JSON
    /// `"key": "value"` lines whose key sounds secret, or that look random; and whole lines that
    /// look random (key material such as PEM bodies).
    public static func candidates(in bytes: [UInt8], minLength: Int) -> [[UInt8]] {
        var out: [[UInt8]] = []
        for line in lines(bytes) {
            // Quoted pairs anywhere in the line cover minified JSON and inline tables.
            for (key, value) in quotedPairs(line) where qualifies(value, minLength: minLength, secretKey: looksSecret(key)) {
                out.append(value)
            }
            if let (key, value) = keyValue(line) {
                if qualifies(value, minLength: minLength, secretKey: looksSecret(key)) { out.append(value) }
            } else if !line.contains(where: { delimiters.contains($0) && $0 != UInt8(ascii: "/") && $0 != UInt8(ascii: "=") }),
                      qualifies(line, minLength: max(minLength, 16), secretKey: false) {
                // A bare random-looking line (base64 key material) is a value in itself.
                out.append(line)
            }
        }
        return out
    }

    /// Every token of a file that might be a copied secret: key/value values, quoted strings,
    /// whole lines, and runs between delimiters. Only tokens of at least `minLength` bytes.
    public static func tokens(in bytes: [UInt8], minLength: Int) -> Set<[UInt8]> {
        var out = Set<[UInt8]>()
        func add(_ t: [UInt8]) { if t.count >= minLength { out.insert(t) } }
        for line in lines(bytes) {
            add(line)
            if let (_, value) = keyValue(line) { add(value) }
            for quoted in quotedStrings(line) { add(quoted) }
            var run: [UInt8] = []
            for b in line {
                if delimiters.contains(b) {
                    add(run)
                    run.removeAll(keepingCapacity: true)
                } else {
                    run.append(b)
                }
            }
            add(run)
        }
        return out
    }

    // MARK: pieces

    static let delimiters: Set<UInt8> = Set(" \t\"'`,;:=@/()[]{}<>|&?\\".utf8)
    static let whitespace: Set<UInt8> = [0x20, 0x09, 0x0D]

    /// Lines with surrounding whitespace trimmed, empty ones dropped.
    static func lines(_ bytes: [UInt8]) -> [[UInt8]] {
        bytes.split(separator: 0x0A).map { trim(Array($0)) }.filter { !$0.isEmpty }
    }

    static func trim(_ b: [UInt8]) -> [UInt8] {
        guard let first = b.firstIndex(where: { !whitespace.contains($0) }),
              let last = b.lastIndex(where: { !whitespace.contains($0) }) else { return [] }
        return Array(b[first...last])
    }

    static func unquote(_ b: [UInt8]) -> [UInt8] {
        var v = trim(b)
        while let last = v.last, last == UInt8(ascii: ",") || last == UInt8(ascii: ";") { v.removeLast() }
        if v.count >= 2, let f = v.first, f == v.last, f == UInt8(ascii: "\"") || f == UInt8(ascii: "'") {
            v = Array(v[1..<(v.count - 1)])
        }
        return v
    }

    /// Splits `key=value` or `key: value` at the first `=` or `:`; `export ` and quotes removed.
    static func keyValue(_ line: [UInt8]) -> ([UInt8], [UInt8])? {
        if line.first == UInt8(ascii: "#") { return nil }
        guard let sep = line.firstIndex(where: { $0 == UInt8(ascii: "=") || $0 == UInt8(ascii: ":") }), sep > 0 else { return nil }
        var key = unquote(Array(line[..<sep]))
        if key.starts(with: Array("export ".utf8)) { key = Array(key.dropFirst(7)) }
        let value = unquote(Array(line[(sep + 1)...]))
        // A nested object or list is structure, not a value.
        guard !key.isEmpty, let first = value.first, first != UInt8(ascii: "{"), first != UInt8(ascii: "[") else { return nil }
        return (key, value)
    }

    static func quotedStrings(_ line: [UInt8]) -> [[UInt8]] { quotedSpans(line).map(\.text) }

    /// Quoted strings with the offsets of their opening and closing quotes.
    static func quotedSpans(_ line: [UInt8]) -> [(text: [UInt8], start: Int, end: Int)] {
        var out: [(text: [UInt8], start: Int, end: Int)] = []
        var quote: UInt8?
        var start = 0
        var current: [UInt8] = []
        for (i, b) in line.enumerated() {
            if let q = quote {
                if b == q { out.append((current, start, i)); current.removeAll(); quote = nil } else { current.append(b) }
            } else if b == UInt8(ascii: "\"") || b == UInt8(ascii: "'") || b == UInt8(ascii: "`") {
                quote = b
                start = i
            }
        }
        return out
    }

    /// `"key": "value"` and `"key" = "value"` pairs: two quoted strings with only a `:` or `=`
    /// (and spaces) between them.
    static func quotedPairs(_ line: [UInt8]) -> [([UInt8], [UInt8])] {
        let spans = quotedSpans(line)
        guard spans.count >= 2 else { return [] }
        var out: [([UInt8], [UInt8])] = []
        for i in 0..<(spans.count - 1) {
            let between = trim(Array(line[(spans[i].end + 1)..<spans[i + 1].start]))
            if between == [UInt8(ascii: ":")] || between == [UInt8(ascii: "=")] { out.append((spans[i].text, spans[i + 1].text)) }
        }
        return out
    }

    static func looksSecret(_ key: [UInt8]) -> Bool {
        let lower = String(decoding: key, as: UTF8.self).lowercased()
        return secretKeyWords.contains { lower.contains($0) }
    }

    /// Long enough, not a placeholder, and either under a secret-sounding key or random-looking.
    static func qualifies(_ value: [UInt8], minLength: Int, secretKey: Bool) -> Bool {
        guard value.count >= minLength else { return false }
        if trivial.contains(String(decoding: value, as: UTF8.self).lowercased()) { return false }
        if secretKey { return true }
        return value.count >= max(minLength, 16) && looksRandom(value)
    }

    /// Letters and digits mixed, and at least 3 bits of Shannon entropy per byte: tokens and key
    /// material pass, words, host names and version strings do not.
    static func looksRandom(_ v: [UInt8]) -> Bool {
        var hasLetter = false, hasDigit = false
        var counts = [Int](repeating: 0, count: 256)
        for b in v {
            counts[Int(b)] += 1
            if (0x30...0x39).contains(b) { hasDigit = true }
            if (0x41...0x5A).contains(b) || (0x61...0x7A).contains(b) { hasLetter = true }
        }
        guard hasLetter && hasDigit else { return false }
        let n = Double(v.count)
        var entropy = 0.0
        for c in counts where c > 0 {
            let p = Double(c) / n
            entropy -= p * log2(p)
        }
        return entropy >= 3.0
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
