/**
 * A cluster of owner nodes and clients on the simulator: every process gets its ports from one
 * `SimWorld`, so one seed reproduces the whole run, faults included.
 */
import { nodeId, type NodeId } from '../../model/index.ts';
import { Client, type ClientOptions } from '../client/client.ts';
import type { OwnerBehaviour } from '../owner/behaviour.ts';
import { openRecordLog } from '../log/index.ts';
import { OwnerNode } from '../owner/owner.ts';
import type { Logger } from '../ports.ts';
import { ownerKey, type OwnerKey } from '../token/index.ts';
import type { DiskFaults } from './disk.ts';
import type { NetworkFaults } from './network.ts';
import type { Seed } from './random.ts';
import { SimWorld } from './world.ts';

export interface SimClusterOptions {
  readonly seed: Seed;
  /** Number of owner nodes, named n0, n1, ... */
  readonly nodes: number;
  /** Number of clients, named c0, c1, ... */
  readonly clients: number;
  readonly network?: Partial<NetworkFaults>;
  readonly disk?: Partial<DiskFaults>;
  readonly logs?: 'trace' | Logger;
  /** Client request deadline, in simulated milliseconds. */
  readonly deadlineMs?: number;
  /** Owner behaviour of every node; the reference one by default. */
  readonly ownerBehaviour?: OwnerBehaviour;
  /** Extra client options, set by checker mutants. */
  readonly clientOptions?: Pick<ClientOptions, 'attenuateToken' | 'metadataNode'>;
}

export class SimCluster {
  readonly world: SimWorld;
  readonly nodeIds: ReadonlyArray<NodeId>;
  readonly clients: ReadonlyArray<Client>;

  private readonly owners = new Map<NodeId, OwnerNode>();
  private readonly keys = new Map<NodeId, OwnerKey>();

  constructor(options: SimClusterOptions) {
    this.world = new SimWorld({
      seed: options.seed,
      ...(options.network === undefined ? {} : { network: options.network }),
      ...(options.disk === undefined ? {} : { disk: options.disk }),
      ...(options.logs === undefined ? {} : { logs: options.logs }),
    });
    this.nodeIds = Array.from({ length: options.nodes }, (_, index) => nodeId(`n${index}`));

    for (const node of this.nodeIds) {
      // The key is the node's only secret; it survives restarts, as a key file in the data directory would.
      this.keys.set(node, ownerKey(this.world.random.fork(`key/${node}`).bytes(32)));
      this.world.addEndpoint(node, (ports) => {
        this.owners.delete(node);
        const key = this.keys.get(node) as OwnerKey;
        const behaviour = options.ownerBehaviour === undefined ? {} : { behaviour: options.ownerBehaviour };
        void OwnerNode.start({ node, key, openLog: openRecordLog, ...behaviour }, ports).then((owner) => {
          if (this.world.isUp(node) && this.world.ports(node) === ports) {
            this.owners.set(node, owner);
          }
        });
      });
    }

    this.clients = Array.from({ length: options.clients }, (_, index) => {
      const ports = this.world.addEndpoint(`c${index}`);
      return new Client(ports, {
        id: `c${index}`,
        nodes: this.nodeIds,
        ...(options.deadlineMs === undefined ? {} : { deadlineMs: options.deadlineMs }),
        ...options.clientOptions,
      });
    });
  }

  /** Returns the running owner process of a node, `undefined` while it is crashed or recovering. */
  owner(node: NodeId): OwnerNode | undefined {
    return this.owners.get(node);
  }

  isUp(node: NodeId): boolean {
    return this.world.isUp(node);
  }

  /** Crashes a node's process: its memory is lost and its disk keeps only synced bytes (and maybe a torn tail). */
  crash(node: NodeId): void {
    this.owners.delete(node);
    this.world.crashEndpoint(node);
  }

  /** Starts a new process on a crashed node; it recovers from its disk before it answers. */
  restart(node: NodeId): void {
    this.world.restartEndpoint(node);
  }

  /** Runs the simulation until `operation` finishes and returns its result. */
  run<T>(operation: Promise<T>): Promise<T> {
    return this.world.clock.runUntilSettled(operation);
  }
}
