"""Runs the Python letswork 2.0.9 server on loopback, without its CLI (no tunnel, no Claude).

Usage: python original_server.py ROOT PORT HOST_TOKEN GUEST_TOKEN
Only for side-by-side benchmarks: install with pip install "letswork==2.0.9" "mcp<2" uvicorn.
"""
import logging
import sys

import anyio
import uvicorn
from letswork import server as original
from letswork.approval import ApprovalQueue


def main() -> None:
    root, port, host_token, guest_token = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    original.project_root = root
    original.register_user(host_token, "host")
    original.register_user(guest_token, "guest")
    original.approval_queue = ApprovalQueue(root)
    for name in ("uvicorn", "uvicorn.access", "uvicorn.error", "mcp", "mcp.server", "mcp.server.streamable_http"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    security = getattr(original.app.settings, "transport_security", None)
    if security:
        security.enable_dns_rebinding_protection = False

    async def serve() -> None:
        config = uvicorn.Config(original.app.streamable_http_app(), host="127.0.0.1", port=port,
                                # "error", not "critical": uvicorn says why it could not start (the
                                # port taken, …) at ERROR before exiting with 3; start_python shows it.
                                log_config=None, log_level="error")
        await uvicorn.Server(config).serve()

    anyio.run(serve)


if __name__ == "__main__":
    main()
