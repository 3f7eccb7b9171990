// getOrSet's `lock` option on a store with compare-and-swap: the cases of the async Cache
// suite (tests/suite/cache-suite.mjs) about fleet-wide leases. Each instance is a Cache
// without a memory tier over one shared store; time is the suite's injected clock for the
// leases' expiry and real time only for waiting.

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const never = () => new Promise(() => {}); // a holder that died mid-compute never finishes

function same(actual, expected, message) {
  const [a, e] = [JSON.stringify(actual), JSON.stringify(expected)];
  if (a !== e) throw new Error(`${message}: expected ${e}, got ${a}`);
}

const sum = (caches, name) => caches.reduce((n, c) => n + c.stats()[name], 0);

export function leaseCases(setup) {
  return {
    async "lock: of many instances missing one key, one calls the factory"() {
      const { make } = setup();
      const fleet = Array.from({ length: 8 }, () => make({ memory: false }));
      let calls = 0;
      const factory = async () => {
        calls++;
        await sleep(60);
        return { computed: calls };
      };
      const got = await Promise.all(fleet.map((c) => c.getOrSet("hot", factory, { timeout: 600, lock: { ttl: 10, wait: 10 } })));
      same(calls, 1, "one factory call across the fleet");
      same(got, fleet.map(() => ({ computed: 1 })), "every instance returns the holder's value");
      // A waiter may take the lease the holder just freed, then find the value: no second call.
      const taken = sum(fleet, "leasesAcquired");
      if (taken < 1 || taken > fleet.length) throw new Error(`leases taken: ${taken}`);
      same(sum(fleet, "leaseTimeouts"), 0, "no waiter gave up");
    },

    async "lock: a holder that dies frees the key when its lease expires"() {
      const { make, clock } = setup();
      const [dead, next] = [make({ memory: false }), make({ memory: false })];
      dead.getOrSet("k", never, { timeout: 600, lock: { ttl: 5 } });
      await sleep(30); // the dead holder has taken its lease
      clock.advance(5);
      same(await next.getOrSet("k", () => "mine", { timeout: 600, lock: { ttl: 5, wait: 0 } }), "mine", "the next instance computes at once");
      same([next.stats().leasesAcquired, next.stats().leaseTimeouts], [1, 0], "by taking over the expired lease, not by giving up");
    },

    async "lock: a lease is held for its ttl and no longer"() {
      const { make, clock } = setup();
      const holder = make({ memory: false });
      holder.getOrSet("k", never, { timeout: 600, lock: { ttl: 3 } });
      await sleep(30);
      clock.advance(2.9);
      const early = make({ memory: false });
      same(await early.getOrSet("k", () => "early", { timeout: 600, lock: { ttl: 3, wait: 0 } }), "early", "with wait 0 a waiter computes");
      same([early.stats().leasesAcquired, early.stats().leaseTimeouts], [0, 1], "because the lease was still held (counted)");
      await early.delete("k");
      clock.advance(0.1);
      const late = make({ memory: false });
      same(await late.getOrSet("k", () => "late", { timeout: 600, lock: { ttl: 3, wait: 0 } }), "late", "at its ttl the lease is free");
      same([late.stats().leasesAcquired, late.stats().leaseTimeouts], [1, 0], "and taken");
    },

    async "lock: a waiter past `wait` computes itself, counted"() {
      const { make } = setup();
      const [holder, waiter] = [make({ memory: false }), make({ memory: false })];
      holder.getOrSet("k", never, { timeout: 600, lock: { ttl: 60 } });
      await sleep(30);
      const started = Date.now();
      same(await waiter.getOrSet("k", () => "waited", { timeout: 600, lock: { wait: 0.2 } }), "waited", "the waiter's own value");
      const took = Date.now() - started;
      if (took < 150) throw new Error(`the waiter gave up after ${took} ms, before its wait of 200 ms`);
      same([waiter.stats().leaseWaits, waiter.stats().leaseTimeouts], [1, 1], "the wait and the timeout are counted");
    },

    async "lock: a finished holder frees its lease for the next expiry"() {
      const { make, clock } = setup();
      const [a, b] = [make({ memory: false }), make({ memory: false })];
      same(await a.getOrSet("k", () => 1, { timeout: 10, lock: true }), 1, "computed under the lease");
      clock.advance(10);
      same(await b.getOrSet("k", () => 2, { timeout: 10, lock: { wait: 0 } }), 2, "after expiry another instance computes");
      same([b.stats().leasesAcquired, b.stats().leaseTimeouts], [1, 0], "the lease was free");
    },

    async "lock: while another instance refreshes, a value within staleIfError is served"() {
      const { make, clock } = setup();
      const [holder, reader] = [make({ memory: false }), make({ memory: false })];
      await holder.set("k", "old", { timeout: 10, staleIfError: 600 });
      clock.advance(20);
      holder.getOrSet("k", never, { timeout: 10, staleIfError: 600, lock: true });
      await sleep(30);
      same(await reader.getOrSet("k", () => "new", { timeout: 10, staleIfError: 600, lock: true }), "old", "the stale value, without waiting");
      same(reader.stats().staleServed, 1, "counted as stale served");
    },

    async "lock: options are checked"() {
      const { a } = setup();
      for (const [lock, code] of [[{ ttl: 0 }, "INVALID_OPTIONS"], [{ wait: -1 }, "INVALID_OPTIONS"], ["yes", "INVALID_OPTIONS"], [{ tll: 1 }, "UNKNOWN_OPTION"]]) {
        let error;
        await a.getOrSet("k", 1, { lock }).catch((e) => (error = e));
        same(error?.code, code, `lock ${JSON.stringify(lock)}`);
      }
      same(await a.getOrSet("k", 1, { lock: false }), 1, "lock: false is no lease");
    },
  };
}
