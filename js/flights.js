// Calls in flight per key, which concurrent callers join instead of calling again (a Cache's
// getOrSet, the page cache's handler calls). A call that never settles must not take every
// later caller with it: a flight is joined only in its first JOIN_SECONDS (by the cache's
// clock); after that a caller starts its own, which later callers join.

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
