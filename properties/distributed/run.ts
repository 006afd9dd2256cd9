/**
 * Runs a distributed history against a `CapabilitySystem` and records every operation with its
 * client, simulated start and end times and outcome, every fault with its time, and every message.
 */
import type { Outcome } from '../../impl/client/outcome.ts';
import { initialState, ownerOf, type State, type Capability, type Input, type NodeId, type ObjectId, type Output, type Revoker } from '../../model/index.ts';
import type { FaultKind, InvokeResult } from '../adapter.ts';
import { forgedCapability, forgedRevoker } from '../history/forged.ts';
import type { CapabilitySystem, SentMessage, TokenText } from '../adapter.ts';
import { describeFault, type ClientCommand, type DistributedHistory, type TimedFault } from './history.ts';

export type RecordedKind = 'create' | 'attenuate' | 'derive' | 'revoke' | 'read' | 'write';

export interface RecordedOp {
  readonly id: number;
  readonly client: number;
  readonly kind: RecordedKind;
  /** The object the operation acts on; for a create, the object it returned (if any). */
  readonly object: ObjectId | null;
  readonly owner: NodeId | null;
  /** The model's input for the operation, tokens shown as the model's values. */
  readonly input: Input;
  /** Request id of a remote operation: `c<client>:<number of earlier remote operations of that client>`. */
  readonly requestId: string | null;
  readonly startMs: number;
  /** `null` when the outcome is indeterminate. */
  readonly endMs: number | null;
  /** When the client returned the outcome, indeterminate ones included (then: when it gave up). */
  readonly returnedMs: number;
  readonly outcome: Outcome<unknown>;
  /** The model's output for an `ok` outcome, tokens read back with the system's inspect functions. */
  readonly output: Output | null;
  /** True for the reads of every object that run after the streams, with faults healed. */
  readonly final: boolean;
}

export interface RecordedFault extends TimedFault {
  readonly applied: boolean;
  readonly description: string;
}

export interface RecordedRun {
  readonly system: string;
  /** Fault kinds the system supports; the others were never applied. */
  readonly supportedFaults: ReadonlySet<FaultKind>;
  readonly history: DistributedHistory;
  readonly nodes: ReadonlyArray<NodeId>;
  readonly ops: ReadonlyArray<RecordedOp>;
  readonly faults: ReadonlyArray<RecordedFault>;
  readonly messages: ReadonlyArray<SentMessage>;
  /** A model state with the run's nodes, for stateless model calls such as `attenuate`. */
  readonly initialState: State;
  /** System time when the run began; fault times are relative to it. */
  readonly startMs: number;
  /** When the streams had all finished and the final phase (heal, restart every node, read every object) began. */
  readonly finalPhaseMs: number;
  readonly endMs: number;
}

interface HeldCap {
  readonly token: TokenText;
  readonly model: Capability;
}

interface HeldRevoker {
  readonly token: TokenText;
  readonly model: Revoker;
}

const pick = <T>(pool: ReadonlyArray<T>, index: number): T | undefined =>
  pool.length === 0 ? undefined : pool[((index % pool.length) + pool.length) % pool.length];

export const runDistributed = async (system: CapabilitySystem, history: DistributedHistory): Promise<RecordedRun> => {
  const caps: HeldCap[] = [];
  const revokers: HeldRevoker[] = [];
  const roots = new Map<ObjectId, HeldCap>();
  const ops: RecordedOp[] = [];
  const faults: RecordedFault[] = [];
  const remoteCounts = new Array<number>(system.clientCount).fill(0);
  const startMs = system.now();
  // Faults scheduled after the streams end stay unapplied, so the final reads run on a healed system.
  let streamsDone = false;

  // A fault the system does not support is never applied, and its rate stays at zero.
  const supported = system.supportedFaults;
  system.setNetworkFaults({
    dropRate: supported.has('drop') ? history.rates.dropRate : 0,
    duplicateRate: supported.has('duplicate') ? history.rates.duplicateRate : 0,
    delayMsMax: supported.has('delay') ? history.rates.delayMsMax : Math.min(history.rates.delayMsMax, 2),
  });
  for (const timed of history.faults) {
    const record = { ...timed, applied: false, description: describeFault(timed.fault) };
    faults.push(record);
    system.at(startMs + timed.atMs, () => {
      if (!streamsDone && isSupported(supported, timed)) {
        faults[faults.indexOf(record)] = { ...record, applied: applyFault(system, timed) };
      }
    });
  }

  const record = (
    client: number,
    kind: RecordedKind,
    input: Input,
    remote: boolean,
    started: number,
    outcome: Outcome<unknown>,
    final = false,
  ): void => {
    const object = input.op === 'create' ? createdObject(outcome) : objectOfInput(input);
    let owner: NodeId | null = null;
    if (input.op === 'create') {
      owner = input.node;
    } else if (object !== null) {
      owner = ownerOf(object);
    }
    // A client sends nothing for an object whose owner is not in the cluster, so such an
    // operation takes no request id.
    const sent = remote && owner !== null && system.nodes.includes(owner);
    const requestId = sent ? `c${client}:${remoteCounts[client] ?? 0}` : null;
    if (sent) {
      remoteCounts[client] = (remoteCounts[client] ?? 0) + 1;
    }
    ops.push({
      id: ops.length,
      client,
      kind,
      object,
      owner,
      input,
      requestId,
      startMs: started,
      endMs: outcome.kind === 'indeterminate' ? null : system.now(),
      returnedMs: system.now(),
      outcome,
      output: outcome.kind === 'ok' ? modelOutput(system, input, outcome.value) : null,
      final,
    });
  };

  const runCommand = async (client: number, command: ClientCommand): Promise<void> => {
    const started = system.now();
    switch (command.kind) {
      case 'create': {
        const node = system.nodes[command.node % system.nodes.length] as NodeId;
        const outcome = await system.create(client, node, command.value);
        record(client, 'create', { op: 'create', node, value: command.value }, true, started, outcome);
        if (outcome.kind === 'ok') {
          const cap = { token: outcome.value.cap, model: inspectCap(system, outcome.value.cap) };
          caps.push(cap);
          roots.set(outcome.value.object, cap);
          revokers.push({ token: outcome.value.revoker, model: inspectRevoker(system, outcome.value.revoker) });
        }
        return;
      }
      case 'attenuate': {
        const held = pick(caps, command.cap);
        if (held === undefined) {
          return;
        }
        const outcome = system.attenuate(client, held.token, command.rights);
        record(client, 'attenuate', { op: 'attenuate', cap: held.model, rights: command.rights }, false, started, outcome);
        const output = ops[ops.length - 1]?.output;
        if (outcome.kind === 'ok' && output?.op === 'attenuate') {
          caps.push({ token: outcome.value.cap, model: output.cap });
        }
        return;
      }
      case 'derive': {
        const held = pick(caps, command.cap);
        if (held === undefined) {
          return;
        }
        const outcome = await system.derive(client, held.token, command.rights);
        record(client, 'derive', { op: 'derive', cap: held.model, rights: command.rights }, true, started, outcome);
        if (outcome.kind === 'ok') {
          caps.push({ token: outcome.value.cap, model: inspectCap(system, outcome.value.cap) });
          revokers.push({ token: outcome.value.revoker, model: inspectRevoker(system, outcome.value.revoker) });
        }
        return;
      }
      case 'revoke': {
        const held = pick(revokers, command.revoker);
        if (held === undefined) {
          return;
        }
        const outcome = await system.revoke(client, held.token);
        record(client, 'revoke', { op: 'revoke', revoker: held.model }, true, started, outcome);
        return;
      }
      case 'read':
      case 'write': {
        const held = pick(caps, command.cap);
        if (held === undefined) {
          return;
        }
        const action = command.kind === 'read' ? { kind: 'read' as const } : { kind: 'write' as const, value: command.value };
        const outcome = await system.invoke(client, held.token, action);
        record(client, command.kind, { op: 'invoke', cap: held.model, action }, true, started, outcome);
        return;
      }
      case 'forge-capability': {
        const held = pick(caps, command.cap);
        if (held !== undefined) {
          const token = system.forgeCapability(held.token, command.mutation);
          // Amplifying a capability that already has every right changes nothing, so it is not a forgery.
          caps.push(token === held.token ? held : { token, model: forgedCapability(inspectCap(system, token)) });
        }
        return;
      }
      case 'forge-revoker': {
        const held = pick(revokers, command.revoker);
        if (held !== undefined) {
          const token = system.forgeRevoker(held.token);
          revokers.push(token === held.token ? held : { token, model: forgedRevoker(inspectRevoker(system, token)) });
        }
        return;
      }
    }
  };

  const streams = history.streams.map(async (stream, client) => {
    for (const command of stream) {
      await runCommand(client, command);
    }
  });
  await system.settle(Promise.all(streams));
  streamsDone = true;
  const finalPhaseMs = system.now();

  // With every fault healed and every node up, read each object once through its root
  // capability, so that a lost acknowledged write shows even when no stream read it again.
  system.heal();
  system.setNetworkFaults({ dropRate: 0, duplicateRate: 0, delayMsMax: history.rates.delayMsMax });
  for (const node of system.nodes) {
    system.resume?.(node);
    system.restart(node);
  }
  if (system.whenUp !== undefined) {
    await system.settle(system.whenUp());
  }
  for (const [, root] of roots) {
    const started = system.now();
    const outcome = await system.settle(system.invoke(0, root.token, { kind: 'read' }));
    record(0, 'read', { op: 'invoke', cap: root.model, action: { kind: 'read' } }, true, started, outcome, true);
  }

  return {
    system: system.name,
    supportedFaults: system.supportedFaults,
    history,
    nodes: system.nodes,
    ops,
    faults,
    messages: [...system.messages()],
    initialState: initialState(system.nodes),
    startMs,
    finalPhaseMs,
    endMs: system.now(),
  };
};

/** Runs `history` on `system` and closes the system afterwards, also when the run throws. */
export const runAndClose = async (system: CapabilitySystem, history: DistributedHistory): Promise<RecordedRun> => {
  try {
    return await runDistributed(system, history);
  } finally {
    await system.close();
  }
};

const isSupported = (supported: ReadonlySet<string>, timed: TimedFault): boolean => {
  switch (timed.fault.kind) {
    case 'crash':
      return supported.has('crash') && (!timed.fault.torn || supported.has('disk'));
    case 'restart':
      return supported.has('crash');
    case 'partition':
    case 'heal':
      return supported.has('partition');
    case 'pause':
    case 'resume':
      return supported.has('pause');
    case 'disconnect':
      return supported.has('disconnect');
  }
};

const applyFault = (system: CapabilitySystem, timed: TimedFault): boolean => {
  const fault = timed.fault;
  const node = (index: number): NodeId => system.nodes[index % system.nodes.length] as NodeId;
  switch (fault.kind) {
    case 'crash':
      if (!system.isUp(node(fault.node))) {
        return false;
      }
      if (fault.torn) {
        system.tearNextCrash(node(fault.node));
      }
      system.crash(node(fault.node));
      return true;
    case 'restart':
      if (system.isUp(node(fault.node))) {
        return false;
      }
      system.restart(node(fault.node));
      return true;
    case 'partition': {
      const client = `c${fault.client % system.clientCount}`;
      system.partition(client, node(fault.node));
      if (!fault.oneWay) {
        system.partition(node(fault.node), client);
      }
      return true;
    }
    case 'heal':
      system.heal();
      return true;
    case 'pause':
      return faultControl(system, 'pause')(node(fault.node));
    case 'resume':
      return faultControl(system, 'resume')(node(fault.node));
    case 'disconnect':
      faultControl(system, 'disconnect')(fault.client % system.clientCount, node(fault.node));
      return true;
  }
};

/** The optional fault control `name` of `system`; a system that lists the fault kind as supported must have it. */
const faultControl = <K extends 'pause' | 'resume' | 'disconnect'>(system: CapabilitySystem, name: K): NonNullable<CapabilitySystem[K]> => {
  const control = system[name];
  if (control === undefined) {
    throw new Error(`${system.name} lists ${name === 'disconnect' ? 'disconnect' : 'pause'} among its supported faults but has no ${name} method: add it or drop the fault kind`);
  }
  return control.bind(system) as NonNullable<CapabilitySystem[K]>;
};

const inspectCap = (system: CapabilitySystem, token: TokenText): Capability => {
  const cap = system.inspectCapability(token);
  if (cap === undefined) {
    throw new Error(`${system.name} returned a capability token that its own inspectCapability cannot read`);
  }
  return cap;
};

const inspectRevoker = (system: CapabilitySystem, token: TokenText): Revoker => {
  const revoker = system.inspectRevoker(token);
  if (revoker === undefined) {
    throw new Error(`${system.name} returned a revoker token that its own inspectRevoker cannot read`);
  }
  return revoker;
};

/** Returns the object an input acts on, or `null` for a create, crash or restart. */
export const objectOfInput = (input: Input): ObjectId | null => {
  switch (input.op) {
    case 'attenuate':
    case 'derive':
    case 'invoke':
      return input.cap.object;
    case 'revoke':
      return input.revoker.object;
    default:
      return null;
  }
};

const createdObject = (outcome: Outcome<unknown>): ObjectId | null =>
  outcome.kind === 'ok' ? ((outcome.value as { readonly object: ObjectId }).object ?? null) : null;

/** Translates an implementation's response into the model's output for the same input. */
const modelOutput = (system: CapabilitySystem, input: Input, value: unknown): Output => {
  const fields = value as Record<string, unknown>;
  switch (input.op) {
    case 'create':
      return {
        op: 'create',
        object: fields['object'] as ObjectId,
        cap: inspectCap(system, fields['cap'] as TokenText),
        revoker: inspectRevoker(system, fields['revoker'] as TokenText),
      };
    case 'attenuate': {
      // Attenuating a forged token gives a forged token, so the model's value keeps the mark.
      const cap = inspectCap(system, fields['cap'] as TokenText);
      return { op: 'attenuate', cap: input.cap.version < 0 ? forgedCapability(cap) : cap };
    }
    case 'derive':
      return {
        op: 'derive',
        cap: inspectCap(system, fields['cap'] as TokenText),
        revoker: inspectRevoker(system, fields['revoker'] as TokenText),
      };
    case 'revoke':
      return { op: 'revoke' };
    case 'invoke':
      return { op: 'invoke', result: value as InvokeResult };
    case 'crash':
    case 'restart':
      return { op: input.op };
  }
};
