// What every journey checks on its pages besides accessibility (axe.mjs): no uncaught error.
import assert from 'node:assert/strict';

/** Collects the page's uncaught errors in page.kwErrors. */
export function watchPageErrors(page) {
  page.kwErrors = [];
  page.on('pageerror', (e) => page.kwErrors.push(e.message));
  return page;
}

/** Fails on any uncaught error the page had. */
export function assertNoPageErrors(page) {
  assert.deepEqual(page.kwErrors, [], `uncaught errors in the page: ${page.kwErrors.join('; ')}`);
}
