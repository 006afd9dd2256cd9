/**
 * Choice of listen ports for `shardcap cluster`: consecutive ports from a base, each replaced by
 * a free port when it is in use.
 *
 * NOTE: a port is probed by binding and closing it, so another process can take it before the
 * node binds it. The node then fails to start and the cluster reports it.
 */
import { createServer } from 'node:net';
import { FREE_PORT_ATTEMPTS_MAX } from '../limits.ts';

export interface ChosenPort {
  /** The port of the base range, or 0 when every port is chosen free. */
  readonly requested: number;
  readonly port: number;
}

/** Picks `count` distinct ports on `host`: `basePort + i` when it can be bound, or else a free port
 * chosen by the system. A `basePort` of 0 picks free ports for all. */
export const choosePorts = async (host: string, basePort: number, count: number): Promise<ChosenPort[]> => {
  const chosen: ChosenPort[] = [];
  const taken = new Set<number>();

  for (let index = 0; index < count; index += 1) {
    const requested = basePort === 0 ? 0 : basePort + index;
    let port = requested === 0 ? undefined : await probe(host, requested);
    // The system may hand out a port again once its probe closed, so retry until it is new.
    for (let attempt = 0; port === undefined || taken.has(port); attempt += 1) {
      if (attempt === FREE_PORT_ATTEMPTS_MAX) {
        throw new Error(`cannot find a free port on ${host} in ${FREE_PORT_ATTEMPTS_MAX} attempts: check that the host is a local address`);
      }
      port = await probe(host, 0);
    }
    taken.add(port);
    chosen.push({ requested, port });
  }
  return chosen;
};

/** Binds `port` on `host` and closes it again. Resolves with the bound port, or `undefined` when
 * the port is in use or not allowed. */
const probe = (host: string, port: number): Promise<number | undefined> =>
  new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(undefined));
    server.listen({ host, port, exclusive: true }, () => {
      const address = server.address();
      const bound = address !== null && typeof address !== 'string' ? address.port : undefined;
      server.close(() => resolve(bound));
    });
  });
