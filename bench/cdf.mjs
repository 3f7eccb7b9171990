// Sampling from a cumulative distribution, shared by the Zipf key choosers of the benchmarks.

/** The first index whose cumulative weight reaches `u` (binary search; the last if none). */
export function searchCdf(cdf, u) {
  let lo = 0;
  let hi = cdf.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cdf[mid] < u) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
