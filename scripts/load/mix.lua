-- wrk script for scripts/load_test.sh: a mix of real queries (mostly distinct, so the response
-- cache does not answer them all), typos, suggestions, health checks and deliberate bad input.
-- Deliberate bad requests are counted when sent; a 4xx with one of their codes is counted as
-- refused; any other non-2xx is an error.

local words = {
  "restless", "leg", "legs", "syndrome", "rls", "iron", "deficiency", "dopamine", "pregnancy",
  "pregnant", "hormonal", "genetic", "genes", "family", "neuropathy", "peripheral", "nerves",
  "medication", "antidepressants", "caffeine", "coffee", "alcohol", "nicotine", "vascular",
  "veins", "symptoms", "sleep", "night", "treatment", "exercise", "reason", "cause", "causes",
  "urge", "move", "sensations", "brain", "diabetes", "kidney", "chocolate", "garden", "socks",
}
local openers = { "what causes", "why do", "is", "can", "how to treat", "does" }
local bad = {
  { "/search?q=%2A", "no_words" },
  { "/search?q=%28%28", "no_words" },
  { "/search?q=", "empty_query" },
  { "/search?q=" .. string.rep("a", 201), "query_too_long" },
  { "/search?q=iron&limit=0", "bad_limit" },
  { "/search?q=iron&offset=-1", "bad_offset" },
  { "/search?q=iron&q=leg", "bad_query" },
  { "/answer", "missing_query" },
}
local refusal_codes = {}
for _, b in ipairs(bad) do refusal_codes[b[2]] = true end

-- Globals (not local): wrk's done() reads each thread's copy with thread:get().
threads = {}
sent_bad, refused, errors, ok = 0, 0, 0, 0
error_samples = {}

local function pick(list) return list[math.random(#list)] end

local function phrase(n)
  local out = {}
  for i = 1, n do out[i] = pick(words) end
  return table.concat(out, "+")
end

local function typo(word)
  if #word < 5 then return word end
  local i = math.random(2, #word - 2)
  return word:sub(1, i - 1) .. word:sub(i + 1, i + 1) .. word:sub(i, i) .. word:sub(i + 2)
end

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(os.time() + id * 7919)
end

function request()
  local r = math.random(100)
  local path
  if r <= 50 then
    path = "/search?q=" .. phrase(math.random(2, 4)) .. "&limit=10"
  elseif r <= 62 then
    path = "/answer?q=" .. pick(openers):gsub(" ", "+") .. "+" .. phrase(math.random(1, 3))
  elseif r <= 72 then
    local w = pick(words)
    path = "/suggest?q=" .. phrase(math.random(0, 1)) .. "+" .. w:sub(1, math.random(2, #w))
  elseif r <= 80 then
    path = "/search?q=" .. typo(pick(words)) .. "+" .. typo(pick(words))
  elseif r <= 90 then
    path = "/health"
  else
    sent_bad = sent_bad + 1
    path = pick(bad)[1]
  end
  return wrk.format("GET", path)
end

function response(status, headers, body)
  if status >= 200 and status < 300 then
    ok = ok + 1
    return
  end
  local code = body:match('"code":"([%w_]+)"')
  if status >= 400 and status < 500 and code and refusal_codes[code] then
    refused = refused + 1
  else
    errors = errors + 1
    if #error_samples < 3 then table.insert(error_samples, status .. " " .. body:sub(1, 120)) end
  end
end

function done(summary, latency, requests)
  local total_sent_bad, total_refused, total_errors, total_ok = 0, 0, 0, 0
  for _, t in ipairs(threads) do
    total_sent_bad = total_sent_bad + t:get("sent_bad")
    total_refused = total_refused + t:get("refused")
    total_errors = total_errors + t:get("errors")
    total_ok = total_ok + t:get("ok")
    local samples = t:get("error_samples")
    for _, s in ipairs(samples or {}) do io.write("error sample: ", s, "\n") end
  end
  local seconds = summary.duration / 1e6
  local socket = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout
  io.write(string.format(
    "RESULT requests=%d seconds=%.1f rps=%.1f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f "
      .. "ok=%d refused=%d sent_bad=%d errors=%d socket_errors=%d\n",
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000,
    total_ok, total_refused, total_sent_bad, total_errors, socket))
end
