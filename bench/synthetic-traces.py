"""Three synthetic key traces of kinds the shared traces lack, for the eviction policy: a
recency-biased stream (LRU is near optimal), a Zipf stream whose hot set moves every 60k
requests, and a loop over 1,200 keys in Pareto noise. Writes /tmp/syn-*.txt (one key per
line), for the native trace-sim aid:

    python3 bench/synthetic-traces.py
    EDGECACHE_SEED=1 EDGECACHE_TRACE=/tmp/syn-shift.txt EDGECACHE_SIZES=50,500,1000,5000 \\
        cargo test --release --test trace_sim -- --ignored --nocapture
"""
import bisect
import random

random.seed(3)

# Recency-biased: a new key 30% of the time, else one of the recent keys (geometric distance).
out, recent, nxt = [], [], 0
for _ in range(300000):
    if random.random() < 0.3 or not recent:
        k, nxt = nxt, nxt + 1
    else:
        k = recent[-1 - min(int(random.expovariate(1 / 8)), len(recent) - 1)]
    out.append(k)
    recent.append(k)
    if len(recent) > 400:
        recent = recent[-200:]
open("/tmp/syn-recency.txt", "w").write("\n".join(map(str, out)))

# Shifting Zipf: 20,000 keys, s = 0.9, the ranks reshuffled every 60,000 requests.
N = 20000
cdf, total = [], 0.0
for i in range(N):
    total += 1 / (i + 1) ** 0.9
    cdf.append(total)
out, perm = [], list(range(N))
for i in range(400000):
    if i % 60000 == 0:
        random.shuffle(perm)
    out.append(perm[bisect.bisect(cdf, random.random() * total)])
open("/tmp/syn-shift.txt", "w").write("\n".join(map(str, out)))

# A loop over 1,200 keys (70%) in Pareto-distributed noise.
out = [i % 1200 if random.random() < 0.7 else 100000 + int(random.paretovariate(1.2)) for i in range(300000)]
open("/tmp/syn-loop.txt", "w").write("\n".join(map(str, out)))
