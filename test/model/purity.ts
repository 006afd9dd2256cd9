/**
 * Finds effectful code in TypeScript source: imports of anything but the model's own files and
 * fp-ts, and uses of globals that read a clock, draw randomness, do I/O or reach the process.
 */
import ts from 'typescript';

/** Globals the model must not touch, each a clock, a source of randomness, I/O or the process. */
export const FORBIDDEN_GLOBALS: ReadonlySet<string> = new Set([
  'Date',
  'performance',
  'process',
  'require',
  'console',
  'fetch',
  'crypto',
  'globalThis',
  'setTimeout',
  'setInterval',
  'setImmediate',
  'queueMicrotask',
  'WebAssembly',
  'SharedArrayBuffer',
  'Atomics',
]);

const isAllowedImport = (specifier: string): boolean =>
  specifier.startsWith('./') || specifier.startsWith('../') || specifier.startsWith('fp-ts/');

export interface Finding {
  readonly line: number;
  readonly text: string;
}

export const findEffects = (fileName: string, source: string): ReadonlyArray<Finding> => {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.ES2022, true);
  const findings: Finding[] = [];
  const report = (node: ts.Node, text: string): void => {
    const { line } = file.getLineAndCharacterOfPosition(node.getStart(file));
    findings.push({ line: line + 1, text });
  };

  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier !== undefined) {
      const specifier = (node.moduleSpecifier as ts.StringLiteral).text;
      if (!isAllowedImport(specifier)) {
        report(node, `imports ${specifier}`);
      }
    }
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      report(node, 'dynamic import()');
    }
    if (ts.isIdentifier(node) && FORBIDDEN_GLOBALS.has(node.text) && !isPropertyName(node)) {
      report(node, `uses ${node.text}`);
    }
    if (ts.isPropertyAccessExpression(node) && node.getText(file).replace(/\s/g, '') === 'Math.random') {
      report(node, 'uses Math.random');
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return findings;
};

/** True when the identifier is the name after a dot or a property key, not a reference to a global. */
const isPropertyName = (node: ts.Identifier): boolean => {
  const parent = node.parent;
  return (
    (ts.isPropertyAccessExpression(parent) && parent.name === node) ||
    (ts.isPropertyAssignment(parent) && parent.name === node) ||
    (ts.isPropertySignature(parent) && parent.name === node) ||
    (ts.isMethodDeclaration(parent) && parent.name === node)
  );
};
