// Calls in flight per key, which concurrent callers join instead of calling again (a Cache's
// getOrSet, the page cache's handler calls). A call that never settles must not take every
// later caller with it: a flight is joined only in its first JOIN_SECONDS (by the cache's
// clock); after that a caller starts its own, which later callers join. Nor may a call join
// the flight it is itself part of (a factory or handler asking for its own key): Marks.

/** Seconds during which a flight may be joined. */
export const JOIN_SECONDS = 60;

/** Flights by key; `now()` is the clock in seconds. */
export class Flights {
  #flights = new Map(); // key -> { started, promise }
  #now;

  constructor(now) {
    this.#now = now;
  }

  /** The promise of `key`'s flight while it may be joined, else undefined. */
  joinable(key) {
    const flight = this.#flights.get(key);
    return flight !== undefined && this.#now() - flight.started < JOIN_SECONDS ? flight.promise : undefined;
  }

  /** Makes `promise` the flight of `key` (replacing an older one) until it settles; returns it. */
  start(key, promise) {
    const flight = { started: this.#now(), promise };
    this.#flights.set(key, flight);
    const done = () => {
      if (this.#flights.get(key) === flight) this.#flights.delete(key);
    };
    promise.then(done, done);
    return promise;
  }
}

/**
 * Keys marked while a call runs (its synchronous part): a flight's own call, made again from
 * inside it for the same key, must not join the flight, which would wait for itself. Counted,
 * so a call nested twice keeps its mark until the outermost one returns.
 */
export class Marks {
  #counts = new Map();

  /** Whether any call is running now (a check that costs nothing when none is). */
  get active() {
    return this.#counts.size > 0;
  }

  /** Whether a call for `key` is running now. */
  has(key) {
    return this.#counts.has(key);
  }

  /** `run()` with `key` marked while it runs. */
  during(key, run) {
    this.#counts.set(key, (this.#counts.get(key) ?? 0) + 1);
    try {
      return run();
    } finally {
      const n = this.#counts.get(key) - 1;
      if (n === 0) this.#counts.delete(key);
      else this.#counts.set(key, n);
    }
  }
}
