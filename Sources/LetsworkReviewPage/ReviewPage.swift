import Foundation
import GitKit
import HTTPTypes
import Hummingbird
import LetsworkReview
import Logging
import Mustache
import ServiceLifecycle

/// The review page: the pending queue, each change with its revisions and diffs, approve and
/// reject, and the decided history, all under `/review`.
///
/// It does its own authentication (a one-time login link exchanged for a cookie, see
/// ``ReviewAccess``) and refuses, before anything else, whatever did not come from this
/// machine's browser (see ``RequestGuard``). Serve it alone (`letswork review`) as an
/// `HTTPResponder`, or mount ``respond(to:context:)`` under `/review` in another server.
public struct ReviewPage: HTTPResponder, Sendable {
    public typealias Context = BasicRequestContext

    /// Where the page lives.
    public static let prefix = "/review"

    private let engine: ReviewEngine
    /// The login secrets and browser sessions of this page.
    public let access: ReviewAccess
    /// What tells open queue pages to update themselves.
    private let bell: QueueBell
    private let logger: Logger

    /// - Parameters:
    ///   - store: The repository's change store (the page calls it only through ``ReviewEngine``).
    ///   - access: Login secrets and sessions; issue a login link with ``ReviewAccess/issueLoginSecret()``.
    ///   - bell: Rung by whoever learns of proposals and decisions; the queue pages follow it.
    ///   - logger: Where refusals are logged (never a secret or a cookie).
    public init(store: ChangeStore, access: ReviewAccess = ReviewAccess(), bell: QueueBell, logger: Logger) {
        engine = ReviewEngine(store: store)
        self.access = access
        self.bell = bell
        self.logger = logger
    }

    /// `http://127.0.0.1:PORT/review/login#SECRET`: the secret stays in the fragment, which
    /// browsers never send, so it cannot reach a server log or a proxy.
    public static func loginURL(port: Int, secret: String) -> String {
        "http://127.0.0.1:\(port)\(prefix)/login#\(secret)"
    }

    /// Whether `path` belongs to the page.
    public static func serves(_ path: String) -> Bool {
        path == prefix || path.hasPrefix(prefix + "/")
    }

    public func respond(to request: Request, context: Context) async throws -> Response {
        if let reason = RequestGuard.refusal(request) {
            logger.notice("review page: refused a request", metadata: ["reason": "\(reason)"])
            return Self.plain(.forbidden, reason)
        }
        let path = request.uri.path
        let parts = path.split(separator: "/").map(String.init)
        guard Self.serves(path), parts.first == "review" else { return Self.plain(.notFound, "Not found.") }
        let route = Array(parts.dropFirst())

        switch (request.method, route.first) {
        case (.get, "assets"):
            guard route.count == 2, let asset = Assets.files[route[1]] else { return Self.plain(.notFound, "Not found.") }
            return Self.response(.ok, type: asset.type, asset.body)
        case (.get, "login"):
            return page(.ok, "login", PageModels.Login())
        case (.post, "login"):
            return try await logIn(request)
        default:
            break
        }

        guard let session = RequestGuard.cookie(access.cookieName, in: request),
              let csrf = await access.csrfToken(ofSession: session) else {
            return problem(.unauthorized, "Not logged in",
                           "Open the one-time link that `letswork review` (or the `letswork start` box) printed; run `letswork review` again for a new one.")
        }
        do {
            switch (request.method, route.count, route.first) {
            case (.get, 0, _):
                return try await queuePage()
            case (.get, 2, "queue") where route[1] == "live":
                return LiveQueue.response(bell)
            case (.get, 2, "queue") where route[1] == "table":
                return Self.response(.ok, type: "text/html; charset=utf-8",
                                     Self.render(try await queueModel(), "queueTable"))
            case (.get, 1, "history"):
                return try await historyPage(request)
            case (.get, 2, "change") where ChangeID.isWellFormed(route[1]):
                return try await changePage(route[1], request: request, csrf: csrf)
            case (.post, 3, "change") where ChangeID.isWellFormed(route[1]) && ["approve", "reject"].contains(route[2]):
                let form = FormBody(Array(try await request.body.collect(upTo: 64 * 1024).readableBytesView))
                guard let sent = form["csrf"], ReviewAccess.same(sent, csrf) else {
                    return Self.plain(.forbidden, "This form has no valid CSRF token; reload the page and try again.")
                }
                return route[2] == "approve" ? try await approve(route[1], form) : try await reject(route[1], form)
            default:
                return problem(.notFound, "Not found", "There is no page at \(path).")
            }
        } catch let error as ReviewError {
            if case .unknownChange = error { return problem(.notFound, "No such change", error.description) }
            return problem(.conflict, "The engine refused", error.description)
        }
    }

    // MARK: - Login

    private func logIn(_ request: Request) async throws -> Response {
        let form = FormBody(Array(try await request.body.collect(upTo: 4096).readableBytesView))
        guard let secret = form["secret"], let session = await access.redeem(secret) else {
            logger.notice("review page: refused a login link (unknown or already used)")
            return Self.plain(.forbidden, "This login link was already used or is not valid. Run `letswork review` again for a new one.")
        }
        var response = Self.plain(.noContent, "")
        response.headers[.setCookie] = access.cookie(for: session, path: Self.prefix)
        return response
    }

    // MARK: - Pages

    private func queueModel() async throws -> PageModels.Queue {
        // Read before the queue: a ring during the read makes the live stream's count higher
        // than the page's, so the page fetches again rather than missing it.
        let rings = bell.rings
        let changes = try await engine.queue()
        let now = ChangeStore.systemClock()
        return PageModels.Queue(stamp: String(rings), count: changes.count,
                                changes: changes.reversed().map { PageModels.QueueRow($0, now: now) })
    }

    private func queuePage() async throws -> Response {
        page(.ok, "queue", try await queueModel())
    }

    private func changePage(_ id: String, request: Request, csrf: String) async throws -> Response {
        let (details, revisions) = try await engine.change(id)
        let record = details.record
        let latest = revisions.count
        let query = request.uri.queryParameters
        let to = query["to"].flatMap { Int($0) }.map { min(max($0, 1), latest) } ?? latest
        let from = query["from"].flatMap { Int($0) }.map { min(max($0, 0), latest) } ?? 0
        let view = query["view"] == "split" ? "split" : "unified"
        let files = from == 0 && to == latest ? details.files : try await engine.diff(id, from: from, to: to)
        let message = PageModels.split(message: revisions[to - 1].message)
        // Newest first, as the queue lists them: "next" goes down the list.
        let queue = Array(try await engine.pendingIDs().reversed())
        let position = queue.firstIndex(of: id)
        let now = ChangeStore.systemClock()
        let choices = { (range: ClosedRange<Int>, selected: Int) in
            range.map { PageModels.Choice(value: "\($0)", label: $0 == 0 ? "base (what the proposer saw)" : "revision \($0)", selected: $0 == selected) }
        }
        let model = PageModels.Change(
            title: "Change \(id)", id: id, state: record.state.rawValue, author: record.proposer.name,
            latest: latest, age: ShortAge.text(since: record.updatedAt, now: now),
            decision: record.decision.map {
                PageModels.DecisionView(verdict: record.state.rawValue, by: $0.by.name, when: PageModels.when($0.at), reason: $0.reason)
            },
            subject: message.subject, body: message.body, hasTrailers: !message.trailers.isEmpty, trailers: message.trailers,
            pending: record.state == .pending, csrf: csrf,
            revisions: revisions.map {
                PageModels.RevisionRow(number: $0.number, when: PageModels.when($0.submittedAt), hasPrevious: $0.number > 1, previous: $0.number - 1)
            },
            fromChoices: choices(0...latest, from), toChoices: choices(1...latest, to), view: view, unified: view == "unified",
            from: from, to: to,
            diffTitle: from == 0 ? "Revision \(to) of \(latest): its diff against what the proposer saw"
                : "Changes from revision \(from) to revision \(to)",
            files: files.enumerated().map { FileView($1, index: $0) },
            previous: position.flatMap { $0 > 0 ? queue[$0 - 1] : nil },
            next: position.flatMap { $0 + 1 < queue.count ? queue[$0 + 1] : nil })
        return page(.ok, "change", model)
    }

    private func historyPage(_ request: Request) async throws -> Response {
        let query = request.uri.queryParameters
        let person = query["person"].map(String.init) ?? ""
        let file = (query["file"].map(String.init) ?? "").trimmingCharacters(in: .whitespaces)
        let records = try await engine.history(limit: 500)
        var people: [String: String] = [:]
        for record in records {
            people[record.proposer.id] = record.proposer.name
            if let by = record.decision?.by { people[by.id] = by.name }
        }
        let shown = records.filter { record in
            (person.isEmpty || record.proposer.id == person || record.decision?.by.id == person)
                && (file.isEmpty || record.paths.contains { $0 == file || $0.contains(file) })
        }
        let model = PageModels.History(
            people: people.sorted { $0.value < $1.value }.map { PageModels.Choice(value: $0.key, label: $0.value, selected: $0.key == person) },
            file: file, filtered: !person.isEmpty || !file.isEmpty, entries: shown.map(PageModels.HistoryRow.init))
        return page(.ok, "history", model)
    }

    // MARK: - Decisions

    private func approve(_ id: String, _ form: FormBody) async throws -> Response {
        switch try await engine.approve(id, force: form.flag("force"), commit: form.flag("commit")) {
        case .approved(let report):
            var lines = ["Wrote \(report.written.count) file(s)" + (report.deleted.isEmpty ? "." : ", deleted \(report.deleted.count).")]
            if !report.merged.isEmpty { lines.append("Merged with your own edits: \(report.merged.joined(separator: ", ")).") }
            if !report.forced.isEmpty { lines.append("Your edits were replaced in: \(report.forced.joined(separator: ", ")).") }
            if let commit = report.hostCommit { lines.append("Committed as \(commit.prefix(12)).") }
            return page(.ok, "result", PageModels.Result(
                title: "Approved \(id)", kind: "approved", heading: "Approved \(id) from \(report.proposer.name)",
                lines: lines, conflicts: [], id: id))
        case .conflicted(_, let conflicts):
            return page(.conflict, "result", PageModels.Result(
                title: "Conflicts in \(id)", kind: "refused",
                heading: "Change \(id) conflicts with your edits; nothing was written and it stays pending.",
                lines: ["Ask the proposer to re-read these files and send a new revision, or approve again with “take the proposed version (--force)”."],
                conflicts: conflicts, id: id))
        }
    }

    private func reject(_ id: String, _ form: FormBody) async throws -> Response {
        let reason = form["reason"].flatMap { $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : $0 }
        let record = try await engine.reject(id, reason: reason)
        return page(.ok, "result", PageModels.Result(
            title: "Rejected \(id)", kind: "rejected", heading: "Rejected \(id) from \(record.proposer.name)",
            lines: reason.map { ["Reason: \($0)"] } ?? [], conflicts: [], id: id))
    }

    // MARK: - Rendering

    /// The templates are constants compiled into this module, and the page tests render every
    /// one, so a template that does not parse is a programming error caught by the tests.
    private static let library: MustacheLibrary = {
        MustacheContentTypes.register(HTMLEscaping(), named: HTMLEscaping.name)
        var library = MustacheLibrary()
        for (name, text) in Templates.all {
            do { try library.register(HTMLEscaping.pragma + text, named: name) } catch { fatalError("review page template \(name) does not parse: \(error)") }
        }
        return library
    }()

    static func render(_ model: Any, _ template: String) -> String {
        library.render(model, withTemplate: template) ?? ""
    }

    private func page(_ status: HTTPResponse.Status, _ template: String, _ model: Any) -> Response {
        Self.response(status, type: "text/html; charset=utf-8", Self.render(model, template))
    }

    private func problem(_ status: HTTPResponse.Status, _ heading: String, _ message: String) -> Response {
        page(status, "problem", PageModels.Problem(title: heading, heading: heading, message: message))
    }

    static let securityHeaders: HTTPFields = [
        HTTPField.Name("Content-Security-Policy")!:
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
            + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        HTTPField.Name("X-Content-Type-Options")!: "nosniff",
        // same-origin, not no-referrer: with no-referrer browsers send `Origin: null` on form POSTs,
        // which the Origin check must refuse.
        HTTPField.Name("Referrer-Policy")!: "same-origin",
        .cacheControl: "no-store",
    ]

    static func response(_ status: HTTPResponse.Status, type: String, _ body: String) -> Response {
        var headers = securityHeaders
        headers[.contentType] = type
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }

    static func plain(_ status: HTTPResponse.Status, _ text: String) -> Response {
        response(status, type: "text/plain; charset=utf-8", text.isEmpty ? "" : text + "\n")
    }
}

extension ReviewPage {
    /// A server of this page alone on 127.0.0.1 (for `letswork review`): run it in a
    /// `ServiceGroup`. `onListening` gets the port once it is bound (useful with port 0).
    public func application(port: Int, logger: Logger, onListening: @escaping @Sendable (Int) async -> Void) -> some Service {
        Application(
            responder: self,
            configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: port)),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? port) },
            logger: logger)
    }
}
