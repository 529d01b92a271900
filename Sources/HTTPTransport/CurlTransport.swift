internal import CCurl

/// Accumulates response bytes for curl's C callbacks, which cannot capture.
private final class ResponseBox {
    var body: [UInt8]
    var headerLines: [String] = []
    init() {
        // Reserved up front so a small (secret-bearing) body is never copied by a reallocation
        // into memory we cannot wipe.
        body = []
        body.reserveCapacity(64 * 1024)
    }
}

private let curlInitialised: Bool = { curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK }()

/// `HTTPTransport` over libcurl: TLS verification on, one fresh handle per request (no
/// keep-alive assumptions), proxies from HTTPS_PROXY / https_proxy / NO_PROXY as libcurl reads
/// them, and the CA bundle from `caBundle` (AWS_CA_BUNDLE) when set.
/// SeeAlso: https://curl.se/libcurl/c/curl_easy_setopt.html
public struct CurlTransport: HTTPTransport {
    /// A PEM file of trusted CAs instead of the system store.
    public let caBundle: String?

    /// A transport.
    public init(caBundle: String?) { self.caBundle = caBundle }

    /// See `HTTPTransport`.
    public func send(_ request: TransportRequest, timeouts: Timeouts) throws -> TransportResponse {
        guard curlInitialised, let handle = curl_easy_init() else {
            throw TransportError(url: request.url, code: -1, message: "curl_easy_init failed", transient: false, tls: false)
        }
        defer { curl_easy_cleanup(handle) }
        // A CR or LF in a header (a token read from a file, say) would inject headers.
        for (name, value) in request.headers where (name + value).utf8.contains(where: { $0 == 0x0D || $0 == 0x0A }) {
            throw TransportError(url: request.url, code: -1, message: "header \(name) contains a line break", transient: false, tls: false)
        }
        var headerList: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(headerList) }
        // Drop curl's default "Expect: 100-continue" and "Accept: */*"; send only what was signed.
        for (name, value) in request.headers { headerList = curl_slist_append(headerList, "\(name): \(value)") }
        headerList = curl_slist_append(headerList, "Expect:")
        var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        let box = ResponseBox()
        let boxPointer = Unmanaged.passUnretained(box).toOpaque()

        var rc = CURLE_OK
        func set(_ r: CURLcode) { if rc == CURLE_OK { rc = r } }
        set(request.url.withCString { secrets_curl_setopt_ptr(handle, CURLOPT_URL, $0) })
        set(secrets_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1))
        set(secrets_curl_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, 1))
        set(secrets_curl_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, 2))
        set(secrets_curl_setopt_long(handle, CURLOPT_FORBID_REUSE, 1))
        set(secrets_curl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, timeouts.connectMilliseconds))
        set(secrets_curl_setopt_long(handle, CURLOPT_TIMEOUT_MS, timeouts.totalMilliseconds))
        set(secrets_curl_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 0))
        set("http,https".withCString { secrets_curl_setopt_ptr(handle, CURLOPT_PROTOCOLS_STR, $0) })
        if let caBundle { set(caBundle.withCString { secrets_curl_setopt_ptr(handle, CURLOPT_CAINFO, $0) }) }
        set(errorBuffer.withUnsafeMutableBufferPointer { secrets_curl_setopt_ptr(handle, CURLOPT_ERRORBUFFER, $0.baseAddress) })
        set(request.method.withCString { secrets_curl_setopt_ptr(handle, CURLOPT_CUSTOMREQUEST, $0) })
        if request.method != "GET" || !request.body.isEmpty {
            // POSTFIELDS keeps the caller's pointer; COPYPOSTFIELDS copies it (NOTES.md).
            set(secrets_curl_setopt_off(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(request.body.count)))
            set(request.body.withUnsafeBufferPointer { secrets_curl_setopt_ptr(handle, CURLOPT_COPYPOSTFIELDS, $0.baseAddress ?? UnsafePointer(bitPattern: 1)) })
        }
        set(secrets_curl_setopt_ptr(handle, CURLOPT_HTTPHEADER, headerList))
        set(secrets_curl_setopt_write(handle, CURLOPT_WRITEFUNCTION) { data, size, count, user in
            guard let data, let user else { return 0 }
            let box = Unmanaged<ResponseBox>.fromOpaque(user).takeUnretainedValue()
            box.body.append(contentsOf: UnsafeRawBufferPointer(start: data, count: size * count))
            return size * count
        })
        set(secrets_curl_setopt_ptr(handle, CURLOPT_WRITEDATA, boxPointer))
        set(secrets_curl_setopt_write(handle, CURLOPT_HEADERFUNCTION) { data, size, count, user in
            guard let data, let user else { return 0 }
            let box = Unmanaged<ResponseBox>.fromOpaque(user).takeUnretainedValue()
            box.headerLines.append(String(decoding: UnsafeRawBufferPointer(start: data, count: size * count), as: UTF8.self))
            return size * count
        })
        set(secrets_curl_setopt_ptr(handle, CURLOPT_HEADERDATA, boxPointer))
        guard rc == CURLE_OK else { throw error(request.url, rc, errorBuffer) }

        let performed = curl_easy_perform(handle)
        guard performed == CURLE_OK else { throw error(request.url, performed, errorBuffer) }
        var status = 0
        _ = secrets_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        var headers: [(name: String, value: String)] = []
        for line in box.headerLines {
            // A later status line (after a 100 Continue, or a proxy's CONNECT reply) starts over.
            if line.hasPrefix("HTTP/") { headers.removeAll(); continue }
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.append((String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: " \r\n\t")))
        }
        return TransportResponse(status: status, headers: headers, body: box.body)
    }

    private func error(_ url: String, _ code: CURLcode, _ buffer: [CChar]) -> TransportError {
        let detail = buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        let base = String(cString: curl_easy_strerror(code))
        let transient: Set<CURLcode> = [CURLE_COULDNT_CONNECT, CURLE_OPERATION_TIMEDOUT, CURLE_SEND_ERROR, CURLE_RECV_ERROR,
                                        CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE, CURLE_COULDNT_RESOLVE_HOST]
        let tls: Set<CURLcode> = [CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CONNECT_ERROR]
        return TransportError(url: url, code: Int32(code.rawValue), message: detail.isEmpty ? base : "\(base): \(detail)",
                              transient: transient.contains(code), tls: tls.contains(code))
    }
}

extension String {
    func trimmingCharacters(in set: String) -> String {
        let chars = Set(set)
        var s = Substring(self)
        while let f = s.first, chars.contains(f) { s = s.dropFirst() }
        while let l = s.last, chars.contains(l) { s = s.dropLast() }
        return String(s)
    }
}

extension Substring {
    func trimmingCharacters(in set: String) -> String { String(self).trimmingCharacters(in: set) }
}
