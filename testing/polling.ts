// Waiting for something another process does: poll, with a deadline.

/** Reads until `done` holds or `timeoutMs` passes; returns the last value read (the caller asserts on it). */
export async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 15_000, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!done(value) && Date.now() < deadline) {
    await Bun.sleep(everyMs);
    value = await read();
  }
  return value;
}

/** Polls `check` until it resolves truthy (a rejection counts as not yet), or throws naming `what` after `timeoutMs`. */
export async function until(what: string, check: () => Promise<unknown>, timeoutMs = 15_000, everyMs = 50): Promise<void> {
  const passed = await eventually(() => check().then(Boolean, () => false), (ok) => ok, timeoutMs, everyMs);
  if (!passed) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}
