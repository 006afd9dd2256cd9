import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findEffects } from './purity.ts';

const MODEL_DIR = join(import.meta.dirname, '..', '..', 'model');

const sourceFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      return sourceFiles(path);
    }
    return entry.name.endsWith('.ts') ? [path] : [];
  });

describe('model purity', () => {
  it('model has source files', () => {
    expect(sourceFiles(MODEL_DIR).length).toBeGreaterThan(5);
  });

  for (const path of sourceFiles(MODEL_DIR)) {
    const name = relative(MODEL_DIR, path);
    it(`${name} has no effects`, () => {
      const findings = findEffects(path, readFileSync(path, 'utf8')).map((finding) => `${name}:${finding.line} ${finding.text}`);
      expect(findings).toEqual([]);
    });
  }
});

describe('purity checker', () => {
  const cases: ReadonlyArray<readonly [string, string]> = [
    ["import { readFileSync } from 'node:fs';", 'imports node:fs'],
    ["import fs from 'fs';", 'imports fs'],
    ["import * as t from 'io-ts';", 'imports io-ts'],
    ["export * from 'node:crypto';", 'imports node:crypto'],
    ['const now = Date.now();', 'uses Date'],
    ['const when = new Date();', 'uses Date'],
    ['const roll = Math.random();', 'uses Math.random'],
    ['const roll = Math . random();', 'uses Math.random'],
    ['const env = process.env;', 'uses process'],
    ['setTimeout(() => 1, 5);', 'uses setTimeout'],
    ['const clock = performance.now();', 'uses performance'],
    ["const loaded = import('node:fs');", 'dynamic import()'],
    ['console.log(1);', 'uses console'],
    ['const g = globalThis;', 'uses globalThis'],
  ];
  for (const [source, expected] of cases) {
    it(`flags ${expected}`, () => {
      expect(findEffects('case.ts', source).map((finding) => finding.text)).toContain(expected);
    });
  }

  it('allows pure code', () => {
    const source = [
      "import * as E from 'fp-ts/lib/Either.js';",
      "import { x } from './x.ts';",
      'const record = { process: 1, Date: 2 };',
      'const value = record.process + Math.max(1, 2);',
    ].join('\n');
    expect(findEffects('pure.ts', source)).toEqual([]);
  });
});
