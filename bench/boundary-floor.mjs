// The floor of any cache whose data lives in wasm memory: each get writes the key into
// linear memory, makes one call and decodes the value out; each set writes key and value and
// makes one call. It stores nothing (one value, no lookup), so what it measures is only the
// crossing a wasm-resident store cannot avoid, with the codecs edgecache's Node loader uses
// (a charCode loop for short ASCII keys, Buffer's latin1Slice for ASCII strings, slice for
// bytes). In the GC workload it is the harness's own cost: its allocations and scavenges.

// (module
//   (memory (export "memory") 1)
//   (func (export "lookup") (param i32) (result i32) i32.const 1024))
// The call returns where the value lies, as a store's lookup would.
const MODULE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version 1
  0x01, 0x06, 0x01, 0x60, 0x01, 0x7f, 0x01, 0x7f, // type 0: (i32) -> i32
  0x03, 0x02, 0x01, 0x00, // function 0 has type 0
  0x05, 0x03, 0x01, 0x00, 0x01, // one memory, 1 page (64 KiB)
  0x07, 0x13, 0x02, // two exports
  0x06, 0x6c, 0x6f, 0x6f, 0x6b, 0x75, 0x70, 0x00, 0x00, // "lookup": function 0
  0x06, 0x6d, 0x65, 0x6d, 0x6f, 0x72, 0x79, 0x02, 0x00, // "memory": memory 0
  0x0a, 0x07, 0x01, 0x05, 0x00, 0x41, 0x80, 0x08, 0x0b, // body: i32.const 1024; end
]);
const VALUE_AT = 1024;

/** A get/set pair that pays the wasm boundary and nothing else. */
export function boundaryFloor() {
  const { lookup, memory } = new WebAssembly.Instance(new WebAssembly.Module(MODULE)).exports;
  const bytes = new Uint8Array(memory.buffer);
  const buffer = Buffer.from(memory.buffer);
  let length = 0;
  let isString = true;
  const writeKey = (key) => {
    const n = key.length;
    for (let i = 0; i < n; i++) bytes[i] = key.charCodeAt(i);
    return n;
  };
  return {
    get(key) {
      const at = lookup(writeKey(key));
      return isString ? buffer.latin1Slice(at, at + length) : bytes.slice(at, at + length);
    },
    set(key, value) {
      isString = typeof value === "string";
      length = isString ? buffer.latin1Write(value, VALUE_AT) : (bytes.set(value, VALUE_AT), value.length);
      lookup(writeKey(key));
    },
  };
}
