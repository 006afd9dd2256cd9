import type { Refusal } from '../../model/index.ts';

/**
 * The outcome of one client operation. `indeterminate` means the client cannot tell whether the
 * operation took effect (no response before the deadline, for instance because the owner crashed
 * mid-request); it is never reported as success or as a refusal. `invalid` means the input could
 * not be sent at all (a malformed token), with the reason.
 */
export type Outcome<T> =
  | { readonly kind: 'ok'; readonly value: T }
  | { readonly kind: 'refused'; readonly refusal: Refusal }
  | { readonly kind: 'indeterminate'; readonly reason: string }
  | { readonly kind: 'invalid'; readonly message: string };

export const ok = <T>(value: T): Outcome<T> => ({ kind: 'ok', value });
export const refusedWith = <T>(refusal: Refusal): Outcome<T> => ({ kind: 'refused', refusal });
export const invalidInput = <T>(message: string): Outcome<T> => ({ kind: 'invalid', message });
