import Foundation
import LetsworkTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// A TLS reverse proxy on loopback standing in for the tunnel: nginx (from Debian, installed by
/// scripts/setup-system) with a certificate signed by a throwaway CA that the test makes with
/// openssl, so the proxy must be given `--cacert` to trust it. Own temporary prefix, started
/// and stopped by the test.
final class TLSTunnel: @unchecked Sendable {
    // @unchecked Sendable: immutable after init except `process`, used through Foundation's
    // thread-safe accessors.
    let folder: String
    let port: Int
    let process = Process()

    var url: String { "https://127.0.0.1:\(port)" }
    var caCertificate: String { folder + "/ca.pem" }

    /// - Parameter eventStreamReplies: Rewrite each request's `Accept` to `text/event-stream`
    ///   only, so the server answers every POST as an SSE stream (as some hosts and gateways do).
    /// - Parameter getStreamMessage: Answer every GET itself with this one SSE message and end
    ///   the stream, standing in for a host that offers a GET stream (letswork's answers 405).
    /// - Parameter bufferStreams: Hold every response until it is complete, whatever it says
    ///   (`X-Accel-Buffering` ignored), as a cloudflared quick tunnel does with long-lived
    ///   streams: a notification stream then delivers nothing while it lasts.
    init(upstreamPort: Int, eventStreamReplies: Bool = false, getStreamMessage: String? = nil, bufferStreams: Bool = false) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("letswork-tls-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: folder + "/logs", withIntermediateDirectories: true)
        try Self.makeCertificates(in: folder)
        port = try freeLoopbackPort()
        let configuration = """
            daemon off;
            master_process off;
            pid \(folder)/nginx.pid;
            error_log \(folder)/logs/error.log warn;
            events { worker_connections 256; }
            http {
                access_log off;
                client_body_temp_path \(folder)/body;
                proxy_temp_path \(folder)/proxy;
                fastcgi_temp_path \(folder)/fastcgi;
                uwsgi_temp_path \(folder)/uwsgi;
                scgi_temp_path \(folder)/scgi;
                client_max_body_size 8m;
                client_body_buffer_size 8m;
                server {
                    listen 127.0.0.1:\(port) ssl;
                    ssl_certificate \(folder)/server.pem;
                    ssl_certificate_key \(folder)/server.key;
                    location / {
                        \(getStreamMessage.map { "default_type text/event-stream; if ($request_method = GET) { return 200 '" + ": comment\n" + "data: " + $0 + "\n\n'; }" } ?? "")
                        proxy_pass http://127.0.0.1:\(upstreamPort);
                        proxy_http_version 1.1;
                        proxy_set_header Connection "";
                        \(bufferStreams ? "proxy_buffering on; proxy_ignore_headers X-Accel-Buffering; proxy_buffer_size 64k; proxy_buffers 16 64k; proxy_busy_buffers_size 128k;" : "proxy_buffering off;")
                        proxy_read_timeout 120s;
                        \(eventStreamReplies ? "proxy_set_header Accept \"text/event-stream\";" : "")
                    }
                }
            }
            """
        try configuration.write(toFile: folder + "/nginx.conf", atomically: true, encoding: .utf8)
        let nginx = ["/usr/sbin/nginx", "/usr/local/sbin/nginx", "/opt/homebrew/bin/nginx", "/usr/local/bin/nginx"]
            .first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let nginx else { throw TestFailure("nginx is not installed; run scripts/setup-system") }
        process.executableURL = URL(fileURLWithPath: nginx)
        process.arguments = ["-p", folder, "-c", folder + "/nginx.conf", "-e", folder + "/logs/error.log"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Ready when it accepts a connection.
        let deadline = Date().addingTimeInterval(15)
        while !Self.accepts(port: port) {
            guard Date() < deadline, process.isRunning else {
                let log = (try? String(contentsOfFile: folder + "/logs/error.log", encoding: .utf8)) ?? ""
                stop()
                throw TestFailure("nginx did not start:\n\(log)")
            }
            usleep(20_000)
        }
    }

    func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// A CA, and a certificate for 127.0.0.1 and localhost signed by it.
    private static func makeCertificates(in folder: String) throws {
        let openssl = ["/usr/bin/openssl", "/usr/local/bin/openssl", "/opt/homebrew/bin/openssl"]
            .first { FileManager.default.isExecutableFile(atPath: $0) } ?? "openssl"
        try "subjectAltName=IP:127.0.0.1,DNS:localhost\n".write(toFile: folder + "/san.ext", atomically: true, encoding: .utf8)
        for arguments in [
            ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
             "-subj", "/CN=letswork test CA"],
            ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1"],
            ["x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
             "-out", "server.pem", "-days", "2", "-extfile", "san.ext"],
        ] {
            let result = try runProcess(openssl, arguments, in: folder)
            guard result.status == 0 else { throw TestFailure("openssl \(arguments.joined(separator: " ")) failed:\n\(result.errors)") }
        }
    }

    private static func accepts(port: Int) -> Bool {
        guard let socket = try? connectLoopback(port: port, timeoutSeconds: 1) else { return false }
        close(socket)
        return true
    }
}
