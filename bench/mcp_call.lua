-- wrk script: POSTs a JSON-RPC tools/call to an MCP Streamable HTTP endpoint, again and again,
-- each request with its own id (JSON-RPC ids must be unique among a session's requests in flight).
-- Environment: MCP_SESSION (Mcp-Session-Id), MCP_AUTH (Authorization header value, may be empty),
-- MCP_BODY (the JSON-RPC request, with "id": 1 to be replaced), MCP_ID_BASE (a number that keeps
-- this run's ids apart from an earlier run's requests the server may still be finishing).
-- With MCP_SESSION empty, the body is a 2026-07-28 request (version in params._meta) and
-- MCP_METHOD / MCP_NAME give the headers that mirror it.
local template = os.getenv("MCP_BODY")
local base = tonumber(os.getenv("MCP_ID_BASE") or "0")
local counter = 0
local threads = 0

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json, text/event-stream"
local session = os.getenv("MCP_SESSION") or ""
if session ~= "" then
  wrk.headers["Mcp-Session-Id"] = session
  wrk.headers["MCP-Protocol-Version"] = "2025-06-18"
else
  wrk.headers["MCP-Protocol-Version"] = "2026-07-28"
  wrk.headers["Mcp-Method"] = os.getenv("MCP_METHOD")
  local name = os.getenv("MCP_NAME") or ""
  if name ~= "" then wrk.headers["Mcp-Name"] = name end
end
local auth = os.getenv("MCP_AUTH")
if auth ~= nil and auth ~= "" then wrk.headers["Authorization"] = auth end

function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

function request()
  counter = counter + 1
  local id = string.format('"id": %d', base + tid * 1000000000 + counter)
  local body = string.gsub(template, '"id": 1', id, 1)
  return wrk.format(nil, nil, nil, body)
end

function response(status, headers, body)
  if status ~= 200 then
    io.stderr:write("unexpected status " .. status .. ": " .. string.sub(body, 1, 200) .. "\n")
  end
end

done = function(summary, latency, requests)
  io.write(string.format("RESULT requests=%d errors=%d rps=%.1f p50=%.3f p95=%.3f p99=%.3f\n",
    summary.requests, summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
