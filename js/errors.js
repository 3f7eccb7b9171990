// Errors thrown by the JS side, shaped like the Rust core's: a stable `code` property.

/** A TypeError (bad argument or option) with `code`. */
export function typeError(code, message) {
  const error = new TypeError(message);
  error.code = code;
  return error;
}

/** An Error with `code` (and a `name` when one is given). */
export function codedError(code, message, name) {
  const error = new Error(message);
  error.code = code;
  if (name) error.name = name;
  return error;
}
