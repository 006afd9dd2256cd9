/** Formatting helpers for decode error messages. */

/** Formats a byte as `0x18`. */
export const formatByte = (value: number): string => `0x${value.toString(16).padStart(2, '0')}`;

/** Formats a count with its noun, `1 byte` or `3 bytes`. */
export const countOf = (count: number, noun: string): string => `${count} ${noun}${count === 1 ? '' : 's'}`;
