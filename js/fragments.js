// Django's {% cache %}: fragments cached under make_template_fragment_key, and a streamed
// page assembled from fragments. Keys and the tag's timeout rules are in Rust.
import { __checkLock, __fragmentTimeout, getCache, makeTemplateFragmentKey } from "./edgecache.js";
import { codedError, ensure, isIterable, knownOptions, reading, typeError } from "./errors.js";
import { quiet } from "./boundary.js";
import { LEASED } from "./lease.js";
import { then } from "./maybe.js";

function unknownAlias(error) {
  return error?.code === "UNKNOWN_ALIAS";
}

/** The cache of a fragment: `using` (alias or cache), else "template_fragments", else "default". */
function fragmentCache(using) {
  if (using !== undefined && typeof using !== "string") return using;
  if (using !== undefined) {
    try {
      return getCache(using);
    } catch (error) {
      if (unknownAlias(error)) throw codedError("INVALID_CACHE_NAME", `Invalid cache name specified for cache tag: '${using}'`);
      throw error;
    }
  }
  try {
    return getCache("template_fragments");
  } catch (error) {
    if (!unknownAlias(error)) throw error;
    return getCache("default");
  }
}

/** `{ html, hit }` for one fragment; a Promise when the cache or render is async. */
function renderFragment(name, varyOn, timeout, render, options) {
  options ??= {};
  if (typeof render !== "function") throw typeError("INVALID_RENDER", "render must be a function returning the fragment's text");
  const seconds = __fragmentTimeout(timeout);
  // Each option read once (a revoked Proxy is a coded error).
  const { using, tags, lock } = reading(() => ({ using: options.using, tags: options.tags, lock: options.lock }), "INVALID_OPTIONS", "cacheFragment(): the options could not be read");
  const cache = fragmentCache(using);
  if (seconds !== null && seconds <= 0) return then(render(), (html) => ({ html, hit: false }));
  knownOptions(options, ["using", "tags", "lock"], "cacheFragment()");
  if (lock !== undefined) __checkLock(lock);
  const key = makeTemplateFragmentKey(name, varyOn);
  // Django re-renders when the cached value is None.
  const found = (cached) => (cached !== undefined && cached !== null ? { html: cached, hit: true } : undefined);
  return then(cache.get(key), (cached) => {
    if (found(cached)) return found(cached);
    const compute = () => then(render(), (html) =>
      then(cache.set(key, html, { timeout: seconds, tags }), () => ({ html, hit: false })));
    // With `lock` over an async Cache, one instance of the fleet renders; the others wait for it.
    if (lock === undefined || lock === false || typeof cache[LEASED] !== "function") return compute();
    const read = async () => {
      const r = found(await cache.get(key));
      return r === undefined ? undefined : { value: r };
    };
    return cache[LEASED](key, lock, compute, { read });
  });
}

/**
 * Django's `{% cache timeout name ...varyOn %}`: the cached text of fragment `name`, else
 * `render()`'s, stored for `timeout` seconds (null = forever; 0 or less renders every
 * time). Synchronous over a MemoryCache with a synchronous render; a Promise otherwise.
 */
export function cacheFragment(name, varyOn, timeout, render, options) {
  // Django's tag reads `{% cache 500 sidebar ... %}`: the timeout first.
  if (typeof name === "number" && typeof varyOn === "string") {
    throw typeError("INVALID_ARGUMENT", `cacheFragment takes the name first: cacheFragment(${JSON.stringify(varyOn)}, varyOn, ${name}, render) for Django's {% cache ${name} ${varyOn} %}`);
  }
  return then(renderFragment(name, varyOn, timeout, render, options), (r) => r.html);
}

const encoder = new TextEncoder();

/** Text, a Promise of text or a function returning either: what one page part resolves to. */
function resolvePart(part, onFragment) {
  if (typeof part === "string") return part;
  if (typeof part === "function") return part();
  if (part !== null && typeof part === "object" && typeof part.then === "function") return part;
  if (part !== null && typeof part === "object" && typeof part.fragment === "string") {
    knownOptions(part, ["fragment", "varyOn", "timeout", "render", "using", "tags", "lock"], "a fragment part");
    const { fragment, varyOn, timeout = null, render, using, tags, lock } = part;
    return then(renderFragment(fragment, varyOn, timeout, render, { using, tags, lock }), (r) => {
      if (onFragment != null) quiet(onFragment(fragment, { hit: r.hit }), "onFragment"); // an async one may reject
      return r.html;
    });
  }
  throw typeError("INVALID_PART", "a page part is text, a Promise, a function, or { fragment, timeout, render }");
}

/**
 * A streamed page: each part (text, a function, a Promise or a fragment
 * `{ fragment, varyOn, timeout, render, using, tags }`) starts at once and is sent in order
 * as soon as it and the parts before it are ready, so the page is never buffered whole.
 * `onFragment(name, { hit })` tells which fragments came from the cache.
 */
export function streamFragments(parts, options = {}) {
  knownOptions(options, ["onFragment"], "streamFragments()");
  const { onFragment } = options ?? {};
  const what = "streamFragments needs a list of parts (text, promises, functions or fragments)";
  ensure(isIterable, parts, "INVALID_ARGUMENT", what);
  const list = reading(() => [...parts], "INVALID_ARGUMENT", what);
  let pending;
  return new ReadableStream({
    start() {
      // Start every part now; a rejection is handled when its turn comes.
      pending = list.map((part) => Promise.resolve().then(() => resolvePart(part, onFragment)));
      pending.forEach((p) => p.catch(() => undefined));
    },
    async pull(controller) {
      if (pending.length === 0) {
        controller.close();
        return;
      }
      const text = await pending.shift();
      controller.enqueue(encoder.encode(String(text)));
    },
  });
}
