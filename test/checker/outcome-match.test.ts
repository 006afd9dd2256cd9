/** The equality the search compares results with returns what node:util's `isDeepStrictEqual` returns on plain data. */
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sameData } from '../../properties/checker/outcome-match.ts';
import { assertProperty } from '../../properties/check.ts';

const FILE = 'test/checker/outcome-match.test.ts';

/** Plain data as the model's outputs and refusals hold it, with small alphabets so that equal
 * values and values that differ in one place both come up often. */
const { value: plainArbitrary } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom<unknown>(0, 1, -0, Number.NaN, 'a', 'b', '', true, false, null, undefined),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom('a', 'b', 'op', '_tag'), tie('value'), { maxKeys: 3 }),
  ),
}));

describe('sameData', () => {
  it('matches isDeepStrictEqual on plain data', () => {
    assertProperty(
      'sameData matches isDeepStrictEqual',
      FILE,
      fc.property(plainArbitrary, plainArbitrary, (left, right) => {
        expect(sameData(left, right)).toBe(isDeepStrictEqual(left, right));
        expect(sameData(left, structuredClone(left))).toBe(isDeepStrictEqual(left, structuredClone(left)));
      }),
      3000,
    );
  });

  it('tells absent keys from undefined values', () => {
    expect(sameData({ a: undefined }, {})).toBe(false);
    expect(sameData({}, { a: undefined })).toBe(false);
    expect(sameData({ a: undefined }, { b: undefined })).toBe(false);
  });

  it('ignores key order, not array type', () => {
    expect(sameData({ a: 1, b: [2] }, { b: [2], a: 1 })).toBe(true);
    expect(sameData(['x'], { 0: 'x' })).toBe(false);
    expect(sameData({ 0: 'x' }, ['x'])).toBe(false);
  });

  it('compares -0 and NaN like isDeepStrictEqual', () => {
    expect(sameData(0, -0)).toBe(isDeepStrictEqual(0, -0));
    expect(sameData([Number.NaN], [Number.NaN])).toBe(true);
  });
});
