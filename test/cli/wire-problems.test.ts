/** The log of wire problems that `check --cluster` prints for a node that breaks the protocol. */
import { describe, expect, it } from 'vitest';
import { formatWireProblems, WireProblemLog } from '../../impl/cli/wire-problems.ts';

describe('WireProblemLog', () => {
  it('counts protocol errors by node and reason', () => {
    const log = new WireProblemLog();
    for (let index = 0; index < 3; index++) {
      log.warn({ peer: 'n1', reason: 'bad hello' }, 'closed a connection after a protocol error');
    }
    log.warn({ peer: 'n0', reason: 'not JSON' }, 'dropped a malformed frame');

    expect(log.problems()).toEqual([
      { node: 'n0', event: 'dropped a malformed frame', reason: 'not JSON', count: 1, protocol: true },
      { node: 'n1', event: 'closed a connection after a protocol error', reason: 'bad hello', count: 3, protocol: true },
    ]);
  });

  it('names a node by its address', () => {
    const log = new WireProblemLog(new Map([['127.0.0.1:4000', 'n2']]));
    log.warn({ address: '127.0.0.1:4000', reason: 'bad hello' }, 'closed a connection after a protocol error');

    expect(log.problems()[0]?.node).toBe('n2');
  });

  it('ignores other entries and ranks protocol errors first', () => {
    const log = new WireProblemLog();
    log.warn({ peer: 'n0', error: 'ECONNREFUSED' }, 'connection to the peer failed, retrying with backoff');
    log.warn({ client: 'c0', node: 'n0' }, 'request deadline passed');
    log.info({ peer: 'n0' }, 'connection closed');
    log.warn({ peer: 'n1', reason: 'x' }, 'dropped a request sent to a client');

    expect(log.problems().map((problem) => [problem.node, problem.protocol])).toEqual([
      ['n1', true],
      ['n0', false],
    ]);
  });

  it('keeps five reasons per node and event', () => {
    const log = new WireProblemLog();
    for (let index = 0; index < 8; index++) {
      log.warn({ peer: 'n0', reason: `reason ${index}` }, 'dropped a malformed frame');
    }

    const problems = log.problems();
    expect(problems).toHaveLength(5);
    expect(problems.reduce((sum, problem) => sum + problem.count, 0)).toBe(8);
  });

  it('formats one line per problem', () => {
    expect(formatWireProblems([{ node: 'n1', event: 'dropped a malformed frame', reason: 'not JSON', count: 12, protocol: true }])).toBe(
      '     12  n1  dropped a malformed frame: not JSON',
    );
  });
});
