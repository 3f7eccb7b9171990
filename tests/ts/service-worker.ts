// A service worker in TypeScript against `edgecache/service-worker`: `ready` is a promise and
// the rest of the API is the main entry's.
import { Cache, cachePage, ready, stores } from "edgecache/service-worker";

const whenReady: Promise<void> = ready;
const page = whenReady.then(() =>
  cachePage((request: Request) => fetch(request), { timeout: 300, cache: new Cache({ store: stores.indexedDB("pages") }) }),
);
export async function answer(request: Request): Promise<Response> {
  return (await page)(request);
}
// @ts-expect-error ready is not a function to call
ready();
