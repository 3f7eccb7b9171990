// Reference policies the simulator draws next to edgecache: a textbook LRU and Bélády's OPT
// with bypass (the best any cache of that size could do on the sequence, knowing the future).

/** Per-request hits (1/0) of a plain LRU of `size` entries. */
export function lruHits(keys, size) {
  const hits = new Uint8Array(keys.length);
  const recency = new Map();
  keys.forEach((key, i) => {
    if (recency.delete(key)) hits[i] = 1;
    else if (recency.size >= size) recency.delete(recency.keys().next().value);
    if (size > 0) recency.set(key, true);
  });
  return hits;
}

/** Per-request hits of OPT: on a miss, keep the key only if it is used again before some cached key. */
export function optHits(keys, size) {
  const n = keys.length;
  const next = new Float64Array(n);
  const last = new Map();
  for (let i = n - 1; i >= 0; i--) {
    next[i] = last.get(keys[i]) ?? Infinity;
    last.set(keys[i], i);
  }
  const hits = new Uint8Array(n);
  const cached = new Map(); // key -> its next use
  const heap = new MaxHeap(); // [next use, key], stale pairs skipped when popped
  for (let i = 0; i < n; i++) {
    const key = keys[i];
    if (cached.has(key)) hits[i] = 1;
    else if (next[i] === Infinity || size === 0) continue; // never used again: bypass
    else if (cached.size >= size) {
      while (heap.top()[0] !== cached.get(heap.top()[1])) heap.pop();
      const [farthest, victim] = heap.top();
      if (farthest < next[i]) continue; // every cached key is needed sooner: bypass
      heap.pop();
      cached.delete(victim);
    }
    if (next[i] === Infinity) cached.delete(key);
    else {
      cached.set(key, next[i]);
      heap.push([next[i], key]);
    }
  }
  return hits;
}

/** A binary max-heap of [priority, value] pairs. */
class MaxHeap {
  items = [];
  top() { return this.items[0]; }
  push(item) {
    const a = this.items;
    a.push(item);
    for (let i = a.length - 1; i > 0;) {
      const parent = (i - 1) >> 1;
      if (a[parent][0] >= a[i][0]) break;
      [a[parent], a[i]] = [a[i], a[parent]];
      i = parent;
    }
  }
  pop() {
    const a = this.items;
    const last = a.pop();
    if (a.length === 0) return;
    a[0] = last;
    for (let i = 0; ;) {
      const l = 2 * i + 1, r = l + 1;
      let m = i;
      if (l < a.length && a[l][0] > a[m][0]) m = l;
      if (r < a.length && a[r][0] > a[m][0]) m = r;
      if (m === i) break;
      [a[m], a[i]] = [a[i], a[m]];
      i = m;
    }
  }
}

/** `count` keys drawn from a Zipf(`alpha`) distribution over `distinct` keys, reproducibly. */
export function zipfKeys(count, distinct, alpha, seed = 42) {
  const cdf = new Float64Array(distinct);
  let total = 0;
  for (let k = 0; k < distinct; k++) cdf[k] = total += 1 / Math.pow(k + 1, alpha);
  let s = seed >>> 0;
  const random = () => { // mulberry32
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const keys = new Array(count);
  for (let i = 0; i < count; i++) {
    const u = random() * total;
    let lo = 0, hi = distinct - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid] < u) lo = mid + 1;
      else hi = mid;
    }
    keys[i] = `k${lo}`;
  }
  return keys;
}
