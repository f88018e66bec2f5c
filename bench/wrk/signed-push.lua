-- wrk script for scripts/bench.sh --only intake: POSTs one signed GitHub `push` body with a unique
-- X-GitHub-Delivery per request. The signature (X-Hub-Signature-256) covers the body only, so the
-- bench signs the body once up front (wrk's LuaJIT has no HMAC) and each request differs only in
-- its delivery header, exactly as GitHub's redeliveries of one payload would.
--
-- Environment: WRK_RUN (see init), WRK_BODIES (a directory of N signed bodies: body-0.json ... body-<N-1>.json and
-- signatures.txt, line i+1 being "sha256=<hex>" of body-i.json; requests cycle through them, so
-- deliveries spread over N repositories), WRK_PATH.
-- Prints one JSON line "wrk-result {...}" at the end, parsed by IntakeComparison.

local dir = assert(os.getenv("WRK_BODIES"), "WRK_BODIES not set")
local path = os.getenv("WRK_PATH") or "/webhooks/github"
local run = assert(os.getenv("WRK_RUN"), "WRK_RUN not set")
local bodies, signatures = {}, {}
for line in io.lines(dir .. "/signatures.txt") do
  local f = assert(io.open(dir .. "/body-" .. #signatures .. ".json", "rb"))
  table.insert(bodies, f:read("*a"))
  f:close()
  table.insert(signatures, line)
end
assert(#bodies > 0, "no bodies in " .. dir)

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
  -- WRK_RUN (8 hex digits, new for every wrk run) keeps ids unique across runs: the same id twice
  -- would be a redelivery, which the service answers without publishing again.
  prefix = string.format("%s-%04x-4000-8000-", run, tid)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["User-Agent"] = "GitHub-Hookshot/bench"
  wrk.headers["X-GitHub-Event"] = "push"
  wrk.headers["X-GitHub-Hook-ID"] = "1"
end

function request()
  n = n + 1
  -- wrk.format's headers argument replaces wrk.headers as a whole: change the one header in place.
  local i = (n + tid) % #bodies + 1
  wrk.headers["X-GitHub-Delivery"] = prefix .. string.format("%012x", n)
  wrk.headers["X-Hub-Signature-256"] = signatures[i]
  return wrk.format(nil, path, nil, bodies[i])
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
