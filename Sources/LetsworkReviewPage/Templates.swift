/// The page's Mustache templates, compiled into the binary so the page works offline and ships
/// as one executable. `{{x}}` escapes HTML (``HTMLEscaping``, which the library puts first in
/// every template). The unescaped form `{{&x}}` is used only for the names in
/// ``unescapedNames``, whose values are ``SafeHTML`` from ``HTMLWriter``; `{{{x}}}` never.
/// Pages extend `layout` through Mustache inheritance (`{{<layout}}{{$content}}…`), so no
/// rendered markup is ever pasted into another template as a string.
enum Templates {
    static let all: [String: String] = [
        "layout": layout, "login": login, "queue": queue, "queueTable": queueTable, "change": change,
        "fileDiff": fileDiff, "history": history, "result": result, "problem": problem,
    ]

    /// The only names a template may put in unescaped (`{{&name}}`): a file's diff rows.
    static let unescapedNames: Set<String> = ["unifiedRows", "splitRows"]

    static let layout = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{title}} · letswork review</title>
        <link rel="stylesheet" href="/review/assets/review.css">
        <script src="/review/assets/review.js" defer></script>
        </head>
        <body data-page="{{page}}">
        <header>
        <strong>letswork review</strong>
        <nav><a href="/review">Queue</a> · <a href="/review/history">History</a></nav>
        <span class="keys">Keys: j / k next / previous · Enter open · a approve · r reject</span>
        </header>
        <main>
        {{$content}}{{/content}}
        </main>
        </body>
        </html>
        """

    static let login = """
        {{<layout}}{{$content}}
        <h1>Logging in…</h1>
        <p id="login-status" role="status">Exchanging the one-time link for a session cookie.</p>
        <noscript><p>This page needs JavaScript to read the one-time secret from the link.</p></noscript>
        {{/content}}{{/layout}}
        """

    static let queue = """
        {{<layout}}{{$content}}
        <h1>Pending changes</h1>
        <p class="live">Updates by itself as changes are proposed and decided.</p>
        <div id="queue" data-stamp="{{stamp}}">{{>queueTable}}</div>
        {{/content}}{{/layout}}
        """

    static let queueTable = """
        <p class="count">{{count}} pending</p>
        <table class="queue">
        <thead><tr><th>Id</th><th>Author</th><th>Message</th><th>Files</th><th>+/-</th><th>Age</th><th>Applies</th></tr></thead>
        <tbody>
        {{#changes}}
        <tr class="change" data-href="/review/change/{{id}}">
        <td><a class="change-link" href="/review/change/{{id}}">{{id}}</a>{{#revisionLabel}} <small>{{.}}</small>{{/revisionLabel}}</td>
        <td>{{author}}</td>
        <td>{{subject}}</td>
        <td><ul class="files">{{#files}}<li>{{.}}</li>{{/files}}</ul></td>
        <td><span class="add">+{{additions}}</span> <span class="del">-{{deletions}}</span></td>
        <td>{{age}} ago</td>
        <td class="status status-{{statusKind}}">{{statusLabel}}
        {{#conflicts}}<details class="conflict"><summary>{{path}}: {{reason}}</summary>
        {{#hunks}}<p>at line {{line}}</p><pre class="conflict-lines">{{#host}}host:     {{.}}
        {{/host}}{{#proposed}}proposed: {{.}}
        {{/proposed}}</pre>{{/hunks}}</details>{{/conflicts}}</td>
        </tr>
        {{/changes}}
        {{^changes}}<tr><td colspan="7">No pending changes.</td></tr>{{/changes}}
        </tbody>
        </table>
        """

    static let change = """
        {{<layout}}{{$content}}
        <nav class="neighbours">{{#previous}}<a rel="prev" href="/review/change/{{.}}">← previous (k)</a>{{/previous}} {{#next}}<a rel="next" href="/review/change/{{.}}">next (j) →</a>{{/next}}</nav>
        <h1>Change <span class="change-id">{{id}}</span> <span class="state state-{{state}}">[{{state}}]</span></h1>
        <p>Proposed by {{author}} · {{latest}} revision(s) · updated {{age}} ago</p>
        {{#decision}}<p class="decision">{{verdict}} by {{by}} at {{when}}{{#reason}}: <q class="reason">{{.}}</q>{{/reason}}</p>{{/decision}}
        <pre class="message">{{subject}}{{#body}}

        {{.}}{{/body}}</pre>
        {{#hasTrailers}}<dl class="trailers">{{#trailers}}<dt>{{key}}</dt><dd>{{value}}</dd>{{/trailers}}</dl>{{/hasTrailers}}
        {{#pending}}
        <section class="actions">
        <h2>Decide</h2>
        <form method="post" action="/review/change/{{id}}/approve" id="approve-form">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <label><input type="checkbox" name="commit" value="1" id="approve-commit"> also commit it on your branch (--commit)</label>
        <label><input type="checkbox" name="force" value="1" id="approve-force"> on conflict, take the proposed version (--force)</label>
        <button type="submit" id="approve">Approve (a)</button>
        </form>
        <form method="post" action="/review/change/{{id}}/reject" id="reject-form">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <label for="reason">Reason for the proposer</label>
        <textarea name="reason" id="reason" rows="2"></textarea>
        <button type="submit" id="reject">Reject (r)</button>
        </form>
        </section>
        {{/pending}}
        <section class="revisions">
        <h2>Revisions</h2>
        <ol>{{#revisions}}<li><a class="revision-link" href="/review/change/{{id}}?to={{number}}&amp;view={{view}}">Revision {{number}}</a> · {{when}}{{#hasPrevious}} · <a class="interdiff-link" href="/review/change/{{id}}?from={{previous}}&amp;to={{number}}&amp;view={{view}}">changes since {{previous}}</a>{{/hasPrevious}}</li>{{/revisions}}</ol>
        <form method="get" action="/review/change/{{id}}" id="compare-form">
        <label>Compare revision <select name="from" id="compare-from">{{#fromChoices}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/fromChoices}}</select></label>
        <label>with <select name="to" id="compare-to">{{#toChoices}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/toChoices}}</select></label>
        <input type="hidden" name="view" value="{{view}}">
        <button type="submit" id="compare">Compare</button>
        </form>
        </section>
        <section class="diff-section">
        <h2 id="diff-title">{{diffTitle}}</h2>
        <p class="views">View: {{#unified}}<strong>unified</strong> · <a id="view-split" href="/review/change/{{id}}?from={{from}}&amp;to={{to}}&amp;view=split">side by side</a>{{/unified}}{{^unified}}<a id="view-unified" href="/review/change/{{id}}?from={{from}}&amp;to={{to}}&amp;view=unified">unified</a> · <strong>side by side</strong>{{/unified}}</p>
        <ul class="file-list">{{#files}}<li><a href="#{{anchor}}">{{path}}</a> <span class="add">+{{additions}}</span> <span class="del">-{{deletions}}</span></li>{{/files}}</ul>
        {{#files}}{{>fileDiff}}{{/files}}
        {{^files}}<p>No differences.</p>{{/files}}
        </section>
        {{/content}}{{/layout}}
        """

    static let fileDiff = """
        <section class="file" id="{{anchor}}">
        <h3><span class="path">{{path}}</span> <small>({{statusLabel}})</small> <span class="add">+{{additions}}</span> <span class="del">-{{deletions}}</span></h3>
        {{#binary}}<p>Binary file: not shown.</p>{{/binary}}{{#empty}}<p>No line changes (mode or empty file).</p>{{/empty}}
        {{#unified}}<table class="diff unified"><colgroup><col class="num"><col class="num"><col></colgroup>{{&unifiedRows}}</table>{{/unified}}
        {{^unified}}<table class="diff split"><colgroup><col class="num"><col><col class="num"><col></colgroup>{{&splitRows}}</table>{{/unified}}
        </section>
        """

    static let history = """
        {{<layout}}{{$content}}
        <h1>History</h1>
        <form method="get" action="/review/history" id="history-filter">
        <label>Person <select name="person" id="filter-person"><option value="">everyone</option>{{#people}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/people}}</select></label>
        <label>File <input type="text" name="file" id="filter-file" value="{{file}}" placeholder="path or part of one"></label>
        <button type="submit">Filter</button>
        </form>
        <table class="history">
        <thead><tr><th>Id</th><th>Decision</th><th>By</th><th>When</th><th>Proposed by</th><th>Message</th><th>Files</th><th>Reason</th><th>Trailers</th></tr></thead>
        <tbody>
        {{#entries}}
        <tr class="decided {{verdict}}">
        <td><a class="change-link" href="/review/change/{{id}}">{{id}}</a></td>
        <td class="verdict">{{verdict}}{{#merged}} (merged){{/merged}}{{#forced}} (forced){{/forced}}</td>
        <td>{{by}}</td><td>{{when}}</td><td>{{author}}</td><td>{{subject}}</td>
        <td><ul class="files">{{#files}}<li>{{.}}</li>{{/files}}</ul></td>
        <td class="reason">{{reason}}</td>
        <td>{{#trailers}}<div>{{key}}: {{value}}</div>{{/trailers}}</td>
        </tr>
        {{/entries}}
        {{^entries}}<tr><td colspan="9">No decided changes{{#filtered}} match this filter{{/filtered}}.</td></tr>{{/entries}}
        </tbody>
        </table>
        {{/content}}{{/layout}}
        """

    static let result = """
        {{<layout}}{{$content}}
        <h1 class="outcome outcome-{{kind}}">{{heading}}</h1>
        {{#lines}}<p>{{.}}</p>{{/lines}}
        {{#conflicts}}<section class="conflict"><h2>{{path}}</h2><p>{{reason}}</p>
        {{#hunks}}<p>at line {{line}}</p><pre class="conflict-lines">{{#host}}host:     {{.}}
        {{/host}}{{#proposed}}proposed: {{.}}
        {{/proposed}}</pre>{{/hunks}}</section>{{/conflicts}}
        <p><a href="/review/change/{{id}}">Back to change {{id}}</a> · <a href="/review" id="back-to-queue">the queue</a></p>
        {{/content}}{{/layout}}
        """

    static let problem = """
        {{<layout}}{{$content}}
        <h1>{{heading}}</h1>
        <p class="problem">{{message}}</p>
        {{/content}}{{/layout}}
        """
}
