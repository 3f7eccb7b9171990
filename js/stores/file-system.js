// stores.fileSystem(dir): Django's file-based cache for Node, Deno and Bun servers.
import { codedError, knownOptions, typeError } from "../errors.js";
import { md5Hex } from "../edgecache.js";

const SUFFIX = ".djcache";
const HEADER = 12; // expiry (f64 ms, +Infinity = never) and the key's byte length (u32)

// node:fs/promises through process.getBuiltinModule (Node 20.16+, Deno 2, Bun): no import
// statement, so bundles for workerd and browsers never see a node: module.
async function fs() {
  const fsp = globalThis.process?.getBuiltinModule?.("node:fs/promises");
  if (!fsp) {
    throw codedError("UNSUPPORTED_RUNTIME", "stores.fileSystem() needs node:fs (Node 20.16+, Deno 2 or Bun)");
  }
  return fsp;
}

function encodeFile(key, value, expires) {
  const name = new TextEncoder().encode(key);
  const out = new Uint8Array(HEADER + name.length + value.length);
  const view = new DataView(out.buffer);
  view.setFloat64(0, expires, true);
  view.setUint32(8, name.length, true);
  out.set(name, HEADER);
  out.set(value, HEADER + name.length);
  return out;
}

function decodeFile(bytes) {
  if (bytes.length < HEADER) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = view.getUint32(8, true);
  if (HEADER + length > bytes.length) return null;
  return {
    expires: view.getFloat64(0, true),
    key: new TextDecoder().decode(bytes.subarray(HEADER, HEADER + length)),
    value: bytes.subarray(HEADER + length),
  };
}

/**
 * A store adapter writing one file per key in `dir`, named by the md5 of the key (as
 * Django's file cache), written atomically (a temporary file, then rename). Before each
 * write, when `dir` holds `maxEntries` files or more, `1/cullFrequency` of them are
 * deleted at random (Django's rule). Not atomic across processes for add/incr.
 * @param {string} dir
 * @param {{ maxEntries?: number, cullFrequency?: number, clock?: { now(): number } }} [options]
 */
export function fileSystem(dir, options = {}) {
  knownOptions(options, ["maxEntries", "cullFrequency", "clock"], "stores.fileSystem()");
  const { maxEntries = 300, cullFrequency = 3, clock } = options ?? {};
  if (typeof dir !== "string" || dir === "") {
    throw typeError("INVALID_STORE", "stores.fileSystem() needs a directory path");
  }
  const now = () => (clock ? clock.now() : Date.now());
  const path = (key) => `${dir}/${md5Hex(key)}${SUFFIX}`;
  let ready;
  const ensure = async () => (ready ??= (await fs()).mkdir(dir, { recursive: true, mode: 0o700 }));
  const names = async () => (await (await fs()).readdir(dir)).filter((n) => n.endsWith(SUFFIX));
  const read = async (file) => {
    try {
      return new Uint8Array(await (await fs()).readFile(file));
    } catch (error) {
      if (error.code === "ENOENT") return null;
      throw error;
    }
  };
  const remove = async (file) => {
    try {
      await (await fs()).unlink(file);
      return true;
    } catch (error) {
      if (error.code === "ENOENT") return false;
      throw error;
    }
  };

  async function cull() {
    const files = await names();
    if (files.length < maxEntries) return;
    const count = cullFrequency === 0 ? files.length : Math.floor(files.length / cullFrequency);
    for (let i = files.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [files[i], files[j]] = [files[j], files[i]];
    }
    await Promise.all(files.slice(0, count).map((n) => remove(`${dir}/${n}`)));
  }

  return {
    name: "fileSystem",
    limits: { maxKeyBytes: 4096, maxValueBytes: 256 * 1024 * 1024, minTtl: 0 },
    async get(key) {
      const bytes = await read(path(key));
      if (bytes === null) return null;
      const file = decodeFile(bytes);
      if (file === null) return bytes; // not ours: the Cache reports it as a foreign record
      if (file.key !== key) return null; // an md5 collision: not this key
      if (file.expires <= now()) {
        await remove(path(key));
        return null;
      }
      return file.value;
    },
    async put(key, value, { ttl } = {}) {
      await ensure();
      await cull();
      const expires = ttl === undefined ? Infinity : now() + ttl * 1000;
      const temp = `${path(key)}.${Math.random().toString(36).slice(2)}.tmp`;
      const f = await fs();
      await f.writeFile(temp, encodeFile(key, value, expires), { mode: 0o600 });
      await f.rename(temp, path(key));
    },
    async delete(key) {
      return remove(path(key));
    },
    async *list(prefix) {
      let files;
      try {
        files = await names();
      } catch (error) {
        if (error.code === "ENOENT") return;
        throw error;
      }
      for (const name of files) {
        const bytes = await read(`${dir}/${name}`);
        const file = bytes && decodeFile(bytes);
        if (file && file.key.startsWith(prefix)) yield file.key;
      }
    },
  };
}
