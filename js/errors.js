// Errors thrown by the JS side, shaped like the Rust core's: a stable `code` property.
import { coded, quiet } from "./boundary.js";
import { withCode } from "./encode.js";

/** A TypeError (bad argument or option) with `code`. */
export function typeError(code, message) {
  return withCode(new TypeError(message), code);
}

/** An Error with `code` (and a `name` and a `cause` when given). */
export function codedError(code, message, name, cause) {
  const error = withCode(new Error(message, cause === undefined ? undefined : { cause }), code);
  if (name) error.name = name;
  return error;
}

/**
 * Calls a user hook (onError, onEvict) so that it can never fail the caller's operation:
 * what it throws goes to console.error and `counts.hookErrors`.
 */
export function callHook(name, hook, counts, ...args) {
  try {
    const result = hook(...args);
    // An async hook's rejection counts as a throw (unhandled, it would end a Node process).
    if (result !== null && (typeof result === "object" || typeof result === "function")) quiet(result, name, (error) => hookFailed(name, counts, error));
  } catch (error) {
    hookFailed(name, counts, error);
  }
}

function hookFailed(name, counts, error) {
  counts.hookErrors = (counts.hookErrors ?? 0) + 1;
  try {
    console.error(`edgecache: the ${name} hook threw:`, error);
  } catch {}
}

/** Refuses an options object with a key not in `known` (a typo would silently do nothing). */
export function knownOptions(options, known, what) {
  if (options === undefined || options === null) return;
  checkObject(options, what);
  const names = reading(() => Object.keys(options), "INVALID_OPTIONS", `${what}: the options could not be read`);
  const unknown = names.find((name) => !known.includes(name));
  if (unknown !== undefined) throw typeError("UNKNOWN_OPTION", `${what} has no option '${unknown}' (known: ${known.join(", ")})`);
}

/**
 * The own enumerable options of `options` in an object with no prototype: destructuring it
 * never reads a name the caller did not set from Object.prototype (where a prototype-pollution
 * bug elsewhere in an app may have put `stripSetCookie` or `language`, which decide what a
 * cached page may be served to).
 */
export function ownOptions(options, what = "this call") {
  if (options !== undefined && options !== null) checkObject(options, what);
  return reading(() => Object.assign({ __proto__: null }, options), "INVALID_OPTIONS", "the options could not be read");
}

/**
 * Options given as a number, string or function, or a class instance (a cache where its options
 * go) were ignored or misread before: refused, saying so. A plain object from any realm passes.
 */
export function checkObject(options, what) {
  if (typeof options !== "object") {
    const got = typeof options === "function" ? "a function" : typeof options === "string" ? `string ${JSON.stringify(options)}` : `${typeof options} ${String(options)}`;
    throw typeError("INVALID_OPTIONS", `${what} takes its options as an object, got ${got}`);
  }
  const name = reading(() => {
    const proto = Object.getPrototypeOf(options);
    return proto === null || Object.getPrototypeOf(proto) === null ? undefined : proto.constructor?.name || "object";
  }, "INVALID_OPTIONS", `${what}: the options could not be read`);
  if (name === undefined) return;
  throw typeError("INVALID_ARGUMENT", `${what} got ${Array.isArray(options) ? "an array" : `a ${name}`} where its options object goes (a cache goes in its own option: { cache }, or { using } for cacheFragment)`);
}

/**
 * `value` when `test(value)` holds, else a TypeError with `code` and `message`; what reading
 * the value throws is handled as `reading` does (a revoked Proxy: coded; a caller's own error
 * unchanged). `test` is a module-level function: no closure is made per check.
 */
export function ensure(test, value, code, message) {
  let ok;
  try {
    ok = test(value);
  } catch (error) {
    throw coded(error, code, message);
  }
  if (!ok) throw typeError(code, message);
  return value;
}

/** Whether `value` is iterable (any iterable, as Django takes lists of names and parts). */
export const isIterable = (value) => value !== null && value !== undefined && typeof value[Symbol.iterator] === "function";

/** Whether `value` is an object with a method `name` (a store binding's check). */
export function hasMethod(name) {
  return (value) => value !== null && typeof value === "object" && typeof value[name] === "function";
}

/**
 * `read()`, where reading a caller's argument may throw: the engine's error (a revoked Proxy)
 * as a TypeError with `code`, a caller's own (a getter's, a trap's) unchanged.
 */
export function reading(read, code, message) {
  try {
    return read();
  } catch (error) {
    throw coded(error, code, message);
  }
}
