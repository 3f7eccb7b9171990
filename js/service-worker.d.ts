// `edgecache/service-worker`: the browser API without top-level await, for service workers.
export * from "./index.js";

/** Resolves once the WebAssembly module is instantiated; await it before the first call. */
export declare const ready: Promise<void>;
