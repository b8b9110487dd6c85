"""The host's event stream as the official MCP Python SDK reads it: the `letswork://events`
resource, told of news by the era's own doorbell, then read from a cursor.

Run by the Swift tests (LetsworkProxyTests/EventsPythonSDKTests.swift) with the test venv's python:
  events_flow.py --mode legacy|2026-07-28 --url URL --host-token T --guest-token T [--cacert FILE]
- legacy (2025-11-25): resources/list shows letswork://events; resources/subscribe; a guest's
  proposal brings notifications/resources/updated on the session's GET stream; resources/read
  after the cursor returns the event; resources/unsubscribe stops the notifications.
- 2026-07-28: subscriptions/listen with resourceSubscriptions ["letswork://events"] is
  acknowledged (the SDK matches the ack and each frame by the subscription id in _meta), then a
  proposal brings resources/updated, and the read returns the event.
Prints one line per step and `events ok <negotiated version>` at the end; exits 1 with the
failing step's message otherwise.
"""

import argparse
import asyncio
import json
import os
import sys
import warnings
from contextlib import asynccontextmanager

import httpx2
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.client.subscriptions import ResourceUpdated

EVENTS = "letswork://events"
# resources/subscribe is the 2025-11-25 way on purpose here; the SDK warns that 2026-07-28 removed it.
warnings.filterwarnings("ignore", message="resources/subscribe is removed")
warnings.filterwarnings("ignore", message="resources/unsubscribe is removed")
# Generous: these wait for something that should take milliseconds; the 1 s delivery bound is
# measured by the channel tests, not here.
WAIT = 15


def check(condition, message):
    if not condition:
        print(f"FAILED: {message}", flush=True)
        # At once: inside the SDK's task groups a SystemExit surfaces as a wall of tracebacks.
        os._exit(1)


@asynccontextmanager
async def connect(args, token, message_handler=None):
    verify = args.cacert if args.cacert else True
    async with httpx2.AsyncClient(headers={"Authorization": f"Bearer {token}"}, verify=verify, timeout=30) as http:
        async with Client(streamable_http_client(args.url, http_client=http), mode=args.mode,
                          message_handler=message_handler) as client:
            yield client


async def read_events(client, cursor):
    """One page of the host's events after `cursor` (None: from the start of what is kept)."""
    uri = EVENTS if cursor is None else f"{EVENTS}?after={cursor}"
    result = await client.read_resource(uri, cache_mode="bypass")
    check(len(result.contents) == 1, f"resources/read {uri} gave {len(result.contents)} contents")
    content = result.contents[0]
    check(getattr(content, "mime_type", None) == "application/json", f"{uri}: mimeType {getattr(content, 'mime_type', None)}")
    page = json.loads(content.text)
    for key in ("stream", "events", "next", "more"):
        check(key in page, f"{uri}: the page has {key}: {content.text[:300]}")
    return page


async def propose(guest, path, content):
    result = await guest.call_tool("write_file", {"path": path, "content": content})
    check(not result.is_error, f"write_file {path}: {result.content}")
    return result.structured_content["change_id"]


def check_page_after(page, cursor_seq, stream, change, label):
    """The page continues the stream right after the cursor and holds the proposal of `change`."""
    events = page["events"]
    check(page["stream"] == stream, f"{label}: stream {page['stream']} is still {stream}")
    seqs = [event["seq"] for event in events]
    check(seqs == list(range(cursor_seq + 1, cursor_seq + 1 + len(seqs))), f"{label}: seq continues from {cursor_seq}: {seqs}")
    check(all(event["id"] == f"{stream}:{event['seq']}" for event in events), f"{label}: ids are stream:seq: {events}")
    check(not events or page["next"] == events[-1]["id"], f"{label}: next {page['next']} is the last id")
    proposals = [e for e in events if e["kind"] == "change.proposed" and e["meta"].get("change_id") == change]
    check(len(proposals) == 1, f"{label}: the page holds the proposal of {change} once: {events}")
    check(all(isinstance(v, str) for v in proposals[0]["meta"].values()), f"{label}: meta values are strings")
    print(f"{label}: read {len(events)} event(s) after seq {cursor_seq}, the proposal among them", flush=True)


def start_of(page):
    """The stream, the cursor to read after (None when nothing was there yet) and its seq."""
    cursor = page["next"] or None
    return page["stream"], cursor, int(cursor.split(":")[-1]) if cursor else 0


async def read_until_end(client, cursor):
    """Pages from `cursor` until `more` is false: the last page and the cursor it ends at."""
    page = await read_events(client, cursor)
    while page["more"]:
        page = await read_events(client, page["next"])
    return page


async def legacy_flow(args, host, guest, updates):
    page = await read_until_end(host, None)
    stream, cursor, cursor_seq = start_of(page)

    await host.subscribe_resource(EVENTS)
    print("resources/subscribe: ok", flush=True)
    # The SDK opened its GET stream after notifications/initialized; the subscription is what
    # makes it carry news of letswork://events.
    change = await propose(guest, "a.txt", "hello\nfrom the guest\n")
    try:
        await asyncio.wait_for(updates.wait_for(1), WAIT)
    except TimeoutError:
        check(False, f"no notifications/resources/updated within {WAIT} s of the proposal")
    check(all(uri == EVENTS for uri in updates.uris), f"updated names {updates.uris}")
    print(f"notifications/resources/updated: ok ({len(updates.uris)})", flush=True)
    check_page_after(await read_events(host, cursor), cursor_seq, stream, change, "resources/read after the cursor")

    await host.unsubscribe_resource(EVENTS)
    seen = len(updates.uris)
    second = await propose(guest, "b.txt", "one\ntwo (guest)\n")
    # Reading shows the event exists; no doorbell rings for it any more.
    page = await read_until_end(host, cursor)
    check(any(e["meta"].get("change_id") == second for e in page["events"]), f"the second proposal is readable: {page}")
    await asyncio.sleep(2)
    check(len(updates.uris) == seen, f"after resources/unsubscribe, {len(updates.uris) - seen} more notifications came")
    print("resources/unsubscribe: ok", flush=True)


async def modern_flow(args, host, guest):
    page = await read_until_end(host, None)
    stream, cursor, cursor_seq = start_of(page)

    async with host.listen(resource_subscriptions=[EVENTS]) as subscription:
        honored = subscription.honored.resource_subscriptions or []
        check(EVENTS in honored, f"the acknowledgement honours {EVENTS}: {subscription.honored}")
        print("subscriptions/listen acknowledged: ok", flush=True)
        change = await propose(guest, "a.txt", "hello\nfrom the guest\n")
        try:
            event = await asyncio.wait_for(subscription.__anext__(), WAIT)
        except TimeoutError:
            check(False, f"no notifications/resources/updated on the listen stream within {WAIT} s of the proposal")
        check(isinstance(event, ResourceUpdated) and event.uri == EVENTS, f"the stream rang for {event}")
        print("notifications/resources/updated: ok", flush=True)
        check_page_after(await read_events(host, cursor), cursor_seq, stream, change, "resources/read after the cursor")


class Updates:
    """The uris of notifications/resources/updated the host's session received."""

    def __init__(self):
        self.uris = []
        self.changed = asyncio.Condition()

    async def handler(self, message):
        if getattr(message, "method", None) == "notifications/resources/updated":
            async with self.changed:
                self.uris.append(message.params.uri)
                self.changed.notify_all()

    async def wait_for(self, count):
        async with self.changed:
            await self.changed.wait_for(lambda: len(self.uris) >= count)


async def main():
    parser = argparse.ArgumentParser()
    for name in ("mode", "url", "host-token", "guest-token"):
        parser.add_argument("--" + name, required=True)
    parser.add_argument("--cacert")
    args = parser.parse_args()
    expected_version = "2025-11-25" if args.mode == "legacy" else "2026-07-28"
    updates = Updates()

    async with connect(args, args.host_token, updates.handler) as host, connect(args, args.guest_token) as guest:
        version = host.session.protocol_version
        check(version == expected_version, f"mode {args.mode} negotiated {version}, expected {expected_version}")
        print(f"negotiated {version}", flush=True)
        resources = (await host.list_resources(cache_mode="bypass")).resources
        listed = [r for r in resources if str(r.uri) == EVENTS]
        check(len(listed) == 1, f"resources/list shows {EVENTS}: {[str(r.uri) for r in resources]}")
        check(listed[0].mime_type == "application/json", f"{EVENTS} mimeType {listed[0].mime_type}")
        print("resources/list: ok", flush=True)
        if args.mode == "legacy":
            await legacy_flow(args, host, guest, updates)
        else:
            await modern_flow(args, host, guest)

    print(f"events ok {version}", flush=True)


asyncio.run(main())
