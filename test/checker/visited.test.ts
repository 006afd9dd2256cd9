/** The search memo: a node is covered by a visited one with the same key and fewer indeterminate operations placed. */
import { describe, expect, it } from 'vitest';
import { VisitedNodes } from '../../properties/checker/visited.ts';

const X = 0b001n;
const Y = 0b010n;
const Z = 0b100n;

describe('VisitedNodes', () => {
  it('accepts a first visit', () => {
    expect(new VisitedNodes().visit('k', X | Y)).toBe(true);
  });

  it('covers a repeat', () => {
    const visited = new VisitedNodes();
    visited.visit('k', X);

    expect(visited.visit('k', X)).toBe(false);
  });

  it('covers a superset', () => {
    const visited = new VisitedNodes();
    visited.visit('k', X);

    expect(visited.visit('k', X | Y)).toBe(false);
  });

  it('does not cover a subset', () => {
    const visited = new VisitedNodes();
    visited.visit('k', X | Y);

    expect(visited.visit('k', Y)).toBe(true);
  });

  it('does not cover an unrelated set', () => {
    const visited = new VisitedNodes();
    visited.visit('k', X | Y);

    expect(visited.visit('k', Y | Z)).toBe(true);
  });

  it('keeps keys apart', () => {
    const visited = new VisitedNodes();
    visited.visit('k', 0n);

    expect(visited.visit('other', X)).toBe(true);
  });

  it('covers by a set visited after a larger one', () => {
    const visited = new VisitedNodes();
    visited.visit('k', X | Y);
    visited.visit('k', Y);

    expect(visited.visit('k', Y | Z)).toBe(false);
    expect(visited.visit('k', X | Z)).toBe(true);
  });
});
