// `cache`: Django's proxy for the "default" alias of the registry, resolved on every use so
// configureCaches may run after import.
import { getCache } from "./edgecache.js";

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
