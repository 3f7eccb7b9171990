// The public API every runtime loader re-exports: the generated bindings, plus `cache`,
// Django's proxy for the "default" alias (it follows configureCaches).
import { getCache } from "./edgecache.js";
import "./fast.js";

export { MemoryCache, DummyCache, configureCaches, getCache } from "./edgecache.js";

export const cache = new Proxy(Object.create(null), {
  get(_, name) {
    const target = getCache("default");
    const value = Reflect.get(target, name, target);
    return typeof value === "function" ? value.bind(target) : value;
  },
  has(_, name) {
    return name in getCache("default");
  },
});
