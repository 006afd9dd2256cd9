/**
 * Refinement of the model by the reference implementation: the same abstract history runs one
 * operation at a time on the model and on a simulated cluster, and every result must match,
 * refusal for refusal and token for token (as model values). The one allowed difference: where
 * the model refuses with OwnerUnavailable, a client cannot tell a crashed owner from a slow one,
 * so the implementation reports `indeterminate`.
 */
import * as E from 'fp-ts/lib/Either.js';
import { isDeepStrictEqual } from 'node:util';
import {
  ALL_RIGHTS,
  initialState,
  nodeId,
  objectId,
  ownerOf,
  referenceModel,
  step,
  type Capability,
  type Input,
  type Output,
  type Refusal,
  type Revoker,
  type State,
} from '../model/index.ts';
import type { Outcome } from '../impl/client/outcome.ts';
import { SimCluster } from '../impl/sim/cluster.ts';
import {
  CapabilityTokenCodec,
  encodeToken,
  RevokerTokenCodec,
  tokenToCapability,
  tokenToRevoker,
  type CapabilityToken,
  type RevokerToken,
} from '../impl/token/index.ts';
import type { Command, History } from './history/command.ts';
import { formatInput } from './history/format.ts';
import { forgedCapability, forgedRevoker } from './history/forged.ts';

interface HeldPair<M, T> {
  readonly model: M;
  readonly token: string;
  readonly decoded: T;
}

export interface Mismatch {
  readonly step: number;
  readonly input: string;
  readonly model: string;
  readonly impl: string;
}

export interface RefinementRun {
  readonly mismatches: ReadonlyArray<Mismatch>;
  readonly steps: number;
  readonly traceHash: string;
}

const decodeCap = (text: string): CapabilityToken => {
  const decoded = CapabilityTokenCodec.decode(text);
  if (E.isLeft(decoded)) {
    throw new Error('implementation returned a malformed capability token');
  }
  return decoded.right;
};

const decodeRevoker = (text: string): RevokerToken => {
  const decoded = RevokerTokenCodec.decode(text);
  if (E.isLeft(decoded)) {
    throw new Error('implementation returned a malformed revoker token');
  }
  return decoded.right;
};

const describeModel = (result: E.Either<Refusal, Output>): string =>
  E.isLeft(result) ? `refused ${JSON.stringify(result.left)}` : `ok ${JSON.stringify(result.right)}`;

const describeImpl = (outcome: Outcome<unknown>): string => {
  switch (outcome.kind) {
    case 'ok':
      return `ok ${JSON.stringify(outcome.value)}`;
    case 'refused':
      return `refused ${JSON.stringify(outcome.refusal)}`;
    case 'indeterminate':
      return `indeterminate (${outcome.reason})`;
    case 'invalid':
      return `invalid (${outcome.message})`;
  }
};

const UNKNOWN_NODE = nodeId('unknown');

/** Applies a forge mutation to a capability token, keeping its (now wrong) MAC. */
const forgeToken = (token: CapabilityToken, mutation: Extract<Command, { kind: 'forge-capability' }>['mutation']): CapabilityToken => {
  switch (mutation) {
    case 'amplify-rights':
      return { ...token, rights: ALL_RIGHTS };
    case 'bump-version':
      return { ...token, version: token.version + 1 };
    case 'other-slot':
      return { ...token, slot: token.slot + 1 };
    case 'unknown-object':
      return { ...token, object: objectId(ownerOf(token.object), 1_000_000) };
    case 'unknown-node':
      return { ...token, object: objectId(UNKNOWN_NODE, 0) };
  }
};

const pick = <T>(pool: ReadonlyArray<T>, index: number): T | undefined =>
  pool.length === 0 ? undefined : pool[((index % pool.length) + pool.length) % pool.length];

export interface RefinementOptions {
  readonly seed: number;
  readonly clients?: number;
}

/** Runs `history` on the model and on a fault-free simulated cluster, comparing every result. */
export const runRefinement = async (history: History, options: RefinementOptions): Promise<RefinementRun> => {
  const cluster = new SimCluster({
    seed: options.seed,
    nodes: history.nodeCount,
    clients: options.clients ?? 1,
    network: { dropRate: 0, duplicateRate: 0 },
    disk: { tornWriteRate: 0 },
  });
  const nodes = cluster.nodeIds;
  let state: State = initialState(nodes);
  const caps: Array<HeldPair<Capability, CapabilityToken>> = [];
  const revokers: Array<HeldPair<Revoker, RevokerToken>> = [];
  const mismatches: Mismatch[] = [];
  let steps = 0;

  for (const [index, command] of history.commands.entries()) {
    const client = cluster.clients[index % cluster.clients.length];
    if (client === undefined) {
      break;
    }

    if (command.kind === 'forge-capability') {
      const held = pick(caps, command.cap);
      if (held !== undefined) {
        const forged = forgeToken(held.decoded, command.mutation);
        const token = encodeToken(forged);
        // Amplifying a capability that already has every right changes nothing, so it is not a forgery.
        caps.push(token === held.token ? held : { model: forgedCapability(tokenToCapability(forged)), token, decoded: forged });
      }
      continue;
    }
    if (command.kind === 'forge-revoker') {
      const held = pick(revokers, command.revoker);
      if (held !== undefined) {
        const forged = { ...held.decoded, version: held.decoded.version + 1 };
        revokers.push({ model: forgedRevoker(tokenToRevoker(forged)), token: encodeToken(forged), decoded: forged });
      }
      continue;
    }

    let input: Input;
    let run: () => Promise<Outcome<unknown>> | Outcome<unknown>;
    switch (command.kind) {
      case 'create': {
        const node = nodes[command.node % nodes.length] as (typeof nodes)[number];
        input = { op: 'create', node, value: command.value };
        run = () => cluster.run(client.create(node, command.value));
        break;
      }
      case 'crash':
      case 'restart': {
        const node = nodes[command.node % nodes.length] as (typeof nodes)[number];
        input = { op: command.kind, node };
        run = () => {
          if (command.kind === 'crash') {
            cluster.crash(node);
          } else {
            cluster.restart(node);
          }
          return { kind: 'ok', value: {} };
        };
        break;
      }
      case 'attenuate':
      case 'derive':
      case 'read':
      case 'write': {
        const held = pick(caps, command.cap);
        if (held === undefined) {
          continue;
        }
        if (command.kind === 'attenuate') {
          input = { op: 'attenuate', cap: held.model, rights: command.rights };
          run = () => client.attenuate(held.token, command.rights);
        } else if (command.kind === 'derive') {
          input = { op: 'derive', cap: held.model, rights: command.rights };
          run = () => cluster.run(client.derive(held.token, command.rights));
        } else {
          const action = command.kind === 'read' ? { kind: 'read' as const } : { kind: 'write' as const, value: command.value };
          input = { op: 'invoke', cap: held.model, action };
          run = () => cluster.run(client.invoke(held.token, action));
        }
        break;
      }
      case 'revoke': {
        const held = pick(revokers, command.revoker);
        if (held === undefined) {
          continue;
        }
        input = { op: 'revoke', revoker: held.model };
        run = () => cluster.run(client.revoke(held.token));
        break;
      }
    }

    steps += 1;
    const expected = step(referenceModel, state, input);
    const modelResult: E.Either<Refusal, Output> = E.isLeft(expected) ? expected : E.right(expected.right[1]);

    // Crash and restart of the model are bookkeeping; the cluster only acts when the model accepts.
    let outcome: Outcome<unknown>;
    if ((input.op === 'crash' || input.op === 'restart') && E.isLeft(modelResult)) {
      outcome = { kind: 'refused', refusal: modelResult.left };
    } else {
      outcome = await run();
    }
    if (E.isRight(expected)) {
      state = expected.right[0];
    }

    const forgedInput = input.op === 'attenuate' && input.cap.version < 0;
    const matched = compare(modelResult, outcome, caps, revokers, forgedInput);
    if (!matched) {
      mismatches.push({ step: index, input: formatInput(input), model: describeModel(modelResult), impl: describeImpl(outcome) });
    }
  }

  return { mismatches, steps, traceHash: cluster.world.trace.hash() };
};

/** Compares one result and, when both succeeded, adds the new capability and revoker to the pools. */
const compare = (
  model: E.Either<Refusal, Output>,
  impl: Outcome<unknown>,
  caps: Array<HeldPair<Capability, CapabilityToken>>,
  revokers: Array<HeldPair<Revoker, RevokerToken>>,
  forgedInput: boolean,
): boolean => {
  if (E.isLeft(model)) {
    if (model.left._tag === 'OwnerUnavailable') {
      return impl.kind === 'indeterminate';
    }
    return impl.kind === 'refused' && isDeepStrictEqual(impl.refusal, model.left);
  }
  if (impl.kind !== 'ok') {
    return false;
  }
  const output = model.right;
  const value = impl.value as Record<string, unknown>;
  switch (output.op) {
    case 'create':
    case 'derive': {
      const cap = decodeCap(value['cap'] as string);
      const revoker = decodeRevoker(value['revoker'] as string);
      const same =
        isDeepStrictEqual(tokenToCapability(cap), output.cap) &&
        isDeepStrictEqual(tokenToRevoker(revoker), output.revoker) &&
        (output.op !== 'create' || value['object'] === output.object);
      if (same) {
        caps.push({ model: output.cap, token: value['cap'] as string, decoded: cap });
        revokers.push({ model: output.revoker, token: value['revoker'] as string, decoded: revoker });
      }
      return same;
    }
    case 'attenuate': {
      const cap = decodeCap(value['cap'] as string);
      // Attenuating a forged token gives a forged token, so its model value keeps the mark.
      const inspected = forgedInput ? forgedCapability(tokenToCapability(cap)) : tokenToCapability(cap);
      const same = isDeepStrictEqual(inspected, output.cap);
      if (same) {
        caps.push({ model: output.cap, token: value['cap'] as string, decoded: cap });
      }
      return same;
    }
    case 'invoke':
      return isDeepStrictEqual(value, output.result);
    case 'revoke':
    case 'crash':
    case 'restart':
      return true;
  }
};
