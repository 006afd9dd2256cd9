import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SIM_DIRECTORY = join(import.meta.dirname, '../../impl/sim');

/** Globals that read the real clock, real randomness, or schedule real timers. */
const FORBIDDEN_IDENTIFIERS = new Set([
  'Date',
  'performance',
  'setTimeout',
  'setInterval',
  'clearTimeout',
  'clearInterval',
  'queueMicrotask',
]);

/** Members that read the real clock or real randomness, whatever object they are read from. */
const FORBIDDEN_MEMBERS = new Set([
  'Math.random',
  'process.hrtime',
  'process.uptime',
  'crypto.getRandomValues',
  'crypto.randomUUID',
]);

/** Imports from node:crypto that draw real randomness. */
const FORBIDDEN_CRYPTO_IMPORTS = new Set([
  'randomBytes',
  'randomFill',
  'randomFillSync',
  'randomInt',
  'randomUUID',
  'webcrypto',
]);

/** `setImmediate` and `process.nextTick` let promise continuations finish between simulated
 * events and carry no time. Only the clock may use them. */
const LOOP_SCHEDULING_ALLOWED_IN = new Set(['clock.ts']);

/** Lists every use of real time or real randomness in a TypeScript source, as `file:line text`. */
const findNondeterminism = (fileName: string, source: string): string[] => {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.ES2022, true);
  const findings: string[] = [];
  const report = (node: ts.Node, description: string): void => {
    const line = file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1;
    findings.push(`${fileName}:${line} ${description}`);
  };

  const visit = (node: ts.Node): void => {
    if (ts.isIdentifier(node)) {
      const parent = node.parent;
      const isMemberName = ts.isPropertyAccessExpression(parent) && parent.name === node;
      if (!isMemberName && FORBIDDEN_IDENTIFIERS.has(node.text)) {
        report(node, node.text);
      }
      if (!isMemberName && node.text === 'setImmediate' && !LOOP_SCHEDULING_ALLOWED_IN.has(fileName)) {
        report(node, node.text);
      }
    }
    if (ts.isPropertyAccessExpression(node)) {
      const member = `${node.expression.getText(file)}.${node.name.text}`;
      if (FORBIDDEN_MEMBERS.has(member)) {
        report(node, member);
      }
      if (member === 'process.nextTick' && !LOOP_SCHEDULING_ALLOWED_IN.has(fileName)) {
        report(node, member);
      }
    }
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const module = node.moduleSpecifier.text;
      const bindings = node.importClause?.namedBindings;
      if ((module === 'node:crypto' || module === 'crypto') && bindings !== undefined) {
        if (ts.isNamespaceImport(bindings)) {
          report(node, `namespace import of ${module}`);
        } else {
          for (const element of bindings.elements) {
            const imported = (element.propertyName ?? element.name).text;
            if (FORBIDDEN_CRYPTO_IMPORTS.has(imported)) {
              report(element, `${module} ${imported}`);
            }
          }
        }
      }
      if (module === 'node:perf_hooks' || module === 'perf_hooks' || module === 'node:timers' || module === 'timers') {
        report(node, `import of ${module}`);
      }
    }
    ts.forEachChild(node, visit);
  };

  visit(file);
  return findings;
};

describe('simulator purity', () => {
  it('flags each form of real time and randomness', () => {
    const source = [
      "import { randomBytes, createHash } from 'node:crypto';",
      "import { performance as perf } from 'node:perf_hooks';",
      'const a = Date.now();',
      'const b = new Date();',
      'const c = performance.now();',
      'const d = Math.random();',
      'setTimeout(() => undefined, 1);',
      'setImmediate(() => undefined);',
      'const e = process.hrtime.bigint();',
      'const f = crypto.randomUUID();',
      'const g = { Date: 1 }.Date;',
      'process.nextTick(() => undefined);',
    ].join('\n');

    const findings = findNondeterminism('example.ts', source);

    expect(findings).toEqual([
      'example.ts:1 node:crypto randomBytes',
      'example.ts:2 import of node:perf_hooks',
      'example.ts:2 performance',
      'example.ts:3 Date',
      'example.ts:4 Date',
      'example.ts:5 performance',
      'example.ts:6 Math.random',
      'example.ts:7 setTimeout',
      'example.ts:8 setImmediate',
      'example.ts:9 process.hrtime',
      'example.ts:10 crypto.randomUUID',
      'example.ts:11 Date',
      'example.ts:12 process.nextTick',
    ]);
  });

  it('ignores comments and strings', () => {
    const source = ["// Date.now() and Math.random() are banned", "const text = 'setTimeout';"].join('\n');

    expect(findNondeterminism('example.ts', source)).toEqual([]);
  });

  it('finds none in the simulator', () => {
    const files = readdirSync(SIM_DIRECTORY).filter((name) => name.endsWith('.ts'));
    expect(files).toContain('clock.ts');
    expect(files).toContain('world.ts');

    const findings = files.flatMap((name) => findNondeterminism(name, readFileSync(join(SIM_DIRECTORY, name), 'utf8')));

    expect(findings).toEqual([]);
  });
});
