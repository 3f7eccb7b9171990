// The store adapters, as `stores.*`.
import { cacheStorage } from "./cache-storage.js";
import { cloudflareKV } from "./cloudflare-kv.js";
import { denoKV } from "./deno-kv.js";
import { fileSystem } from "./file-system.js";
import { indexedDB } from "./indexed-db.js";
import { localStorage } from "./local-storage.js";
import { memcached } from "./memcached.js";
import { memory } from "./memory.js";
import { redis } from "./redis.js";
import { sql } from "./sql.js";

export const stores = Object.freeze({ cacheStorage, cloudflareKV, denoKV, fileSystem, indexedDB, localStorage, memcached, memory, redis, sql });
