/**
 * Abstract history commands for the model. A command refers to earlier results by index into a
 * pool (capabilities and revokers obtained so far), taken modulo the pool's size (so -1 is the
 * newest entry), and any shrunk history still runs. Indices into empty pools make the command a no-op.
 */
import type { Rights } from '../../model/index.ts';

export type ForgeMutation = 'amplify-rights' | 'bump-version' | 'other-slot' | 'unknown-object' | 'unknown-node';

export type Command =
  | { readonly kind: 'create'; readonly node: number; readonly value: string }
  | { readonly kind: 'attenuate'; readonly cap: number; readonly rights: Rights }
  | { readonly kind: 'derive'; readonly cap: number; readonly rights: Rights }
  | { readonly kind: 'revoke'; readonly revoker: number }
  | { readonly kind: 'read'; readonly cap: number }
  | { readonly kind: 'write'; readonly cap: number; readonly value: string }
  | { readonly kind: 'forge-capability'; readonly cap: number; readonly mutation: ForgeMutation }
  | { readonly kind: 'forge-revoker'; readonly revoker: number }
  | { readonly kind: 'crash'; readonly node: number }
  | { readonly kind: 'restart'; readonly node: number };

export type CommandKind = Command['kind'];

export const COMMAND_KINDS: ReadonlyArray<CommandKind> = [
  'create',
  'attenuate',
  'derive',
  'revoke',
  'read',
  'write',
  'forge-capability',
  'forge-revoker',
  'crash',
  'restart',
];

export interface History {
  /** Number of nodes, named n0, n1, ... */
  readonly nodeCount: number;
  readonly commands: ReadonlyArray<Command>;
}

export const formatCommand = (command: Command): string => {
  switch (command.kind) {
    case 'create':
      return `create(node ${command.node}, ${JSON.stringify(command.value)})`;
    case 'attenuate':
    case 'derive':
      return `${command.kind}(cap ${command.cap}, {${command.rights.join(',')}})`;
    case 'revoke':
    case 'forge-revoker':
      return `${command.kind}(revoker ${command.revoker})`;
    case 'read':
      return `read(cap ${command.cap})`;
    case 'write':
      return `write(cap ${command.cap}, ${JSON.stringify(command.value)})`;
    case 'forge-capability':
      return `forge-capability(cap ${command.cap}, ${command.mutation})`;
    case 'crash':
    case 'restart':
      return `${command.kind}(node ${command.node})`;
  }
};
