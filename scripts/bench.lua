-- wrk script for scripts/bench: rotates over request paths, sends the API token or a session
-- cookie, and prints one JSON line with latency percentiles (ms), request count and errors.
local paths = {}
for line in io.lines(os.getenv("KZ_PATHS")) do paths[#paths + 1] = line end
local method = os.getenv("KZ_METHOD") or "GET"
local body = nil
if os.getenv("KZ_BODY") then
  local f = io.open(os.getenv("KZ_BODY"), "r"); body = f:read("*a"); f:close()
end
local headers = {
  ["Content-Type"] = "application/json",
  ["X-Audit-Toelichting"] = "benchmark",
}
-- The API with a token; pages (the monitor) with a session cookie instead.
if (os.getenv("KZ_TOKEN") or "") ~= "" then
  headers["Authorization"] = "Token " .. os.getenv("KZ_TOKEN")
end
if (os.getenv("KZ_COOKIE") or "") ~= "" then headers["Cookie"] = os.getenv("KZ_COOKIE") end
local counter = math.random(1, #paths)

request = function()
  counter = counter + 1
  return wrk.format(method, paths[(counter % #paths) + 1], headers, body)
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "seconds": %.2f, "p50": %.2f, "p95": %.2f, "p99": %.2f, "max": %.2f, ' ..
    '"errors": %d, "non2xx": %d}\n',
    summary.requests, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000,
    e.connect + e.read + e.write + e.timeout, e.status))
end
