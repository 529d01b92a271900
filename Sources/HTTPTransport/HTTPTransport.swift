/// A request for the transport: everything already signed.
public struct TransportRequest: Sendable {
    /// `GET`, `POST`, `PUT`.
    public var method: String
    /// Absolute URL.
    public var url: String
    /// Headers in order.
    public var headers: [(name: String, value: String)]
    /// Body.
    public var body: [UInt8]

    /// A request.
    public init(method: String, url: String, headers: [(name: String, value: String)], body: [UInt8]) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}

/// A response.
public struct TransportResponse: Sendable {
    /// HTTP status code.
    public var status: Int
    /// Response headers, names as sent.
    public var headers: [(name: String, value: String)]
    /// Body. Callers that receive secrets wipe it after use.
    public var body: [UInt8]

    /// A response.
    public init(status: Int, headers: [(name: String, value: String)], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// First header value, case-insensitively.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}

/// Connect and total time limits.
public struct Timeouts: Sendable {
    /// Milliseconds to establish the connection.
    public var connectMilliseconds: Int
    /// Milliseconds for the whole exchange.
    public var totalMilliseconds: Int

    /// Limits.
    public init(connectMilliseconds: Int, totalMilliseconds: Int) {
        self.connectMilliseconds = connectMilliseconds
        self.totalMilliseconds = totalMilliseconds
    }
}

/// Why a request got no HTTP response.
public struct TransportError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The URL's host, for messages.
    public let url: String
    /// libcurl's code.
    public let code: Int32
    /// libcurl's message (`curl_easy_strerror` plus its error buffer).
    public let message: String
    /// Worth retrying: connection refused or reset, timeouts, empty replies.
    public let transient: Bool
    /// A TLS verification failure.
    public let tls: Bool

    /// See `CustomStringConvertible`.
    public var description: String { "\(url): \(message)" }

    /// An error.
    public init(url: String, code: Int32, message: String, transient: Bool, tls: Bool) {
        self.url = url
        self.code = code
        self.message = message
        self.transient = transient
        self.tls = tls
    }
}

/// One method: send a request, get a response (any status) or a `TransportError`.
public protocol HTTPTransport: Sendable {
    /// Sends `request` within `timeouts`.
    func send(_ request: TransportRequest, timeouts: Timeouts) throws -> TransportResponse
}
