/// The page's only script and style sheet, served from `/review/assets/` (the CSP allows
/// scripts and styles from the page's own origin only, so neither may be inline).
enum Assets {
    static let files: [String: (type: String, body: String)] = [
        "review.css": ("text/css; charset=utf-8", css),
        "review.js": ("text/javascript; charset=utf-8", script),
    ]

    /// Colour helps but never carries meaning alone: lines keep their +/- markers, changed
    /// words are underlined (added) or struck through (removed), statuses are words.
    static let css = """
        :root { color-scheme: light dark; --add: #e6ffec; --del: #ffebe9; --addw: #abf2bc; --delw: #ffc0c0; --line: #d0d7de; }
        @media (prefers-color-scheme: dark) { :root { --add: #12361c; --del: #4a1a1a; --addw: #1f6f33; --delw: #8a2d2d; --line: #444c56; } }
        body { font: 14px/1.45 system-ui, sans-serif; margin: 0; }
        header { display: flex; gap: 1.5em; align-items: baseline; padding: .6em 1em; border-bottom: 1px solid var(--line); }
        header .keys { margin-left: auto; opacity: .75; font-size: 12px; }
        main { padding: 0 1em 2em; }
        table { border-collapse: collapse; width: 100%; }
        th, td { text-align: left; vertical-align: top; padding: .25em .5em; border-bottom: 1px solid var(--line); }
        tr.selected { outline: 2px solid #0969da; }
        tr.selected td:first-child::before { content: "▶ "; }
        ul.files { margin: 0; padding-left: 1.1em; }
        .add { color: #1a7f37; } .del { color: #cf222e; }
        .status-conflicts { font-weight: bold; }
        pre.message, pre.conflict-lines { white-space: pre-wrap; background: rgba(127,127,127,.08); padding: .5em; }
        dl.trailers { display: grid; grid-template-columns: max-content auto; gap: 0 1em; }
        dl.trailers dt { font-weight: bold; }
        dl.trailers dd { margin: 0; font-family: ui-monospace, monospace; }
        .actions form { margin: .5em 0; display: flex; flex-wrap: wrap; gap: .5em 1em; align-items: center; }
        .actions textarea { min-width: 30em; }
        table.diff { font: 12px/1.4 ui-monospace, monospace; margin-bottom: 1em; table-layout: fixed; }
        table.diff td { border: 0; padding: 0 .4em; white-space: pre-wrap; word-break: break-all; }
        table.diff col.num { width: 3.5em; }
        table.diff td.num { text-align: right; opacity: .6; user-select: none; }
        table.diff tr.hunk td { background: rgba(84,174,255,.15); padding: .2em .4em; }
        table.unified tr.added td.code, table.split td.added { background: var(--add); }
        table.unified tr.removed td.code, table.split td.removed { background: var(--del); }
        table.split td.blank { background: rgba(127,127,127,.08); }
        .marker { display: inline-block; width: 1.2em; user-select: none; font-weight: bold; }
        ins { background: var(--addw); text-decoration: underline; }
        del { background: var(--delw); text-decoration: line-through; }
        section.file h3 { font-size: 14px; border-bottom: 1px solid var(--line); padding-bottom: .2em; }
        .state-approved, .outcome-approved { color: #1a7f37; } .state-rejected, .outcome-refused { color: #cf222e; }
        .neighbours { display: flex; justify-content: space-between; margin-top: .5em; }
        """

    /// Login (the one-time secret from the fragment, POSTed, never sent in a URL), the queue's
    /// live updates, and the keys.
    static let script = """
        "use strict";
        (function () {
          const page = document.body.dataset.page;

          if (page === "login") {
            const secret = location.hash.slice(1);
            history.replaceState(null, "", location.pathname);
            const status = document.getElementById("login-status");
            fetch("/review/login", { method: "POST", credentials: "same-origin",
                    headers: { "Content-Type": "application/x-www-form-urlencoded" },
                    body: new URLSearchParams({ secret: secret }) })
              .then(function (response) {
                if (response.ok) { location.replace("/review"); return; }
                status.textContent = "This login link was already used or is not valid. Run `letswork review` again for a new one.";
              })
              .catch(function () { status.textContent = "The review server did not answer."; });
            return;
          }

          // The queue follows the server's live stream: each message is the count of changes the
          // server has seen; when it differs from the count the table was made at, the table is
          // fetched again (one fetch at a time; a message during a fetch leads to one more).
          const queue = document.getElementById("queue");
          if (queue && window.EventSource) {
            let wanted = queue.dataset.stamp, fetching = false;
            const refresh = function () {
              if (fetching || wanted === queue.dataset.stamp) { return; }
              fetching = true;
              const target = wanted;
              fetch("/review/queue/table", { credentials: "same-origin" })
                .then(function (r) { return r.ok ? r.text() : null; })
                .then(function (html) {
                  if (html === null) { return; }
                  const selected = selectedIndex();
                  queue.innerHTML = html;
                  queue.dataset.stamp = target;
                  select(Math.min(selected, rows().length - 1));
                })
                .catch(function () {})
                .finally(function () { fetching = false; refresh(); });
            };
            const live = new EventSource("/review/queue/live");
            live.addEventListener("queue", function (event) { wanted = event.data; refresh(); });
          }

          function rows() { return Array.from(document.querySelectorAll("tr.change")); }
          function selectedIndex() { return rows().findIndex(function (row) { return row.classList.contains("selected"); }); }
          function select(index) {
            const all = rows();
            all.forEach(function (row) { row.classList.remove("selected"); row.removeAttribute("aria-selected"); });
            if (index < 0 || index >= all.length) { return; }
            all[index].classList.add("selected");
            all[index].setAttribute("aria-selected", "true");
            all[index].scrollIntoView({ block: "nearest" });
          }
          function follow(selector) {
            const link = document.querySelector(selector);
            if (link) { location.href = link.href; }
          }
          if (page === "queue" && rows().length > 0) { select(0); }
          if (location.hash === "#approve") { const b = document.getElementById("approve"); if (b) { b.focus(); } }
          if (location.hash === "#reject") { const t = document.getElementById("reason"); if (t) { t.focus(); } }

          document.addEventListener("keydown", function (event) {
            if (event.ctrlKey || event.metaKey || event.altKey) { return; }
            if (event.target.closest("input, textarea, select")) { return; }
            const row = rows()[selectedIndex()];
            switch (event.key) {
              case "j":
                if (page === "queue") { select(Math.min(selectedIndex() + 1, rows().length - 1)); } else { follow("a[rel=next]"); }
                break;
              case "k":
                if (page === "queue") { select(Math.max(selectedIndex() - 1, 0)); } else { follow("a[rel=prev]"); }
                break;
              case "Enter":
                if (page === "queue" && row) { location.href = row.dataset.href; }
                break;
              case "a":
                if (page === "queue" && row) { location.href = row.dataset.href + "#approve"; }
                const approve = document.getElementById("approve-form");
                if (page === "change" && approve) { approve.requestSubmit(); }
                break;
              case "r":
                if (page === "queue" && row) { location.href = row.dataset.href + "#reject"; }
                const reason = document.getElementById("reason");
                if (page === "change" && reason) { event.preventDefault(); reason.focus(); }
                break;
              default:
                return;
            }
          });
        })();
        """
}
