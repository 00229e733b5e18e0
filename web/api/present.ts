// Shows a failed request to the user once, in their language, through the presenter the app
// registered at start (the console: ElMessage; the driver app: a Vant toast). Views do not show
// errors themselves; a view that says something better for a code it expects (the login form for a
// wrong password) tells the client so, per call:
//
//   await expecting(['unauthorized'], () => auth.login(phone, password))   // the form says it
//   await quietly(() => listSchedules(...))                                // a background refresh
//
// The scope is read when the request starts, so `start` must send its request before its first
// await (an API call, or a store action that calls one first); it throws at once otherwise, so a
// wrong use fails in the tests instead of showing an error it meant to keep quiet.
//
// Never shown: a cancelled request (the caller cancelled it) and a 401 to a request that carried a
// token (the app's onUnauthorized handler speaks for it, once).
import { ApiError, errorText, isApiError } from './errors';

export interface ErrorPresenter {
  /** Shows `text` (already in the user's language); `error` for presenters that style by code. */
  show(text: string, error: unknown): void;
  /** The user's language now ('zh-CN' or 'en'). */
  locale(): string;
  /** false while the device has no network (a failure then says "you are offline"). */
  online?(): boolean;
}

export interface ErrorHandling {
  handles?: readonly string[];
  quiet?: boolean;
}

let presenter: ErrorPresenter | null = null;
let scope: ErrorHandling = {};
let started = 0;
// Errors already shown: presenting one again (a store rethrows, a view passes it on) is a no-op.
const shown = new WeakSet<object>();

export function setErrorPresenter(p: ErrorPresenter | null): void {
  presenter = p;
}

/** The handling a request starting now gets: its own options over the enclosing scope's. */
export function startHandling(own: ErrorHandling): ErrorHandling {
  ++started;
  return {
    quiet: own.quiet ?? scope.quiet,
    handles: [...(scope.handles ?? []), ...(own.handles ?? [])],
  };
}

function withHandling<T>(handling: ErrorHandling, start: () => Promise<T>): Promise<T> {
  const outer = scope;
  const before = started;
  scope = handling;
  try {
    const promise = start();
    if (started === before) throw new Error('the error handling scope started no request before its first await');
    return promise;
  } finally {
    scope = outer;
  }
}

/** Runs `start` with `codes` left to the caller: the client does not show those. */
export function expecting<T>(codes: readonly string[], start: () => Promise<T>): Promise<T> {
  return withHandling({ handles: [...(scope.handles ?? []), ...codes], quiet: scope.quiet }, start);
}

/** Runs `start` showing none of its failures. */
export function quietly<T>(start: () => Promise<T>): Promise<T> {
  return withHandling({ quiet: true, handles: scope.handles }, start);
}

/**
 * Shows any failure once (an ApiError the client already showed is not shown again; a dismissed
 * confirmation box, 'cancel' or 'close', is not a failure). Returns whether it showed something.
 */
export function presentError(e: unknown): boolean {
  if (e === 'cancel' || e === 'close' || !presenter) return false;
  if (typeof e === 'object' && e !== null) {
    if (shown.has(e)) return false;
    shown.add(e);
  }
  const online = presenter.online ? presenter.online() : true;
  try {
    presenter.show(errorText(e, presenter.locale(), online), e);
  } catch {
    // a failing presenter must not replace the caller's error with its own
  }
  return true;
}

/** Called by the client for each failed request. */
export function presentFailure(error: ApiError, handling: ErrorHandling, sentToken: string | null): void {
  if (error.code === 'aborted') return;
  if (error.status === 401 && sentToken) return;
  if (handling.quiet || handling.handles?.includes(error.code)) {
    shown.add(error); // the caller owns it: a later presentError() must not show it either
    return;
  }
  presentError(error);
}

/** For a caller that kept an error quiet and then decides it must be shown after all. */
export function presentNow(e: unknown): void {
  if (isApiError(e)) shown.delete(e);
  presentError(e);
}
