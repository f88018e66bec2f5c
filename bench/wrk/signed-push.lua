-- wrk script for scripts/bench.sh --only intake: POSTs one signed GitHub `push` body with a unique
-- X-GitHub-Delivery per request. The signature (X-Hub-Signature-256) covers the body only, so the
-- bench signs the body once up front (wrk's LuaJIT has no HMAC) and each request differs only in
-- its delivery header, exactly as GitHub's redeliveries of one payload would.
--
-- Environment: WRK_BODY_FILE (the body), WRK_SIGNATURE ("sha256=<hex>"), WRK_PATH.
-- Prints one JSON line "wrk-result {...}" at the end, parsed by IntakeComparison.

local body_file = os.getenv("WRK_BODY_FILE")
local f = assert(io.open(body_file, "rb"), "cannot read WRK_BODY_FILE " .. tostring(body_file))
local body = f:read("*a")
f:close()
local signature = assert(os.getenv("WRK_SIGNATURE"), "WRK_SIGNATURE not set")
local path = os.getenv("WRK_PATH") or "/webhooks/github"

local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("tid", counter)
  table.insert(threads, thread)
end

function init(args)
  n = 0
  non2xx = 0
  prefix = string.format("%08x-%04x-4%03x-8%03x-", math.random(0, 0x7fffffff), tid,
    math.random(0, 0xfff), math.random(0, 0xfff))
  wrk.method = "POST"
  wrk.body = body
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["User-Agent"] = "GitHub-Hookshot/bench"
  wrk.headers["X-GitHub-Event"] = "push"
  wrk.headers["X-GitHub-Hook-ID"] = "1"
  wrk.headers["X-Hub-Signature-256"] = signature
end

function request()
  n = n + 1
  -- wrk.format's headers argument replaces wrk.headers as a whole: change the one header in place.
  wrk.headers["X-GitHub-Delivery"] = prefix .. string.format("%012x", n)
  return wrk.format(nil, path)
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
  end
end

function done(summary, latency, requests)
  local bad = 0
  for _, t in ipairs(threads) do
    bad = bad + (t:get("non2xx") or 0)
  end
  local s = summary.duration / 1e6
  io.write(string.format(
    'wrk-result {"requests":%d,"seconds":%.3f,"non_2xx":%d,"socket_errors":%d,'
      .. '"p50_ms":%.3f,"p90_ms":%.3f,"p99_ms":%.3f,"p999_ms":%.3f,"max_ms":%.3f,"mean_ms":%.3f}\n',
    summary.requests, s, bad,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1e3, latency:percentile(90) / 1e3, latency:percentile(99) / 1e3,
    latency:percentile(99.9) / 1e3, latency.max / 1e3, latency.mean / 1e3))
end
