"""One guest and the host, driven by the official MCP Python SDK, through one transport and in one
protocol mode: what a user's agent does in a letswork session, checked step by step.

Run by the Swift tests (LetsworkStartTests/PythonSDKTests.swift) with the test venv's python:
  mcp_flow.py --mode 2026-07-28|auto|legacy --transport http|stdio --url URL --host-url URL
              --guest-token T --host-token T --repo DIR [--cacert FILE] [--letswork BIN]
Prints one line per step and `flow ok <negotiated version> <tools called>` at the end; exits 1 with
the failing step's message otherwise.
"""

import argparse
import asyncio
import os
import sys
from contextlib import asynccontextmanager

import httpx2
from mcp import Client, StdioServerParameters
from mcp.client.streamable_http import streamable_http_client

called: set[str] = set()


def check(condition, message):
    if not condition:
        print(f"FAILED: {message}", flush=True)
        sys.exit(1)


@asynccontextmanager
async def connect(args, url, token, transport):
    if transport == "stdio":
        command = [args.letswork, "proxy", "--url", url] + (["--cacert", args.cacert] if args.cacert else [])
        env = {"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "/tmp"), "LETSWORK_TOKEN": token}
        params = StdioServerParameters(command=command[0], args=command[1:], env=env)
        async with Client(params, mode=args.mode) as client:
            yield client
    else:
        verify = args.cacert if args.cacert else True
        async with httpx2.AsyncClient(headers={"Authorization": f"Bearer {token}"}, verify=verify, timeout=30) as http:
            async with Client(streamable_http_client(url, http_client=http), mode=args.mode) as client:
                yield client


async def call(client, tool, arguments, *, refused=False):
    """Calls a tool; the SDK validates structured content against the tool's outputSchema."""
    result = await client.call_tool(tool, arguments)
    called.add(tool)
    text = "".join(block.text for block in result.content if getattr(block, "type", "") == "text")
    check(result.is_error == refused, f"{tool}({arguments}) isError={result.is_error}, expected {refused}: {text[:300]}")
    print(f"{tool}: {'refused' if refused else 'ok'}: {text.splitlines()[0][:100] if text else ''}", flush=True)
    return result, text


async def main():
    parser = argparse.ArgumentParser()
    for name in ("mode", "transport", "url", "host-url", "guest-token", "host-token", "repo"):
        parser.add_argument("--" + name, required=True)
    parser.add_argument("--cacert")
    parser.add_argument("--letswork")
    args = parser.parse_args()
    expected_version = "2025-11-25" if args.mode == "legacy" else "2026-07-28"

    async with connect(args, args.url, args.guest_token, args.transport) as guest, \
            connect(args, args.host_url, args.host_token, "http") as host:
        version = guest.session.protocol_version
        check(version == expected_version, f"mode {args.mode} negotiated {version}, expected {expected_version}")
        print(f"negotiated {version}", flush=True)

        tools = (await guest.list_tools()).tools
        check(len(tools) == 19, f"tools/list gave {len(tools)} tools")
        check(all(tool.output_schema for tool in tools), "every tool declares an outputSchema")
        paged = {tool.name: (tool.meta or {}).get("anthropic/maxResultSizeChars") for tool in tools}
        check(paged["read_file"] == 500000, f"read_file declares maxResultSizeChars: {paged['read_file']}")
        await host.list_tools()

        await call(guest, "set_display_name", {"name": "bob"})
        await call(guest, "ping", {})
        await call(guest, "get_status", {})
        await call(guest, "list_files", {"path": "."})
        await call(guest, "find_files", {"pattern": "**/*.txt"})
        await call(guest, "search_files", {"pattern": "hello"})
        _, text = await call(guest, "read_file", {"path": "a.txt"})
        check(text.startswith("hello"), f"read_file returned {text[:40]!r}")
        await call(guest, "read_multiple_files", {"paths": ["a.txt", "b.txt"]})

        # A proposal, approved by the host: on disk afterwards.
        proposed, _ = await call(guest, "write_file", {"path": "a.txt", "content": "hello\nfrom bob\n"})
        change = proposed.structured_content["change_id"]
        await call(guest, "edit_file", {"path": "a.txt", "edits": [{"old_text": "bob", "new_text": "Bob"}], "dry_run": True})
        _, text = await call(host, "get_pending_changes", {})
        check("new — bob proposed" in text and change in text.split("[letswork: ")[-1], f"the host's next result announces the proposal: {text[-300:]}")
        await call(host, "approve_change", {"change_id": change})
        with open(os.path.join(args.repo, "a.txt")) as file:
            check(file.read() == "hello\nfrom bob\n", "the approved change is on disk")

        # A conflict: the host edits the same line on disk before approving.
        conflicting, text = await call(guest, "submit_change", {"message": "Reword b", "files": [{"path": "b.txt", "content": "one (guest)\ntwo\n"}]})
        check(f"new — The host approved your change {change}" in text, f"the guest's next result announces the approval: {text[-300:]}")
        check(conflicting.structured_content["letswork_notifications"]["change_id"] == change, "and its structured content says so")
        conflicting_id = conflicting.structured_content["change_id"]
        with open(os.path.join(args.repo, "b.txt"), "w") as file:
            file.write("one (host)\ntwo\n")
        _, text = await call(host, "approve_change", {"change_id": conflicting_id}, refused=True)
        check("conflict" in text and "b.txt" in text, f"the conflict names the file: {text[:200]}")
        mine, _ = await call(guest, "my_pending_changes", {})
        states = {c["change_id"]: c["state"] for c in mine.structured_content["changes"]}
        check(states.get(conflicting_id) == "conflicting", f"the guest sees its change conflicting: {states}")
        await call(guest, "get_notifications", {})
        await call(host, "reject_change", {"change_id": conflicting_id, "reason": "keep the host's wording"})

        # A guest's refusal, with its text intact.
        _, text = await call(guest, "approve_change", {"change_id": change}, refused=True)
        check("approve_change is for the host only" in text, f"the refusal says why: {text}")

        # Locks, and the host forcing one open.
        await call(guest, "lock_file", {"path": "a.txt"})
        await call(guest, "unlock_file", {"path": "a.txt"})
        await call(guest, "lock_file", {"path": "a.txt"})
        await call(host, "force_unlock", {"path": "a.txt"})

        # Prompts, as slash commands: each role's own, rendered from the session's state.
        guest_prompts = [p.name for p in (await guest.list_prompts()).prompts]
        host_prompts = [p.name for p in (await host.list_prompts()).prompts]
        check(guest_prompts == ["catch_up"] and host_prompts == ["review"], f"prompts: guest {guest_prompts}, host {host_prompts}")
        catch_up = (await guest.get_prompt("catch_up")).messages[0].content.text
        check("Catch me up" in catch_up and conflicting_id in catch_up, f"catch_up renders the guest's changes: {catch_up[:300]}")
        review = (await host.get_prompt("review")).messages[0].content.text
        check("Review the pending changes" in review, f"review renders: {review[:200]}")
        print("prompts: ok", flush=True)

    check(len(called) == 19, f"every tool was called: missing {19 - len(called)}")
    print(f"flow ok {version} {len(called)}", flush=True)


asyncio.run(main())
