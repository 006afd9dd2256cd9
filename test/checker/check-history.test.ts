/** Grouping by object and the overall verdict of checkHistory. */
import { describe, expect, it } from 'vitest';
import { objectId, rightsOf, type Capability, type ObjectId } from '../../model/index.ts';
import { checkHistory, type RecordedHistory, type RecordedOp } from '../../properties/checker/index.ts';
import { creation, owner, readOutput, recorded, rootCap, writeOutput } from './support.ts';

const other = objectId(owner, 3);
const otherCap: Capability = { ...rootCap, object: other };
const otherCreation = { ...creation, object: other, value: 'z' };

const onObject = (op: RecordedOp, object: ObjectId, cap: Capability): RecordedOp => {
  const input = op.input.op === 'invoke' ? { ...op.input, cap } : op.input;
  return { ...op, object, input };
};

const read = (id: number, object: ObjectId, cap: Capability, value: string, start: number): RecordedOp =>
  onObject(recorded(id, { op: 'invoke', cap: rootCap, action: { kind: 'read' } }, start, start + 10, readOutput(value)), object, cap);

const write = (id: number, object: ObjectId, cap: Capability, value: string, start: number): RecordedOp =>
  onObject(recorded(id, { op: 'invoke', cap: rootCap, action: { kind: 'write', value } }, start, start + 10, writeOutput), object, cap);

describe('checkHistory', () => {
  it('checks each object against its own creation', () => {
    // Reads of "z" on one object and "a" on the other, interleaved in time.
    const history: RecordedHistory = {
      creations: [creation, otherCreation],
      ops: [read(1, other, otherCap, 'z', 10), read(2, creation.object, rootCap, 'a', 20), read(3, other, otherCap, 'z', 30)],
    };

    const verdict = checkHistory(history, 1_000);

    expect(verdict.verdict).toBe('linearizable');
    expect(verdict.objects.get(creation.object)).toMatchObject({ verdict: 'linearizable', order: [2] });
    expect(verdict.objects.get(other)).toMatchObject({ verdict: 'linearizable', order: [1, 3] });
    expect(verdict.unchecked).toEqual([]);
  });

  it('reports a violation on one object', () => {
    const history: RecordedHistory = {
      creations: [creation, otherCreation],
      ops: [write(1, other, otherCap, 'y', 10), read(2, other, otherCap, 'z', 30), read(3, creation.object, rootCap, 'a', 20)],
    };

    const verdict = checkHistory(history, 1_000);

    expect(verdict.verdict).toBe('violation');
    expect(verdict.objects.get(other)?.verdict).toBe('violation');
    expect(verdict.objects.get(creation.object)?.verdict).toBe('linearizable');
  });

  it('reports unknown when no object is a violation', () => {
    const writes = Array.from({ length: 12 }, (_, index) => ({ ...write(index + 1, other, otherCap, `w${index}`, 10), end: 100 }));
    const history: RecordedHistory = {
      creations: [creation, otherCreation],
      ops: [...writes, read(20, other, otherCap, 'never written', 200), read(21, creation.object, rootCap, 'a', 20)],
    };

    const verdict = checkHistory(history, 100);

    expect(verdict.verdict).toBe('unknown');
    expect(verdict.objects.get(creation.object)?.verdict).toBe('linearizable');
  });

  it('prefers violation over unknown', () => {
    const writes = Array.from({ length: 12 }, (_, index) => ({ ...write(index + 1, other, otherCap, `w${index}`, 10), end: 100 }));
    const history: RecordedHistory = {
      creations: [creation, otherCreation],
      ops: [...writes, read(20, other, otherCap, 'never written', 200), write(21, creation.object, rootCap, 'b', 20), read(22, creation.object, rootCap, 'a', 40)],
    };

    expect(checkHistory(history, 100).verdict).toBe('violation');
  });

  it('lists operations on objects never created', () => {
    const unknownObject = objectId(owner, 9);
    const forged: Capability = { ...rootCap, object: unknownObject, rights: rightsOf('read') };
    const history: RecordedHistory = {
      creations: [creation],
      ops: [read(1, creation.object, rootCap, 'a', 10), read(2, unknownObject, forged, 'a', 20)],
    };

    const verdict = checkHistory(history, 1_000);

    expect(verdict.unchecked).toEqual([2]);
    expect([...verdict.objects.keys()]).toEqual([creation.object]);
  });

  it('rejects two creations of one object', () => {
    expect(() => checkHistory({ creations: [creation, creation], ops: [] }, 1_000)).toThrow(/storage\/0 has two recorded creations/);
  });

  it('rejects an id used on two objects', () => {
    const history: RecordedHistory = {
      creations: [creation, otherCreation],
      ops: [read(1, creation.object, rootCap, 'a', 10), read(1, other, otherCap, 'z', 10)],
    };

    expect(() => checkHistory(history, 1_000)).toThrow(/operation id 1 appears twice/);
  });
});
