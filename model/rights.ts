/**
 * Rights a capability can carry. A set of rights is kept as a sorted array without duplicates,
 * so that two equal sets are equal arrays and print the same.
 */

export const ALL_RIGHTS = ['grant', 'read', 'write'] as const;

export type Right = (typeof ALL_RIGHTS)[number];

export type Rights = ReadonlyArray<Right>;

/** Returns the canonical form of a set of rights: sorted, without duplicates. */
export const rightsOf = (...list: ReadonlyArray<Right>): Rights => ALL_RIGHTS.filter((right) => list.includes(right));

export const hasRight = (rights: Rights, right: Right): boolean => rights.includes(right);

export const isSubset = (small: Rights, large: Rights): boolean => small.every((right) => large.includes(right));

export const intersect = (a: Rights, b: Rights): Rights => a.filter((right) => b.includes(right));

export const sameRights = (a: Rights, b: Rights): boolean => isSubset(a, b) && isSubset(b, a);

export const formatRights = (rights: Rights): string => (rights.length === 0 ? '{}' : `{${rights.join(',')}}`);
