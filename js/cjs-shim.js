// Bundled into node.cjs only (scripts/build.mjs): import.meta.url for CommonJS.
export const importMetaUrl = require("node:url").pathToFileURL(__filename).href;
