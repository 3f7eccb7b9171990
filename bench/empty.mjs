// Intentionally empty: bench/startup.mjs imports it to measure the cost of importing any file.
