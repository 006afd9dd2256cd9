/**
 * Hand-written histories of one object, each a small scenario whose verdict follows from the
 * model by hand. Orders are checked in full where only one linearization exists.
 */
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { ownerUnavailable, referenceModel, revoked, type ModelOps } from '../../model/index.ts';
import { checkObject, type RecordedOp } from '../../properties/checker/index.ts';
import {
  creation,
  deriveInput,
  deriveOutput,
  derivedCap,
  derivedRevoker,
  indeterminate,
  orderOf,
  object,
  owner,
  readInput,
  readOutput,
  recorded,
  refusedWith,
  revokeInput,
  revokeOutput,
  rootCap,
  violationOf,
  writeInput,
  writeOutput,
} from './support.ts';

const BUDGET = 10_000;

describe('checkObject on determinate histories', () => {
  it('accepts a sequential history', () => {
    const child = derivedCap(1, 0, 'read');
    const ops = [
      recorded(1, writeInput(rootCap, 'b'), 10, 20, writeOutput),
      recorded(2, readInput(rootCap), 30, 40, readOutput('b')),
      recorded(3, deriveInput(rootCap, 'read'), 50, 60, deriveOutput(child)),
      recorded(4, readInput(child), 70, 80, readOutput('b')),
    ];

    const verdict = checkObject(creation, ops, BUDGET);

    expect(verdict).toEqual({ verdict: 'linearizable', order: [1, 2, 3, 4], explored: 5 });
  });

  it('keeps program order at equal times', () => {
    // The client read right after its write got its response, in the same millisecond, so the read
    // must see the write; another client's read at that time may not.
    const stale = [
      recorded(1, writeInput(rootCap, 'b'), 10, 20, writeOutput, 'c0'),
      recorded(2, readInput(rootCap), 20, 30, readOutput('a'), 'c0'),
    ];
    const concurrent = [
      recorded(1, writeInput(rootCap, 'b'), 10, 20, writeOutput, 'c0'),
      recorded(2, readInput(rootCap), 20, 30, readOutput('a'), 'c1'),
    ];

    expect(checkObject(creation, stale, BUDGET).verdict).toBe('violation');
    expect(orderOf(checkObject(creation, concurrent, BUDGET))).toEqual([2, 1]);
  });

  it('accepts an object with no operations', () => {
    expect(checkObject(creation, [], BUDGET)).toEqual({ verdict: 'linearizable', order: [], explored: 1 });
  });

  it('orders concurrent writes by a later read', () => {
    const ops = [
      recorded(1, writeInput(rootCap, 'x'), 10, 100, writeOutput),
      recorded(2, writeInput(rootCap, 'y'), 10, 100, writeOutput),
      recorded(3, readInput(rootCap), 110, 120, readOutput('x')),
    ];

    const verdict = checkObject(creation, ops, BUDGET);

    expect(orderOf(verdict)).toEqual([2, 1, 3]);
  });

  it('orders concurrent writes by overlapping reads', () => {
    // The read of "y" overlaps both writes and the read of "x" comes after it, so y then x.
    const ops = [
      recorded(1, writeInput(rootCap, 'x'), 10, 100, writeOutput),
      recorded(2, writeInput(rootCap, 'y'), 10, 100, writeOutput),
      recorded(3, readInput(rootCap), 20, 50, readOutput('y')),
      recorded(4, readInput(rootCap), 60, 120, readOutput('x')),
    ];

    const verdict = checkObject(creation, ops, BUDGET);

    expect(orderOf(verdict)).toEqual([2, 3, 1, 4]);
  });

  it('rejects reads that see two orders', () => {
    const ops = [
      recorded(1, writeInput(rootCap, 'x'), 10, 100, writeOutput),
      recorded(2, writeInput(rootCap, 'y'), 10, 100, writeOutput),
      recorded(3, readInput(rootCap), 110, 120, readOutput('x')),
      recorded(4, readInput(rootCap), 110, 120, readOutput('y')),
    ];

    expect(checkObject(creation, ops, BUDGET).verdict).toBe('violation');
  });

  it('treats touching intervals as concurrent', () => {
    // The read is invoked at the millisecond the write responds, so it may come first.
    const ops = [
      recorded(1, writeInput(rootCap, 'b'), 10, 20, writeOutput),
      recorded(2, readInput(rootCap), 20, 30, readOutput('a')),
    ];

    const verdict = checkObject(creation, ops, BUDGET);

    expect(orderOf(verdict)).toEqual([2, 1]);
  });
});

describe('checkObject on violations', () => {
  it('rejects a stale read after an acknowledged write', () => {
    const ops = [
      recorded(1, writeInput(rootCap, 'b'), 10, 20, writeOutput),
      recorded(2, readInput(rootCap), 30, 40, readOutput('a')),
    ];

    const verdict = checkObject(creation, ops, BUDGET);

    expect(violationOf(verdict).longestPrefix).toEqual([1]);
    expect(violationOf(verdict).mismatch).toEqual({ op: 2, model: 'ok value "b"', observed: 'ok value "a"' });
    expect(violationOf(verdict).reason).toContain('operation 2 (client "c2"');
    expect(violationOf(verdict).reason).toContain('[1]');
  });

  it('rejects an acknowledged write lost across a crash', () => {
    // The owner crashed after acknowledging the write: a read during the outage was refused with
    // OwnerUnavailable, and a read after the restart returned the value before the write.
    const ops = [
      recorded(1, writeInput(rootCap, 'b'), 10, 20, writeOutput),
      recorded(2, readInput(rootCap), 30, 40, refusedWith(ownerUnavailable(owner))),
      recorded(3, readInput(rootCap), 50, 60, readOutput('a')),
    ];

    const verdict = checkObject(creation, ops, BUDGET);

    expect(violationOf(verdict).mismatch).toEqual({ op: 3, model: 'ok value "b"', observed: 'ok value "a"' });
  });

  it('accepts the write surviving the crash', () => {
    const ops = [
      recorded(1, writeInput(rootCap, 'b'), 10, 20, writeOutput),
      recorded(2, readInput(rootCap), 30, 40, refusedWith(ownerUnavailable(owner))),
      recorded(3, readInput(rootCap), 50, 60, readOutput('b')),
    ];

    const verdict = checkObject(creation, ops, BUDGET);

    expect(orderOf(verdict)).toEqual([1, 3]);
  });

  it('rejects a revoked capability accepted after the revoke', () => {
    const child = derivedCap(1, 0, 'read');
    const ops = [
      recorded(1, deriveInput(rootCap, 'read'), 10, 20, deriveOutput(child)),
      recorded(2, revokeInput(derivedRevoker(1, 0)), 30, 40, revokeOutput),
      recorded(3, readInput(child), 50, 60, readOutput('a')),
    ];

    const verdict = checkObject(creation, ops, BUDGET);

    expect(violationOf(verdict).longestPrefix).toEqual([1, 2]);
    expect(violationOf(verdict).mismatch?.op).toBe(3);
    expect(violationOf(verdict).mismatch?.model).toBe('refused Revoked {"object":"storage/0","slot":1}');
  });

  it('rejects a derivation on the wrong slot', () => {
    const ops = [recorded(1, deriveInput(rootCap, 'read'), 10, 20, deriveOutput(derivedCap(2, 0, 'read')))];

    const verdict = checkObject(creation, ops, BUDGET);

    expect(violationOf(verdict).longestPrefix).toEqual([]);
  });

  it('rejects a derivation with the wrong rights', () => {
    const ops = [recorded(1, deriveInput(rootCap, 'read'), 10, 20, deriveOutput(derivedCap(1, 0, 'read', 'write')))];

    expect(checkObject(creation, ops, BUDGET).verdict).toBe('violation');
  });

  it('rejects a different refusal', () => {
    const ops = [recorded(1, readInput(derivedCap(1, 0, 'read')), 10, 20, refusedWith(revoked(rootCap, 1)))];

    const verdict = checkObject(creation, ops, BUDGET);

    expect(violationOf(verdict).mismatch?.model).toBe('refused Forged {"object":"storage/0"}');
  });

  it('rejects a creation the model refuses', () => {
    const verdict = checkObject({ ...creation, value: 'x'.repeat(1025) }, [], BUDGET);

    expect(violationOf(verdict).mismatch).toBeNull();
    expect(violationOf(verdict).reason).toContain('ValueTooLarge');
  });
});

describe('checkObject on revocation races', () => {
  const child = derivedCap(1, 0, 'read');
  const derived = recorded(1, deriveInput(rootCap, 'read'), 10, 20, deriveOutput(child));
  const revoke = recorded(2, revokeInput(derivedRevoker(1, 0)), 30, 60, revokeOutput);

  it('accepts a read before a concurrent revoke', () => {
    const read = recorded(3, readInput(child), 40, 50, readOutput('a'));

    const verdict = checkObject(creation, [derived, revoke, read], BUDGET);

    expect(orderOf(verdict)).toEqual([1, 3, 2]);
  });

  it('accepts a read after a concurrent revoke', () => {
    const read = recorded(3, readInput(child), 40, 50, refusedWith(revoked(child, 1)));

    const verdict = checkObject(creation, [derived, revoke, read], BUDGET);

    expect(orderOf(verdict)).toEqual([1, 2, 3]);
  });

  it('accepts a revoke seen by one read only', () => {
    const before = recorded(3, readInput(child), 40, 50, readOutput('a'));
    const after = recorded(4, readInput(child), 55, 70, refusedWith(revoked(child, 1)));

    const verdict = checkObject(creation, [derived, revoke, before, after], BUDGET);

    expect(orderOf(verdict)).toEqual([1, 3, 2, 4]);
  });

  it('rejects a read that undoes a revoke', () => {
    const refused = recorded(3, readInput(child), 40, 50, refusedWith(revoked(child, 1)));
    const accepted = recorded(4, readInput(child), 55, 70, readOutput('a'));

    expect(checkObject(creation, [derived, revoke, refused, accepted], BUDGET).verdict).toBe('violation');
  });
});

describe('checkObject on indeterminate operations', () => {
  it('places an indeterminate write a later read saw', () => {
    const ops = [
      recorded(1, writeInput(rootCap, 'b'), 10, null, indeterminate),
      recorded(2, readInput(rootCap), 30, 40, readOutput('b')),
    ];

    const verdict = checkObject(creation, ops, BUDGET);

    expect(orderOf(verdict)).toEqual([1, 2]);
  });

  it('leaves out an indeterminate write no read saw', () => {
    const ops = [
      recorded(1, writeInput(rootCap, 'b'), 10, null, indeterminate),
      recorded(2, readInput(rootCap), 30, 40, readOutput('a')),
    ];

    const verdict = checkObject(creation, ops, BUDGET);

    expect(orderOf(verdict)).toEqual([2]);
  });

  it('places an indeterminate write after its client gave up', () => {
    // The client stopped waiting at 20 ms, but the request reached the owner between the reads.
    const ops = [
      recorded(1, writeInput(rootCap, 'b'), 10, 20, indeterminate),
      recorded(2, readInput(rootCap), 30, 40, readOutput('a')),
      recorded(3, readInput(rootCap), 50, 60, readOutput('b')),
    ];

    const verdict = checkObject(creation, ops, BUDGET);

    expect(orderOf(verdict)).toEqual([2, 1, 3]);
  });

  it('rejects an indeterminate write seen then unseen', () => {
    const ops = [
      recorded(1, writeInput(rootCap, 'b'), 10, null, indeterminate),
      recorded(2, readInput(rootCap), 30, 40, readOutput('b')),
      recorded(3, readInput(rootCap), 50, 60, readOutput('a')),
    ];

    const verdict = checkObject(creation, ops, BUDGET);

    expect(violationOf(verdict).longestPrefix).toEqual([1, 2]);
  });

  it('rejects an indeterminate write seen before it was sent', () => {
    const ops = [
      recorded(1, readInput(rootCap), 10, 20, readOutput('b')),
      recorded(2, writeInput(rootCap, 'b'), 30, null, indeterminate),
    ];

    expect(checkObject(creation, ops, BUDGET).verdict).toBe('violation');
  });

  it('places an indeterminate derivation a later one reveals', () => {
    // The later derivation got slot 2, so slot 1 went to the derivation without a response.
    const ops = [
      recorded(1, deriveInput(rootCap, 'grant', 'read'), 10, null, indeterminate),
      recorded(2, deriveInput(rootCap, 'read'), 30, 40, deriveOutput(derivedCap(2, 0, 'read'))),
    ];

    const verdict = checkObject(creation, ops, BUDGET);

    expect(orderOf(verdict)).toEqual([1, 2]);
  });

  it('rejects the same slot without the indeterminate derivation', () => {
    const ops = [recorded(2, deriveInput(rootCap, 'read'), 30, 40, deriveOutput(derivedCap(2, 0, 'read')))];

    const verdict = checkObject(creation, ops, BUDGET);

    expect(violationOf(verdict).mismatch?.model).toBe(
      'ok cap(storage/0#1@0{read}) revoker(storage/0#1@0)',
    );
  });

  it('places an indeterminate revoke a reused slot reveals', () => {
    // Slot 1 at version 1 can only come from reusing slot 1 after a revoke of version 0.
    const ops = [
      recorded(1, deriveInput(rootCap, 'read'), 10, 20, deriveOutput(derivedCap(1, 0, 'read'))),
      recorded(2, revokeInput(derivedRevoker(1, 0)), 30, null, indeterminate),
      recorded(3, deriveInput(rootCap, 'write'), 50, 60, deriveOutput(derivedCap(1, 1, 'write'))),
    ];

    const verdict = checkObject(creation, ops, BUDGET);

    expect(orderOf(verdict)).toEqual([1, 2, 3]);
  });

  it('treats OwnerUnavailable as indeterminate', () => {
    const ops = [
      recorded(1, writeInput(rootCap, 'b'), 10, 20, refusedWith(ownerUnavailable(owner))),
      recorded(2, readInput(rootCap), 30, 40, readOutput('b')),
    ];

    const verdict = checkObject(creation, ops, BUDGET);

    expect(orderOf(verdict)).toEqual([1, 2]);
  });
});

describe('checkObject search budget', () => {
  /** Concurrent writes of distinct values, then a read of a value none of them wrote. */
  const concurrentWrites = (count: number): RecordedOp[] => [
    ...Array.from({ length: count }, (_, index) => recorded(index + 1, writeInput(rootCap, `w${index}`), 10, 100, writeOutput)),
    recorded(count + 1, readInput(rootCap), 200, 210, readOutput('never written')),
  ];

  it('returns unknown when the budget runs out', () => {
    const verdict = checkObject(creation, concurrentWrites(16), 5_000);

    expect(verdict).toEqual({ verdict: 'unknown', explored: 5_000 });
  });

  it('decides the same shape within budget', () => {
    const verdict = checkObject(creation, concurrentWrites(4), 5_000);

    expect(verdict.verdict).toBe('violation');
    expect(verdict.explored).toBeLessThan(5_000);
  });

  it('tries one of several equal unanswered requests', () => {
    // Retries of one derivation have equal inputs, so which of them took effect does not matter.
    const retries = Array.from({ length: 14 }, (_, index) => recorded(index + 1, deriveInput(rootCap, 'read'), 10 + index, null, indeterminate));
    const ops = [...retries, recorded(20, readInput(rootCap), 200, 210, readOutput('never written'))];

    const verdict = checkObject(creation, ops, 1_000);

    expect(verdict.verdict).toBe('violation');
    expect(verdict.explored).toBe(15);
  });

  it('rejects a budget that is not a positive integer', () => {
    expect(() => checkObject(creation, [], 0)).toThrow(/invalid search budget 0/);
    expect(() => checkObject(creation, [], 1.5)).toThrow(/invalid search budget 1.5/);
  });
});

describe('checkObject input checks', () => {
  const read = recorded(1, readInput(rootCap), 10, 20, readOutput('a'));

  it('rejects an end before the start', () => {
    expect(() => checkObject(creation, [{ ...read, end: 5 }], BUDGET)).toThrow(/end 5 before its start 10/);
  });

  it('rejects an outcome with no end', () => {
    expect(() => checkObject(creation, [{ ...read, end: null }], BUDGET)).toThrow(/outcome ok but no end/);
  });

  it('rejects duplicate operation ids', () => {
    expect(() => checkObject(creation, [read, read], BUDGET)).toThrow(/operation id 1 appears twice/);
  });

  it('rejects an operation on another object', () => {
    const other = { ...creation, object: `${owner}/1` as typeof object };

    expect(() => checkObject(other, [read], BUDGET)).toThrow(/is on storage\/0, not on storage\/1/);
  });

  it('rejects a creation whose owner differs from the id', () => {
    const other = { ...creation, owner: 'elsewhere' as typeof owner };

    expect(() => checkObject(other, [], BUDGET)).toThrow(/names owner elsewhere/);
  });
});

describe('checkObject model parameter', () => {
  /** A model whose revoke acknowledges and changes nothing. */
  const revokeIgnored: ModelOps = { ...referenceModel, revoke: (state) => E.right([state, {}] as const) };

  it('judges against the model it is given', () => {
    const child = derivedCap(1, 0, 'read');
    const ops = [
      recorded(1, deriveInput(rootCap, 'read'), 10, 20, deriveOutput(child)),
      recorded(2, revokeInput(derivedRevoker(1, 0)), 30, 40, revokeOutput),
      recorded(3, readInput(child), 50, 60, readOutput('a')),
    ];

    expect(checkObject(creation, ops, BUDGET, revokeIgnored).verdict).toBe('linearizable');
    expect(checkObject(creation, ops, BUDGET).verdict).toBe('violation');
  });

  it('starts from the recorded serial', () => {
    const later = { ...creation, object: `${owner}/7` as typeof object };
    const cap = { ...rootCap, object: later.object };
    const ops = [{ ...recorded(1, readInput(cap), 10, 20, readOutput('a')), object: later.object }];

    expect(checkObject(later, ops, BUDGET).verdict).toBe('linearizable');
  });
});
