/// The checks a 2026-07-28 request passes before it is dispatched, in the spec's order (first
/// failure wins): the `_meta` envelope is there, the HTTP headers agree with the body, the version
/// is one letswork speaks.
public enum ModernEnvelope {
    /// The request's client context, or the error to answer it with.
    /// - Parameter header: The values an HTTP header was sent with (none for stdio), or nil to
    ///   skip the header checks (a transport without headers).
    public static func read(_ request: RPCRequest, header: ((String) -> [String])?) -> Result<ClientContext, RPCError> {
        guard let meta = request.meta else {
            return .failure(.invalidParams(
                "Invalid params: a 2026-07-28 request carries params._meta with \"\(MetaKey.protocolVersion)\" and "
                    + "\"\(MetaKey.clientCapabilities)\". Add them, or send initialize first to use a session (2025-11-25 and earlier)."))
        }
        let missing = [MetaKey.protocolVersion, MetaKey.clientCapabilities].filter { meta[$0] == nil }
        guard missing.isEmpty else {
            return .failure(.invalidParams("Invalid params: params._meta lacks \(missing.map { "\"\($0)\"" }.joined(separator: " and ")), which every 2026-07-28 request carries."))
        }
        let version = meta[MetaKey.protocolVersion]!
        if let header {
            if let mismatch = headerMismatch(request, version: version, header: header) { return .failure(mismatch) }
        }
        guard case .string(let requested) = version else {
            return .failure(.invalidParams("Invalid params: \"\(MetaKey.protocolVersion)\" must be a string such as \"\(ProtocolVersion.latestModern)\"."))
        }
        guard ProtocolVersion.isModern(requested) else {
            return .failure(.unsupportedProtocolVersion(requested))
        }
        let info = ClientContext.info(meta[MetaKey.clientInfo])
        return .success(ClientContext(protocolVersion: requested, clientName: info.name, clientVersion: info.version,
                                      capabilities: meta[MetaKey.clientCapabilities] ?? [:]))
    }

    private static func headerMismatch(_ request: RPCRequest, version: JSONValue, header: (String) -> [String]) -> RPCError? {
        func single(_ name: String) -> (value: String?, duplicated: Bool) {
            let values = header(name)
            return (values.first, values.count > 1)
        }
        let versionHeader = single(MirrorHeader.protocolVersion)
        guard !versionHeader.duplicated, let sent = versionHeader.value, .string(sent) == version else {
            return .headerMismatch("Header mismatch: \(MirrorHeader.protocolVersion) must be sent once and equal params._meta's protocol version (\(version)).")
        }
        let methodHeader = single(MirrorHeader.method)
        guard !methodHeader.duplicated, methodHeader.value == request.method else {
            return .headerMismatch("Header mismatch: \(MirrorHeader.method) must be sent once and equal the body's method (\(request.method)).")
        }
        if let parameter = MirrorHeader.nameParameter(of: request.method), case .string(let name)? = request.params[parameter] {
            let nameHeader = single(MirrorHeader.name)
            guard !nameHeader.duplicated, let sent = nameHeader.value, HeaderValue.decode(sent) == name else {
                return .headerMismatch("Header mismatch: \(MirrorHeader.name) must be sent once and equal params.\(parameter) (\(name)).")
            }
        }
        return nil
    }
}

/// Header values that are not plain visible ASCII travel as `=?base64?…?=` (2026-07-28).
public enum HeaderValue {
    public static func encode(_ value: String) -> String {
        let plain = value.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F } && value == value.trimmingSpaces
            && !(value.hasPrefix("=?base64?") && value.hasSuffix("?="))
        return plain ? value : "=?base64?" + Base64.encode(Array(value.utf8)) + "?="
    }

    public static func decode(_ value: String) -> String? {
        guard value.hasPrefix("=?base64?"), value.hasSuffix("?="), value.count >= 11 else { return value }
        let payload = String(value.dropFirst(9).dropLast(2))
        guard let bytes = Base64.decode(payload), Base64.encode(bytes) == payload else { return nil }
        return String(validating: bytes, as: UTF8.self)
    }
}

extension String {
    var trimmingSpaces: Substring {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { $0 != " " && $0 != "\t" }) else { return "" }
        let last = scalars.lastIndex(where: { $0 != " " && $0 != "\t" })!
        return Substring(scalars[first...last])
    }
}

/// Standard base64 (RFC 4648 §4), padded; small enough not to need Foundation on this path.
enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let chunk = bytes[index..<min(index + 3, bytes.count)]
            let b0 = chunk[chunk.startIndex], b1 = chunk.count > 1 ? chunk[chunk.startIndex + 1] : 0, b2 = chunk.count > 2 ? chunk[chunk.startIndex + 2] : 0
            out.append(alphabet[Int(b0 >> 2)])
            out.append(alphabet[Int((b0 & 0x03) << 4 | b1 >> 4)])
            out.append(chunk.count > 1 ? alphabet[Int((b1 & 0x0F) << 2 | b2 >> 6)] : UInt8(ascii: "="))
            out.append(chunk.count > 2 ? alphabet[Int(b2 & 0x3F)] : UInt8(ascii: "="))
            index += 3
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func decode(_ text: String) -> [UInt8]? {
        let characters = Array(text.utf8)
        guard characters.count % 4 == 0 else { return nil }
        var out: [UInt8] = []
        var index = 0
        while index < characters.count {
            var values: [UInt8] = []
            var padding = 0
            for character in characters[index..<index + 4] {
                if character == UInt8(ascii: "=") { padding += 1; values.append(0); continue }
                guard padding == 0, let position = alphabet.firstIndex(of: character) else { return nil }
                values.append(UInt8(position))
            }
            guard padding <= 2, padding == 0 || index + 4 == characters.count else { return nil }
            out.append(values[0] << 2 | values[1] >> 4)
            if padding < 2 { out.append(values[1] << 4 | values[2] >> 2) }
            if padding < 1 { out.append(values[2] << 6 | values[3]) }
            index += 4
        }
        return out
    }
}
