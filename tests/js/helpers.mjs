// Shared test helpers: a manual clock (ms, like Date.now) and a warning collector.
export function manualClock(start = 1_700_000_000_000) {
  return {
    t: start,
    now() {
      return this.t;
    },
    advance(seconds) {
      this.t += seconds * 1000;
    },
  };
}

export function warnings() {
  const seen = [];
  const onWarning = (message) => seen.push(message);
  return { seen, onWarning };
}
