// Bounds store calls by a timeout with one timer per cache, not one per call: a timer set and
// cleared around every call cost more than the rest of a Cache.get over a fake store (measured in
// bench/memcached.mjs's notes). All calls of one cache share a timeout, so deadlines come in call
// order and the oldest pending call is the only one the timer needs to watch.

/**
 * `setTimeout(run, ms)` with `ms` kept to what timers take: from 1 ms to 2^31 - 1 (~24.8 days).
 * Engines fire a longer delay (a storeTimeout of Infinity, or of a year) at once: Node after
 * 1 ms with a TimeoutOverflowWarning. A caller whose deadline is further re-arms when it fires.
 */
export function timer(run, ms) {
  return setTimeout(run, Math.min(Math.max(1, ms), 2_147_483_647));
}

/** Runs calls bounded by `seconds`; a call still pending at its deadline rejects with `expired(op)`. */
export class Deadline {
  #ms;
  #expired;
  /** Calls not settled yet, oldest first: { at, op, reject }. */
  #pending = new Set();
  #timer = null;
  #held = false;

  constructor(seconds, expired) {
    this.#ms = seconds * 1000;
    this.#expired = expired;
  }

  /**
   * Throws the timeout error of `op` once `started` (a Date.now()) is the timeout ago: for a
   * loop of store answers that may never yield to the timer (an async iterator whose every
   * step resolves at once runs on microtasks alone).
   */
  check(op, started) {
    if (Date.now() - started > this.#ms) throw this.#expired(op);
  }

  /**
   * `run()`'s result, or a rejection once the deadline passes first. With `onValue` and
   * `onError`, the promise settles with what they return (or throw) for the result or the
   * failure instead, exactly once: one promise per call, not one more per mapping.
   */
  run(op, run, onValue, onError) {
    return new Promise((resolve, reject) => {
      let done = false;
      const answer = (x, failed) => {
        if (done) return; // a result after its deadline: already answered
        done = true;
        if (!failed && onValue !== undefined) {
          try {
            x = onValue(x);
          } catch (error) {
            x = error; // a value handler's throw is the call's failure
            failed = true;
          }
        }
        if (!failed) resolve(x);
        else if (onError === undefined) reject(x);
        else {
          try {
            resolve(onError(x));
          } catch (thrown) {
            reject(thrown);
          }
        }
      };
      const call = { at: Date.now() + this.#ms, op, reject: (error) => answer(error, true) };
      this.#pending.add(call);
      if (this.#timer === null) this.#arm(this.#ms);
      else if (!this.#held) this.#hold(true);
      const settle = () => {
        this.#pending.delete(call);
        // Nothing left to watch: the timer may fire later, but must not keep a process alive.
        if (this.#pending.size === 0) this.#hold(false);
      };
      let result;
      try {
        result = run();
      } catch (error) {
        settle();
        answer(error, true);
        return;
      }
      Promise.resolve(result).then(
        (value) => (settle(), answer(value, false)),
        (error) => (settle(), answer(error, true)),
      );
    });
  }

  #arm(ms) {
    this.#timer = timer(() => this.#fire(), ms);
    this.#held = true;
  }

  /** Keeps the process alive while a call waits (Node, Bun: ref/unref; Deno: its timer ids). */
  #hold(on) {
    this.#held = on;
    const timer = this.#timer;
    if (timer === null) return;
    if (typeof timer === "object") {
      if (on) timer.ref?.();
      else timer.unref?.();
    } else if (typeof globalThis.Deno?.refTimer === "function") {
      if (on) globalThis.Deno.refTimer(timer);
      else globalThis.Deno.unrefTimer(timer);
    }
  }

  #fire() {
    this.#timer = null;
    const now = Date.now();
    for (const call of this.#pending) {
      if (call.at > now) {
        this.#arm(call.at - now);
        return;
      }
      this.#pending.delete(call);
      call.reject(this.#expired(call.op));
    }
  }
}
